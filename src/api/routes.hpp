#pragma once
// One register function per resource file; app.cpp calls them all.
#include <string>

#include "core/config.hpp"
#include "http/router.hpp"

namespace forecourt::api {

void register_meta_routes(http::Router& router);
void register_location_routes(http::Router& router);
void register_inventory_routes(http::Router& router);
// /openapi.json, Swagger UI (/docs), Redoc (/redoc) and their assets.
void register_docs_routes(http::Router& router, const Config& config);

}  // namespace forecourt::api
