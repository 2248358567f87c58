#pragma once
// JSON Schema validation (valijson) with API-shaped results: one JSON:API error object per
// problem, each with a JSON pointer to the offending value. Used for request bodies in the
// pipeline and, in tests, for every example in the OpenAPI document.
#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "http/errors.hpp"

namespace forecourt::http {

// The schema as the API enforces it: objects that declare `properties` but say nothing of
// `additionalProperties` reject unknown fields (the spec's "reject unknown fields"); a
// route that wants leniency says `"additionalProperties": true`.
boost::json::value strict_schema(const boost::json::value& schema);

class JsonSchema {
 public:
  // Throws std::invalid_argument when valijson cannot use the schema (a typo in a route).
  explicit JsonSchema(const boost::json::value& schema);
  ~JsonSchema();
  JsonSchema(const JsonSchema&) = delete;
  JsonSchema& operator=(const JsonSchema&) = delete;

  // Every problem, as 422 error objects with source.pointer ("" = the whole document).
  [[nodiscard]] std::vector<ErrorObject> validate(const boost::json::value& instance) const;

 private:
  struct Compiled;
  boost::json::value schema_;  // as given: formats are checked against it
  std::unique_ptr<Compiled> compiled_;
};

// The string formats the API checks: uuid, email, date, date-time, vin (17 characters,
// no I/O/Q). Unknown formats pass, as JSON Schema says.
bool matches_format(std::string_view format, std::string_view value);

// "/a/b~1c" for {"a",{"b/c"}}: RFC 6901 escaping of one segment.
std::string pointer_segment(std::string_view name);

}  // namespace forecourt::http
