#pragma once
// The OpenAPI 3.1 document, generated from the route table that serves requests.
#include <boost/json/value.hpp>

#include "http/router.hpp"

namespace forecourt::http {

boost::json::value openapi_document(const Router& router, std::string_view server_url);

// Two-space indented JSON with a final newline: the committed docs/openapi.json diffs well.
std::string pretty_json(const boost::json::value& value);

}  // namespace forecourt::http
