#pragma once
// /financing/applications: create (Idempotency-Key) and read. Declared on its own rather
// than in api/routes.hpp only to keep this change from rebuilding every resource file; it
// belongs with the others there.
#include "http/router.hpp"

namespace forecourt::api {

void register_financing_routes(http::Router& router);

}  // namespace forecourt::api
