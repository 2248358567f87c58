#pragma once
// One register function per resource file; app.cpp calls them all.
#include <string>

#include "http/router.hpp"

namespace forecourt::api {

void register_meta_routes(http::Router& router);
void register_location_routes(http::Router& router);
void register_vehicle_routes(http::Router& router);
void register_tool_routes(http::Router& router);
void register_storage_routes(http::Router& router);
void register_docs_routes(http::Router& router, std::string server_url);

}  // namespace forecourt::api
