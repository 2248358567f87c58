#include "http/openapi.hpp"

#include <boost/json.hpp>
#include <set>

#include "http/params.hpp"

namespace forecourt::http {
namespace json = boost::json;
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
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
  if (!p.default_value.empty()) {
    if (p.type == ParamType::integer) {
      s["default"] = std::stoll(p.default_value);
    } else if (p.type == ParamType::boolean) {
      s["default"] = p.default_value == "true";
    } else {
      s["default"] = p.default_value;
    }
  }
  if (p.list) return json::object{{"type", "array"}, {"items", s}};
  return s;
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
  if (!p.example.empty()) o["example"] = p.example;
  return o;
}

json::object error_ref(std::string_view description) {
  return json::object{{"description", description},
                      {"content",
                       {{"application/vnd.api+json",
                         {{"schema", {{"$ref", "#/components/schemas/ErrorDocument"}}}}}}}};
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
    json::object media{{"schema", r.body_schema}};
    if (!r.body_example.is_null()) media["example"] = r.body_example;
    op["requestBody"] =
        json::object{{"required", true}, {"content", {{"application/json", media}}}};
  }
  json::object responses;
  for (const auto& resp : r.responses) {
    json::object entry{{"description", resp.description}};
    if (!resp.schema.is_null()) {
      bool is_error = resp.status >= 400;
      json::object media{{"schema", resp.schema}};
      if (!resp.example.is_null()) media["example"] = resp.example;
      entry["content"] =
          json::object{{is_error ? "application/vnd.api+json" : "application/json", media}};
    }
    responses[std::to_string(resp.status)] = std::move(entry);
  }
  // Failures every route can produce, described once.
  if (!r.params.empty() && !responses.contains("400"))
    responses["400"] = error_ref("A parameter is missing, unknown or invalid.");
  if (r.access != Access::public_) {  // Flawfinder: ignore (a struct field, not access(2))
    if (!responses.contains("401")) responses["401"] = error_ref("No valid bearer token.");
    if (!responses.contains("403"))
      responses["403"] = error_ref("The caller's role, IP or assurance level is not enough.");
  }
  if (!r.body_schema.is_null() && !responses.contains("422"))
    responses["422"] = error_ref("The body failed validation; one error per problem.");
  if (!responses.contains("500"))
    responses["500"] = error_ref("Unexpected failure; the request ID identifies it in the logs.");
  op["responses"] = std::move(responses);
  if (r.access == Access::public_) {
    op["security"] = json::array{json::object{}, json::object{{"bearerAuth", json::array{}}}};
  } else {
    op["security"] = json::array{json::object{{"bearerAuth", json::array{}}}};
  }
  op["x-access"] = r.access == Access::public_         ? "public"
                   : r.access == Access::authenticated ? "authenticated"
                   : r.access == Access::staff         ? "staff"
                                                       : "admin";
  return op;
}

}  // namespace

json::value openapi_document(const Router& router, std::string_view server_url) {
  json::object paths;
  std::set<std::string> tag_names;
  for (const auto& route : router.routes()) {
    // OpenAPI has no multi-segment parameter: "{path*}" is documented as "{path}".
    std::string path = route->path;
    if (auto star = path.find("*}"); star != std::string::npos) path.erase(star, 1);
    auto& item = paths[path];
    if (!item.is_object()) item = json::object{};
    item.as_object()[lower(boost::beast::http::to_string(route->method))] = operation(*route);
    for (const auto& t : route->tags) tag_names.insert(t);
  }
  json::array tags;
  for (const auto& t : tag_names) tags.push_back(json::object{{"name", t}});
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
      {"servers", json::array{json::object{{"url", server_url}}}},
      {"tags", std::move(tags)},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}},
        {"schemas",
         {{"ErrorDocument",
           json::parse(
               R"({"type":"object","required":["errors","meta"],"properties":{"errors":{"type":"array","items":{"type":"object","required":["status","code","title","detail"],"properties":{"status":{"type":"string"},"code":{"type":"string"},"title":{"type":"string"},"detail":{"type":"string"},"source":{"type":"object","properties":{"pointer":{"type":"string"},"parameter":{"type":"string"},"header":{"type":"string"}}}}}},"meta":{"type":"object","properties":{"request_id":{"type":"string"}}}}})")}}}}},
  };
}

}  // namespace forecourt::http
