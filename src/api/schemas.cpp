#include "api/schemas.hpp"

#include <boost/json/parse.hpp>

namespace forecourt::api::schemas {

boost::json::value json(std::string_view literal) { return boost::json::parse(literal); }

boost::json::value envelope(const boost::json::value& data_schema) {
  return boost::json::value{
      {"type", "object"},
      {"required", boost::json::array{"data"}},
      {"properties",
       {{"data", data_schema}, {"meta", {{"type", "object"}}}, {"links", {{"type", "object"}}}}},
  };
}

const boost::json::value& error_document() {
  static const boost::json::value doc = json(R"({
    "type": "object",
    "required": ["errors", "meta"],
    "properties": {
      "errors": {"type": "array", "minItems": 1, "items": {
        "type": "object",
        "required": ["status", "code", "title", "detail"],
        "properties": {
          "status": {"type": "string", "examples": ["400"]},
          "code": {"type": "string", "examples": ["invalid_type"]},
          "title": {"type": "string"},
          "detail": {"type": "string"},
          "source": {"type": "object", "properties": {
            "pointer": {"type": "string"}, "parameter": {"type": "string"}, "header": {"type": "string"}}}
        }}},
      "meta": {"type": "object", "required": ["request_id"], "properties": {"request_id": {"type": "string"}},
               "additionalProperties": true}
    }})");
  return doc;
}

}  // namespace forecourt::api::schemas
