#pragma once
// One register function per resource file; app.cpp calls them all.
#include <string>

#include "core/config.hpp"
#include "http/router.hpp"

namespace forecourt::api {

void register_meta_routes(http::Router& router);
void register_location_routes(http::Router& router);
void register_inventory_routes(http::Router& router);
void register_vehicle_routes(http::Router& router);
void register_tool_routes(http::Router& router);
void register_storage_routes(http::Router& router);
void register_financing_routes(http::Router& router);
// /auth/login, /auth/logout, /auth/refresh, /auth/me and the small protected reads
// (/staff/customers, /admin/audit-log) whose access levels the role matrix tests.
void register_auth_routes(http::Router& router, const Config& config);
// The embedded GoTrue API under /auth/v1 (AUTH_MODE=embedded).
void register_gotrue_routes(http::Router& router);
// /openapi.json, Swagger UI (/docs), Redoc (/redoc) and their assets.
void register_docs_routes(http::Router& router, const Config& config);

}  // namespace forecourt::api
