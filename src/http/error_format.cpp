#include "http/error_format.hpp"

#include <boost/json.hpp>

namespace forecourt::http {
namespace json = boost::json;

namespace {

// GoTrue picks the new error format for any valid date from 2024-01-01 on.
bool versioned_client(const Request& req) {
  const auto v = req.header("X-Supabase-Api-Version");
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9')) return false;
  }
  return v >= "2024-01-01";  // fixed-width dates compare as strings
}

std::string_view gotrue_code(const ErrorObject& e) {
  return gotrue_error_code(e.status, e.code, !e.pointer.empty() || !e.parameter.empty());
}

}  // namespace

// Forecourt's stage codes where GoTrue has its own name for the same refusal.
std::string_view gotrue_error_code(int status, std::string_view code, bool about_a_field) {
  if (code == "rate_limited") return "over_request_rate_limit";
  if (code == "unsupported_media_type" || code == "bad_json") return "bad_json";
  if (status >= 500) return "unexpected_failure";
  if (about_a_field) return "validation_failed";
  return code;
}

ErrorFormat error_format_for(std::string_view path) {
  return path.starts_with("/auth/v1/") ? ErrorFormat::gotrue : ErrorFormat::json_api;
}

Response gotrue_error_response(const Request& req, int status, std::string_view code,
                               std::string_view message, const json::object& extra,
                               long long retry_after) {
  const bool versioned = versioned_client(req);
  json::object body;
  if (versioned) {
    body = {{"code", code}, {"message", message}};
  } else {
    body = {{"code", status}, {"error_code", code}, {"msg", message}};
    if (status >= 500) body["error_id"] = req.request_id;
  }
  for (const auto& kv : extra) body[kv.key()] = kv.value();
  Response res = json_response(status, body);
  if (versioned) res.set("X-Supabase-Api-Version", "2024-01-01");
  res.set("x-sb-error-code", code);
  if (retry_after > 0) res.set("Retry-After", std::to_string(retry_after));
  res.set(boost::beast::http::field::cache_control, "no-store");
  return res;
}

Response gotrue_error_response(const Request& req, const HttpError& error) {
  if (error.errors().empty()) return gotrue_error_response(req, 500, "unexpected_failure", "");
  const ErrorObject& first = error.errors().front();
  const std::string_view code = gotrue_code(first);
  // The status stays (GoTrue itself answers validation_failed with 400 or 422 by case): the
  // shape and code are what auth-js reads.
  const int status = error.status();
  std::string message = first.detail;
  if (!first.pointer.empty()) message = first.pointer.substr(1) + ": " + message;
  if (!first.parameter.empty()) message = first.parameter + ": " + message;
  Response res = gotrue_error_response(req, status, code, message);
  for (const auto& [name, value] : error.headers()) res.set(name, value);
  return res;
}

}  // namespace forecourt::http
