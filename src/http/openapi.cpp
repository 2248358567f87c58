#include "http/openapi.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "http/error_format.hpp"
#include "http/errors.hpp"
#include "http/json_schema.hpp"
#include "http/params.hpp"

namespace forecourt::http {
namespace json = boost::json;
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Text of a parameter value (defaults and examples are declared as text) as typed JSON.
json::value typed_scalar(ParamType type, std::string_view text) {
  std::string value(text);
  try {
    if (type == ParamType::integer) return std::stoll(value);
    if (type == ParamType::number) return std::stod(value);
  } catch (const std::exception&) {
    return json::string(value);  // the route-table test reports it
  }
  if (type == ParamType::boolean) return value == "true";
  return json::string(value);
}

json::object param_schema(const ParamSpec& p) {
  json::object s;
  switch (p.type) {
    case ParamType::string:
      s["type"] = "string";
      break;
    case ParamType::integer:
      s["type"] = "integer";
      break;
    case ParamType::number:
      s["type"] = "number";
      break;
    case ParamType::boolean:
      s["type"] = "boolean";
      break;
    case ParamType::uuid:
      s["type"] = "string";
      s["format"] = "uuid";
      break;
    case ParamType::enumeration: {
      s["type"] = "string";
      json::array values;
      for (const auto& v : p.values) values.emplace_back(v);
      s["enum"] = std::move(values);
      break;
    }
    case ParamType::date:
      s["type"] = "string";
      s["format"] = "date";
      break;
    case ParamType::date_time:
      s["type"] = "string";
      s["format"] = "date-time";
      break;
  }
  bool numeric = p.type == ParamType::integer || p.type == ParamType::number;
  if (p.minimum) s[numeric ? "minimum" : "minLength"] = *p.minimum;
  if (p.maximum) s[numeric ? "maximum" : "maxLength"] = *p.maximum;
  if (!p.default_value.empty()) s["default"] = typed_scalar(p.type, p.default_value);
  if (p.list) return json::object{{"type", "array"}, {"items", s}};
  return s;
}

// A parameter's example as the JSON value its schema describes: a list parameter's
// "Toyota,Honda" is ["Toyota","Honda"], an integer's "2018" is 2018 (validators and
// Redocly check examples against the schema, so text would not do).
json::value typed_example(const ParamSpec& p) {
  if (!p.list) return typed_scalar(p.type, p.example);
  json::array items;
  std::string_view rest = p.example;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    items.push_back(typed_scalar(p.type, rest.substr(0, comma)));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return items;
}

json::object parameter(const ParamSpec& p) {
  json::object o{{"name", p.name},
                 {"in", p.in == ParamIn::path    ? "path"
                        : p.in == ParamIn::query ? "query"
                                                 : "header"},
                 {"required", p.required || p.in == ParamIn::path},
                 {"schema", param_schema(p)}};
  if (!p.description.empty()) o["description"] = p.description;
  if (p.list) {
    o["style"] = "form";
    o["explode"] = true;
  }
  if (!p.example.empty()) o["example"] = typed_example(p);
  return o;
}

std::string_view default_code(int status) {
  switch (status) {
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 422:
      return "invalid_value";
    case 503:
      return "database_unavailable";
    default:
      return status >= 500 ? "internal_error" : "bad_request";
  }
}

// One line per resource group, for the tag list of the document (and Redoc's sidebar).
std::string tag_description(std::string_view tag) {
  static const std::map<std::string, std::string, std::less<>> known = {
      {"admin", "Staff and admin operations: bulk import, media ingest, SEO, feature flags."},
      {"analytics", "Interaction telemetry and staff dashboards."},
      {"auth", "Login, logout, token refresh and the current user."},
      {"blog", "Blog posts."},
      {"chat", "Live chat channel tokens."},
      {"content", "About, team and awards pages."},
      {"docs", "This API's own description: the OpenAPI document."},
      {"financing", "Financing applications."},
      {"inventory", "Vehicle search, facets and curated lists."},
      {"locations", "The dealership's rooftops, with hours and contact details."},
      {"me", "The signed-in customer: saved cars, compare lists, notifications."},
      {"meta", "Health, liveness and the site configuration."},
      {"offers", "Public offers and specials."},
      {"parts", "Parts catalogue, cart and orders."},
      {"privacy", "GDPR data export and deletion requests."},
      {"reviews", "Customer reviews and their moderation."},
      {"service", "Service appointments and packages."},
      {"tools", "Payment calculators and quick estimates."},
      {"tradein", "Trade-in requests and estimates."},
      {"vehicles", "One vehicle: details, media, similar vehicles, price history."},
      {"webhooks", "Callbacks from payment providers."},
  };
  if (auto it = known.find(tag); it != known.end()) return it->second;
  return "Operations on " + std::string(tag) + ".";
}

void pretty(const json::value& v, std::string& out, int indent) {
  auto pad = [&](int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); };
  if (v.is_object() && !v.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& kv : v.as_object()) {
      if (!first) out += ",\n";
      first = false;
      pad(indent + 1);
      out += json::serialize(json::value(kv.key()));
      out += ": ";
      pretty(kv.value(), out, indent + 1);
    }
    out += "\n";
    pad(indent);
    out += "}";
  } else if (v.is_array() && !v.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& item : v.as_array()) {
      if (!first) out += ",\n";
      first = false;
      pad(indent + 1);
      pretty(item, out, indent + 1);
    }
    out += "\n";
    pad(indent);
    out += "]";
  } else {
    out += json::serialize(v);
  }
}

