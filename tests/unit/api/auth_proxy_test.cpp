// AUTH_MODE=supabase: how Supabase Auth's answers map to the spec routes' answers (pure).
#include "api/auth_proxy.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace forecourt::api::auth_proxy {
namespace {
using auth_flows::AuthFailure;

http_client::Response answer(int status, std::string body,
                             std::vector<std::pair<std::string, std::string>> headers = {}) {
  return http_client::Response{status, std::move(headers), std::move(body)};
}

constexpr const char* kSession =
    R"({"access_token":"eyJ.a.b","token_type":"bearer","expires_in":3600,"expires_at":1795000000,
        "refresh_token":"r1","user":{"id":"00000000-0000-4000-a000-000000000003"}})";

TEST(AuthProxyMapping, ASessionPassesThroughUnchanged) {
  auto session = session_from_answer(answer(200, kSession));
  EXPECT_EQ(session, boost::json::parse(kSession).as_object());
}

TEST(AuthProxyMapping, A2xxWithoutASessionIsABadGateway) {
  for (const char* body : {"", "[]", "not json", R"({"access_token":"a","expires_in":1})",
                           R"({"access_token":"a","refresh_token":"r","expires_in":"soon"})"}) {
    try {
      (void)session_from_answer(answer(200, body));
      ADD_FAILURE() << body;
    } catch (const AuthFailure& f) {
      EXPECT_EQ(f.status(), 502) << body;
      EXPECT_EQ(f.code(), "upstream_bad_response") << body;
    }
  }
}

TEST(AuthProxyMapping, GoTrueRefusalsKeepStatusAndCodeInEveryFormat) {
  struct Case {
    int status;
    const char* body;
    const char* code;
    const char* message;
  };
  const Case cases[] = {
      {400, R"({"code":"invalid_credentials","message":"Invalid login credentials"})",
       "invalid_credentials", "Invalid login credentials"},
      {400, R"({"code":400,"error_code":"refresh_token_not_found","msg":"Invalid Refresh Token"})",
       "refresh_token_not_found", "Invalid Refresh Token"},
      {400, R"({"error":"invalid_grant","error_description":"Invalid login credentials"})",
       "invalid_grant", "Invalid login credentials"},
      {401, R"({"code":"no_authorization","message":"This endpoint requires a Bearer token"})",
       "no_authorization", "This endpoint requires a Bearer token"},
      {403, R"({"code":"session_not_found","message":"Session not found"})", "session_not_found",
       "Session not found"},
      {422, R"({"code":"validation_failed"})", "validation_failed",
       "Supabase Auth refused the request (validation_failed)."},
  };
  for (const auto& c : cases) {
    auto f = failure_from_answer(answer(c.status, c.body));
    EXPECT_EQ(f.status(), c.status) << c.body;
    EXPECT_EQ(f.code(), c.code) << c.body;
    EXPECT_STREQ(f.what(), c.message) << c.body;
    EXPECT_THROW((void)session_from_answer(answer(c.status, c.body)), AuthFailure);
  }
}

TEST(AuthProxyMapping, RateLimitsKeepRetryAfter) {
  auto f = failure_from_answer(answer(
      429, R"({"code":"over_request_rate_limit","message":"Too many"})", {{"Retry-After", "17"}}));
  EXPECT_EQ(f.status(), 429);
  EXPECT_EQ(f.code(), "over_request_rate_limit");
  EXPECT_EQ(f.retry_after, 17);
  // Without (or with a malformed) Retry-After the client still gets a hint.
  f = failure_from_answer(
      answer(429, R"({"code":"over_request_rate_limit"})", {{"Retry-After", "x"}}));
  EXPECT_EQ(f.retry_after, 60);
}

TEST(AuthProxyMapping, ServerErrorsAndStrangeAnswersAreBadGateways) {
  auto f = failure_from_answer(answer(500, R"({"code":"unexpected_failure","message":"db"})"));
  EXPECT_EQ(f.status(), 502);
  EXPECT_EQ(f.code(), "upstream_error");
  f = failure_from_answer(answer(503, "<html>maintenance</html>"));
  EXPECT_EQ(f.code(), "upstream_error");
  // A 404 page from a wrong SUPABASE_URL is not GoTrue's refusal.
  f = failure_from_answer(answer(404, "<html>Not Found</html>"));
  EXPECT_EQ(f.status(), 502);
  EXPECT_EQ(f.code(), "upstream_bad_response");
  f = failure_from_answer(answer(302, ""));
  EXPECT_EQ(f.status(), 502);
  f = failure_from_answer(answer(418, R"({"code":"teapot"})"));
  EXPECT_EQ(f.status(), 502);
  // 4xx JSON without any code.
  f = failure_from_answer(answer(400, R"({"message":"?"})"));
  EXPECT_EQ(f.code(), "upstream_bad_response");
}

TEST(AuthProxyMapping, LongUpstreamMessagesAreCut) {
  const std::string body =
      R"({"code":"validation_failed","message":")" + std::string(5000, 'x') + R"("})";
  auto f = failure_from_answer(answer(422, body));
  EXPECT_LE(std::string(f.what()).size(), 300U);
}

TEST(AuthProxyMapping, TransportFailures) {
  using Kind = http_client::Error::Kind;
  auto f = failure_from_transport(http_client::Error(Kind::timeout, "t"));
  EXPECT_EQ(f.status(), 504);
  EXPECT_EQ(f.code(), "upstream_timeout");
  for (auto kind : {Kind::unreachable, Kind::tls, Kind::protocol, Kind::invalid_url}) {
    f = failure_from_transport(http_client::Error(kind, "x"));
    EXPECT_EQ(f.status(), 502);
    EXPECT_EQ(f.code(), "upstream_unavailable");
  }
  f = failure_from_transport(http_client::Error(Kind::too_large, "x"));
  EXPECT_EQ(f.code(), "upstream_bad_response");
}

}  // namespace
}  // namespace forecourt::api::auth_proxy
