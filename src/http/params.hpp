#pragma once
// Parses the request target and checks path, query and header parameters against the
// route's declared ParamSpecs: unknown query parameters, wrong types, out-of-range
// values and missing required ones are refused with one error object each (400).
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/errors.hpp"
#include "http/route.hpp"

namespace forecourt::http {

// "/a%20b?x=1&y=2" -> path "/a b", query [(x,1),(y,2)]. Problem on bad percent-encoding.
struct Target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
};
Result<Target> parse_target(std::string_view target);

// Checks one raw value against a spec; returns the normalised value or a Problem.
Result<std::string> check_param_value(const ParamSpec& spec, std::string_view raw);

// Fills req.params; returns every problem found (empty = valid).
std::vector<ErrorObject> validate_params(const Route& route, Request& req);

bool is_uuid(std::string_view s);
bool is_date(std::string_view s);       // YYYY-MM-DD
bool is_date_time(std::string_view s);  // RFC 3339

// Query parameters every route accepts (e.g. `view`), declared once.
const std::vector<ParamSpec>& global_query_params();

}  // namespace forecourt::http