// A realistic error document for a status, so every documented response has an example.
json::value error_example(int status, std::string_view code, std::string_view detail) {
  json::object source;
  if (status == 400) source["parameter"] = "page_size";
  if (status == 422) source["pointer"] = "/email";
  json::object error{{"status", std::to_string(status)},
                     {"code", std::string(code)},
                     {"title", std::string(status_title(status))},
                     {"detail", std::string(detail)}};
  if (!source.empty()) error["source"] = std::move(source);
  return json::object{{"errors", json::array{error}},
                      {"meta", {{"request_id", "5f0c6a1e-8a53-4f5e-9d61-2b1f0f6b2a10"}}}};
}

json::object rate_limit_headers(bool with_retry_after) {
  json::object h{{"RateLimit-Limit", {{"$ref", "#/components/headers/RateLimit-Limit"}}},
                 {"RateLimit-Remaining", {{"$ref", "#/components/headers/RateLimit-Remaining"}}},
                 {"RateLimit-Reset", {{"$ref", "#/components/headers/RateLimit-Reset"}}}};
  if (with_retry_after)
    h["Retry-After"] = json::object{{"$ref", "#/components/headers/Retry-After"}};
  return h;
}

json::object error_ref(int status, std::string_view description, std::string_view code,
                       std::string_view detail) {
  return json::object{
      {"description", std::string(description)},
      // 409 here is only the Idempotency-Key one, which says when to retry.
      {"headers", rate_limit_headers(status == 429 || status == 503 || status == 409)},
      {"content",
       {{"application/vnd.api+json",
         {{"schema", {{"$ref", "#/components/schemas/ErrorDocument"}}},
          {"example", error_example(status, code, detail)}}}}}};
}

// A route that declares the Idempotency-Key header (api::idempotency_key_param()) honours
// it: its 2xx answers may be replays, and it can answer 409 (in flight) and 422 (reused).
bool honours_idempotency_key(const Route& r) {
  return std::any_of(r.params.begin(), r.params.end(), [](const ParamSpec& p) {
    return p.in == ParamIn::header && p.name == "Idempotency-Key";
  });
}

