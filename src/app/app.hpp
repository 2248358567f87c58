#pragma once
// `forecourt serve`: builds the route table and the pipeline, starts one io_context and
// its services per I/O thread, listens, and drains gracefully on SIGINT/SIGTERM.
#include "core/config.hpp"
#include "http/router.hpp"

namespace forecourt {

// Every resource's routes, registered in one place (the whole API surface).
void register_all_routes(http::Router& router, const Config& config);

int run_server(const Config& config);

}  // namespace forecourt
