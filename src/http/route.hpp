#pragma once
// A route is declared once, with everything that serves it and documents it: the router
// matches on it, the validator checks parameters and body against it, the pipeline reads
// its access and cache policy, and the OpenAPI document is generated from it.
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace forecourt::http {

enum class Access { public_, authenticated, staff, admin };
enum class ParamIn { path, query, header };
enum class ParamType { string, integer, number, boolean, uuid, enumeration, date, date_time };

struct ParamSpec {
  std::string name;
  ParamIn in = ParamIn::query;
  ParamType type = ParamType::string;
  bool required = false;
  std::string description;
  std::optional<long long> minimum;  // integers/numbers; for strings: min length
  std::optional<long long> maximum;  // integers/numbers; for strings: max length
  std::vector<std::string> values;   // enumeration
  std::string default_value;
  bool list = false;  // may repeat or take a comma-separated list
  std::string example;
};

struct ResponseSpec {
  int status = 200;
  std::string description;
  boost::json::value schema;   // JSON Schema of the body (null = no body)
  boost::json::value example;  // null = none
  std::string media_type;      // empty: application/json (errors: application/vnd.api+json)
};

enum class CachePolicy {
  no_store,      // private or per-user data
  revalidate,    // ETag + no-cache: clients revalidate, 304 when unchanged
  public_short,  // ETag + public, max-age=60 (catalogue data)
};

struct Route {
  Verb method = Verb::get;
  std::string path;  // with {name} placeholders
  Handler handler;
  std::string operation_id;
  std::string summary;
  std::string description;
  std::vector<std::string> tags;
  Access access = Access::public_;
  std::vector<ParamSpec> params;
  boost::json::value body_schema;   // null = no body
  boost::json::value body_example;  // null = none
  std::vector<ResponseSpec> responses;
  CachePolicy cache = CachePolicy::revalidate;
  std::string rate_class = "default";
  bool sensitive = false;  // staff/admin routes that also need the IP allowlist and aal2
  std::vector<std::string> compact_fields;  // ?view=compact keeps these keys of each data item
  bool documented = true;  // false: served but left out of OpenAPI (docs UI pages and assets)
};

}  // namespace forecourt::http