// /auth/v1 routes answer GoTrue's error JSON (http/error_format.hpp): documented so.
json::object gotrue_error_ref(int status, std::string_view description, std::string_view code,
                              std::string_view detail) {
  static const json::value schema = json::parse(
      R"({"type":"object","description":"GoTrue error: {code, message} with X-Supabase-Api-Version, else {code: <status>, error_code, msg}",
          "properties":{"code":{"type":["string","integer"]},"message":{"type":"string"},
          "error_code":{"type":"string"},"msg":{"type":"string"}}})");
  const std::string_view gotrue_code =
      gotrue_error_code(status, code, status == 400 || status == 422);
  return json::object{
      {"description", std::string(description)},
      {"headers", rate_limit_headers(status == 429 || status == 503)},
      {"content",
       {{"application/json",
         {{"schema", schema},
          {"example", {{"code", std::string(gotrue_code)}, {"message", std::string(detail)}}}}}}}};
}

// Failures a route can produce without declaring them, described once here.
void add_common_responses(const Route& r, json::object& responses) {
  const bool gotrue = error_format_for(r.path) == ErrorFormat::gotrue;
  auto add = [&](int status, std::string_view description, std::string_view code,
                 std::string_view detail) {
    auto key = std::to_string(status);
    // 413 is refused while reading, before the route is known: JSON:API even on /auth/v1.
    auto common = gotrue && status != 413 ? gotrue_error_ref(status, description, code, detail)
                                          : error_ref(status, description, code, detail);
    if (!responses.contains(key)) {
      responses[key] = std::move(common);
      return;
    }
    // The route declares its own body for this status, but the pipeline's refusals with the
    // same status may come in another media type: both are documented, and the Content-Type
    // tells them apart.
    auto& declared = responses[key].as_object();
    if (!declared.contains("content")) return;
    auto& content = declared["content"].as_object();
    for (const auto& [type, media] : common.at("content").as_object())
      if (!content.contains(type)) content[type] = media;
  };
  bool has_query_or_path = std::any_of(r.params.begin(), r.params.end(),
                                       [](const ParamSpec& p) { return p.in != ParamIn::header; });
  if (has_query_or_path || r.method == Verb::get || !r.body_schema.is_null())
    add(400, "A parameter is missing, unknown or invalid, or the body is not JSON.",
        "unknown_parameter", "Unknown query parameter 'colour'.");
  // A bearer token that is present must be valid, on public routes too (401, never ignored).
  add(401, "No valid bearer token (on a public route: a bearer token was sent but is invalid).",
      "unauthenticated", "A valid bearer token is required.");
  if (r.access != Access::public_) {  // Flawfinder: ignore (a struct field, not access(2))
    add(403,
        "The caller's role, IP or assurance level is not enough, or a WAF rule blocked the "
        "request.",
        "forbidden", "You are not allowed to do that.");
  }
  // AUTH_MODE=supabase leaves /auth/v1 to Supabase Auth: not served here.
  if (gotrue)
    add(404, "Not served with AUTH_MODE=supabase (the project's Supabase Auth serves /auth/v1).",
        "not_found", "No route matches /auth/v1/token.");
  // The WAF's block list (WAF_BLOCK_PATTERNS) can refuse any request.
  add(403, "A security rule (WAF_BLOCK_PATTERNS) blocked the request.", "request_blocked",
      "The request was blocked by a security rule.");
  if (!r.body_schema.is_null()) {
    add(413, "The body is larger than this endpoint accepts.", "payload_too_large",
        "The request body is larger than this endpoint accepts.");
    add(415, "The body is not application/json.", "unsupported_media_type",
        "The request body must be application/json.");
    add(422, "The body failed validation; one error per problem, each with a JSON pointer.",
        "invalid_format", "email must be an email address.");
  }
  if (honours_idempotency_key(r)) {
    add(409, "A request with this Idempotency-Key is still running; retry after Retry-After.",
        "idempotency_key_in_flight",
        "A request with this Idempotency-Key is still being processed; retry shortly to get "
        "its answer.");
    add(422, "This Idempotency-Key was already used for a different request.",
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request; use a new key for a "
        "new request.");
  }
  if (r.method == Verb::get && r.cache != CachePolicy::no_store && !responses.contains("304")) {
    // The pipeline's ETag stage answers a matching If-None-Match on these routes.
    responses["304"] = json::object{{"description", "Not modified: the If-None-Match tag matches."},
                                    {"headers", rate_limit_headers(false)}};
  }
  // The server's own read refusals, answered before any route is matched.
  add(414, "The URL is longer than the server accepts.", "uri_too_long",
      "The request URL is too long.");
  add(431, "The request headers are larger than the server accepts.", "headers_too_large",
      "The request headers are too large.");
  add(429, "Too many requests; Retry-After says when to try again.", "rate_limited",
      "Too many requests: retry in 12 seconds.");
  add(500, "Unexpected failure; the request ID identifies it in the logs.", "internal_error",
      "Something went wrong on our side; the request ID identifies it in our logs.");
  add(503, "A dependency is unavailable; Retry-After says when to try again.",
      "database_unavailable", "The database is unavailable; retry shortly.");
}

