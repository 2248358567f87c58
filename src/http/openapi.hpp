#pragma once
// The OpenAPI 3.1 document, generated from the route table that serves requests.
#include <boost/json/value.hpp>

#include "http/router.hpp"

namespace forecourt::http {

boost::json::value openapi_document(const Router& router, std::string_view server_url);

// A route's path as the document names it: OpenAPI has no multi-segment parameter, so the
// router's "{path*}" (the rest of the path) is written "{path}".
std::string openapi_path(std::string_view route_path);

// `value` with every {"$ref": "#/..."} replaced by what it names in `document`, so a schema
// stands alone (valijson is given one schema, not the document). Throws std::out_of_range
// for a reference that names nothing.
boost::json::value resolve_refs(const boost::json::value& value,
                                const boost::json::value& document);

// Two-space indented JSON with a final newline: the committed docs/openapi.json diffs well.
std::string pretty_json(const boost::json::value& value);

}  // namespace forecourt::http
