#include "api/auth_proxy.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>

#include "app/services.hpp"
#include "core/log.hpp"

namespace forecourt::api::auth_proxy {
namespace asio = boost::asio;
namespace json = boost::json;
using auth_flows::AuthFailure;
using http::Request;

namespace {

// GoTrue's refusals that mean "your request", passed through with their status and code.
constexpr std::array<int, 7> kPassThrough{400, 401, 403, 404, 409, 422, 429};
// Upstream messages end up in our error documents: bounded, in case of a hostile upstream.
constexpr std::size_t kMaxMessage = 300;
constexpr std::string_view kPasswordGrant = "/token?grant_type=password";
constexpr std::string_view kRefreshGrant = "/token?grant_type=refresh_token";
constexpr std::string_view kAnonBearer{};  // call_gotrue: the anon key as the bearer
// A session is a few KB (the user object grows with identities and factors).
constexpr std::size_t kMaxAnswerBytes = std::size_t{256} * 1024;

std::string text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string first_text(const json::object& o, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    if (auto t = text_at(o, key); !t.empty()) return t;
  }
  return {};
}

std::optional<json::object> object_body(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  // as_object() is a reference into v: the move is what avoids a copy here.
  // cppcheck-suppress returnStdMoveLocal
  return std::move(v.as_object());
}

AuthFailure bad_response(int status) {
  return {502, "upstream_bad_response",
          "Supabase Auth answered with status " + std::to_string(status) +
              " and a body that is not what GoTrue sends."};
}

std::int64_t retry_after_seconds(std::string_view header) {
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc{} || end != header.data() + header.size() || seconds < 0) return 0;
  return std::min<std::int64_t>(seconds, 3600);
}

// One call to GoTrue as supabase-js makes it: apikey, a bearer (the caller's access token, or
// the anon key), and the API-version header that selects the {code, message} error format.
asio::awaitable<http_client::Response> call_gotrue(Request& req, std::string_view path,
                                                   std::string body,
                                                   std::string_view access_token) {
  const Config& config = req.services->config;
  std::string endpoint("/auth/v1");
  endpoint.append(path);
  std::string bearer("Bearer ");
  bearer.append(access_token.empty() ? std::string_view(config.supabase_anon_key) : access_token);
  http_client::Request out{.method = "POST",
                           .url = http_client::join_url(config.supabase_url, endpoint),
                           .headers = {{"apikey", config.supabase_anon_key},
                                       {"Authorization", std::move(bearer)},
                                       {"Content-Type", "application/json"},
                                       {"Accept", "application/json"},
                                       {"X-Supabase-Api-Version", "2024-01-01"},
                                       {"X-Client-Info", "forecourt/" FORECOURT_VERSION}},
                           .body = std::move(body)};
  const http_client::Options options{.connect_timeout = config.supabase_http_timeout,
                                     .timeout = config.supabase_http_timeout,
                                     .max_response_bytes = kMaxAnswerBytes};
  const std::string_view route = path.substr(0, path.find('?'));
  std::optional<AuthFailure> failure;
  try {
    co_return co_await http_client::fetch(std::move(out), options);
  } catch (const http_client::Error& e) {
    // The message names host, port and phase only: no header or body (keys, tokens).
    log::warn("Supabase Auth call failed", {{"route", route},
                                            {"kind", http_client::kind_name(e.kind())},
                                            {"error", e.what()},
                                            {"request_id", req.request_id}});
    failure = failure_from_transport(e);
  }
  throw *failure;
}

}  // namespace

AuthFailure failure_from_answer(const http_client::Response& answer) {
  if (answer.status >= 500) {
    return {502, "upstream_error",
            "Supabase Auth failed with status " + std::to_string(answer.status) +
                "; try again shortly."};
  }
  const bool pass =
      std::find(kPassThrough.begin(), kPassThrough.end(), answer.status) != kPassThrough.end();
  auto body = object_body(answer.body);
  if (!pass || !body) return bad_response(answer.status);
  // New format {code, message}; legacy {code: <int>, error_code, msg}; OAuth {error, ...}.
  const std::string code = first_text(*body, {"code", "error_code", "error"});
  if (code.empty()) return bad_response(answer.status);
  std::string message = first_text(*body, {"message", "msg", "error_description"});
  if (message.empty()) message = "Supabase Auth refused the request (" + code + ").";
  if (message.size() > kMaxMessage) message.resize(kMaxMessage);
  AuthFailure failure(answer.status, code, message);
  if (answer.status == 429) {
    failure.retry_after = retry_after_seconds(answer.header("Retry-After"));
    if (failure.retry_after == 0) failure.retry_after = 60;
  }
  if (const auto* weak = body->if_contains("weak_password"); weak != nullptr && weak->is_object())
    failure.extra["weak_password"] = *weak;
  return failure;
}

json::object session_from_answer(const http_client::Response& answer) {
  if (answer.status < 200 || answer.status > 299) throw failure_from_answer(answer);
  auto body = object_body(answer.body);
  if (!body || text_at(*body, "access_token").empty() || text_at(*body, "refresh_token").empty() ||
      !body->contains("expires_in") || !body->at("expires_in").is_number())
    throw bad_response(answer.status);
  return std::move(*body);
}

AuthFailure failure_from_transport(const http_client::Error& error) {
  if (error.kind() == http_client::Error::Kind::timeout)
    return {504, "upstream_timeout", "Supabase Auth did not answer in time; try again."};
  if (error.kind() == http_client::Error::Kind::too_large)
    return {502, "upstream_bad_response", "Supabase Auth's answer was too large."};
  return {502, "upstream_unavailable", "Supabase Auth cannot be reached; try again shortly."};
}

asio::awaitable<json::object> sign_in_with_password(Request& req, const json::object& body) {
  const std::string email = text_at(body, "email");
  const std::string password = text_at(body, "password");
  if (email.empty() || password.empty())
    throw AuthFailure(400, "invalid_credentials", "Invalid login credentials");
  co_await auth_flows::refuse_locked_sign_in(req, email);
  const json::object upstream{{"email", email}, {"password", password}};
  std::string payload = json::serialize(upstream);
  auto answer = co_await call_gotrue(req, kPasswordGrant, std::move(payload), kAnonBearer);
  if (answer.status >= 200 && answer.status <= 299) {
    auto session = session_from_answer(answer);
    co_await auth_flows::forget_failed_sign_ins(req, email);
    co_return session;
  }
  auto failure = failure_from_answer(answer);
  // Only a refused password counts: an outage or a rate limit upstream is not an attempt.
  if (failure.code() == "invalid_credentials" || failure.code() == "invalid_grant")
    co_await auth_flows::count_failed_sign_in(req, email);
  throw failure;
}

asio::awaitable<json::object> refresh(Request& req, const json::object& body) {
  const json::object upstream{{"refresh_token", text_at(body, "refresh_token")}};
  std::string payload = json::serialize(upstream);
  auto answer = co_await call_gotrue(req, kRefreshGrant, std::move(payload), kAnonBearer);
  co_return session_from_answer(answer);
}

asio::awaitable<void> logout(Request& req, std::string_view access_token, std::string_view scope) {
  std::string path("/logout?scope=");
  path.append(scope);
  std::string no_body;
  auto answer = co_await call_gotrue(req, path, std::move(no_body), access_token);
  if (answer.status < 200 || answer.status > 299) throw failure_from_answer(answer);
}

}  // namespace forecourt::api::auth_proxy