json::object operation(const Route& r) {
  json::object op{{"operationId", r.operation_id}, {"summary", r.summary}};
  if (!r.description.empty()) op["description"] = r.description;
  json::array tags;
  for (const auto& t : r.tags) tags.emplace_back(t);
  op["tags"] = std::move(tags);
  json::array params;
  for (const auto& p : r.params) params.push_back(parameter(p));
  if (r.method == Verb::get) {
    for (const auto& p : global_query_params()) params.push_back(parameter(p));
  }
  if (!params.empty()) op["parameters"] = std::move(params);
  if (!r.body_schema.is_null()) {
    json::object media{{"schema", strict_schema(r.body_schema)}};  // as enforced
    if (!r.body_example.is_null()) media["example"] = r.body_example;
    op["requestBody"] =
        json::object{{"required", true}, {"content", {{"application/json", media}}}};
  }
  json::object responses;
  for (const auto& resp : r.responses) {
    auto headers = rate_limit_headers(resp.status == 429 || resp.status == 503 ||
                                      (honours_idempotency_key(r) && resp.status == 409));
    if (honours_idempotency_key(r) && resp.status >= 200 && resp.status < 300) {
      headers["Idempotent-Replayed"] =
          json::object{{"$ref", "#/components/headers/Idempotent-Replayed"}};
    }
    json::object entry{{"description", resp.description}, {"headers", std::move(headers)}};
    if (!resp.schema.is_null()) {
      bool is_error = resp.status >= 400;
      json::object media{{"schema", resp.schema}};
      if (!resp.example.is_null()) {
        media["example"] = resp.example;
      } else if (is_error) {
        media["example"] = error_example(resp.status, default_code(resp.status), resp.description);
      }
      std::string type = !resp.media_type.empty() ? resp.media_type
                         : is_error               ? "application/vnd.api+json"
                                                  : "application/json";
      entry["content"] = json::object{{type, media}};
    }
    responses[std::to_string(resp.status)] = std::move(entry);
  }
  add_common_responses(r, responses);
  op["responses"] = std::move(responses);
  if (r.access == Access::public_) {
    op["security"] = json::array{json::object{}, json::object{{"bearerAuth", json::array{}}}};
  } else {
    op["security"] = json::array{json::object{{"bearerAuth", json::array{}}}};
  }
  op["x-rate-limit-class"] = r.rate_class;
  op["x-access"] = r.access == Access::public_         ? "public"
                   : r.access == Access::authenticated ? "authenticated"
                   : r.access == Access::staff         ? "staff"
                                                       : "admin";
  return op;
}

