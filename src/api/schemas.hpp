#pragma once
// Shared JSON Schemas for the route table (and so for validation and OpenAPI).
#include <boost/json/value.hpp>
#include <string_view>

namespace forecourt::api::schemas {

// Parses a JSON literal written in a route declaration; throws on a typo at start-up.
boost::json::value json(std::string_view literal);

// {"data": <data>, "meta": {...}} envelope around a resource schema.
boost::json::value envelope(const boost::json::value& data_schema);
// The JSON:API error document every failure returns.
const boost::json::value& error_document();

}  // namespace forecourt::api::schemas