json::object rate_limit_header_components() {
  auto header = [](std::string_view description, std::int64_t example) {
    return json::object{{"description", std::string(description)},
                        {"schema", {{"type", "integer"}, {"minimum", 0}}},
                        {"example", example}};
  };
  return json::object{
      {"RateLimit-Limit",
       header("Requests allowed per window for this caller and route class.", 60)},
      {"RateLimit-Remaining", header("Requests left in the current window.", 42)},
      {"RateLimit-Reset", header("Seconds until the full budget is available again.", 18)},
      {"Retry-After", header("Seconds to wait before retrying.", 12)},
      {"Idempotent-Replayed",
       {{"description",
         "true when this is the stored answer of an earlier request with the same "
         "Idempotency-Key (replayed byte for byte); absent on a first answer."},
        {"schema", {{"type", "string"}, {"enum", json::array{"true"}}}},
        {"example", "true"}}}};
}

}  // namespace

std::string pretty_json(const json::value& value) {
  std::string out;
  pretty(value, out, 0);
  out += "\n";
  return out;
}

json::value resolve_refs(const json::value& value, const json::value& document) {
  if (value.is_array()) {
    json::array out;
    for (const auto& item : value.as_array()) out.push_back(resolve_refs(item, document));
    return out;
  }
  if (!value.is_object()) return value;
  const auto& o = value.as_object();
  if (const auto* ref = o.if_contains("$ref"); ref != nullptr && ref->is_string()) {
    std::string_view path = ref->as_string();
    if (!path.starts_with("#/")) throw std::out_of_range("unsupported $ref " + std::string(path));
    const json::value* at = &document;
    path.remove_prefix(2);
    while (!path.empty()) {
      auto slash = path.find('/');
      at = &at->at(path.substr(0, slash));
      if (slash == std::string_view::npos) break;
      path.remove_prefix(slash + 1);
    }
    return resolve_refs(*at, document);
  }
  json::object out;
  for (const auto& kv : o) out[kv.key()] = resolve_refs(kv.value(), document);
  return out;
}

std::string openapi_path(std::string_view route_path) {
  std::string path(route_path);
  if (auto star = path.find("*}"); star != std::string::npos) path.erase(star, 1);
  return path;
}

json::value openapi_document(const Router& router, std::string_view server_url) {
  json::object paths;
  std::set<std::string> tag_names;
  for (const auto& route : router.routes()) {
    if (!route->documented) continue;
    auto& item = paths[openapi_path(route->path)];
    if (!item.is_object()) item = json::object{};
    item.as_object()[lower(boost::beast::http::to_string(route->method))] = operation(*route);
    for (const auto& t : route->tags) tag_names.insert(t);
  }
  json::array tags;
  for (const auto& t : tag_names)
    tags.push_back(json::object{{"name", t}, {"description", tag_description(t)}});
  return json::object{
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Forecourt API"},
        {"version", FORECOURT_VERSION},
        {"summary", "The backend of a car dealership's website."},
        {"description",
         "Inventory search, vehicle pages, financing, trade-in, service, parts, content and "
         "accounts. "
         "Responses use a {data, meta, links} envelope; errors are JSON:API error documents."},
        {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Proprietary"}}}}},
      {"servers", json::array{json::object{{"url", server_url},
                                           {"description", "This server (PUBLIC_BASE_URL)"}}}},
      {"tags", std::move(tags)},
      {"paths", std::move(paths)},
      {"components",
       {{"headers", rate_limit_header_components()},
        {"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}},
        {"schemas",
         {{"ErrorDocument",
           json::parse(
               R"({"type":"object","required":["errors","meta"],"properties":{"errors":{"type":"array","items":{"type":"object","required":["status","code","title","detail"],"properties":{"status":{"type":"string"},"code":{"type":"string"},"title":{"type":"string"},"detail":{"type":"string"},"source":{"type":"object","properties":{"pointer":{"type":"string"},"parameter":{"type":"string"},"header":{"type":"string"}}}}}},"meta":{"type":"object","properties":{"request_id":{"type":"string"}}}}})")}}}}},
  };
}

}  // namespace forecourt::http
