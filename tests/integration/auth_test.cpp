// Authentication end to end against the real stack: the embedded GoTrue API (sign-up, password
// sign-in, refresh rotation and reuse detection, logout, TOTP MFA), the auth stage's refusals
// (every bad-token kind is a 401), the role matrix over real routes of each protection level,
// the IP allowlist behind a trusted proxy, RLS seeing the caller, and signing-key rotation.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <random>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "auth/totp.hpp"
#include "cli/pg_blocking.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {
namespace json = boost::json;

// >= 32 bytes: the legacy Supabase secret that HS256 test tokens are signed with.

// A Supabase-style user token signed with the legacy secret.
std::string hs256_token(const std::string& sub, const std::string& aal = "aal1",
                        std::int64_t exp_offset = 3600, const std::string& aud = "authenticated") {
  json::object claims{{"sub", sub},
                      {"aud", aud},
                      {"role", "authenticated"},
                      {"aal", aal},
                      {"iat", unix_now()},
                      {"exp", unix_now() + exp_offset},
                      {"email", "x@y.z"},
                      {"session_id", "6d7c1f1e-0000-4000-8000-000000000001"}};
  return auth::sign_hs256(claims, kTestJwtSecret);
}

std::map<std::string, std::string> bearer(const std::string& token,
                                          const std::string& forwarded_for = {}) {
  std::map<std::string, std::string> h{{"Authorization", "Bearer " + token},
                                       {"apikey", kTestAnonKey}};
  if (!forwarded_for.empty()) h["X-Forwarded-For"] = forwarded_for;
  return h;
}

class Auth : public SharedServerSuite<Auth> {
 public:
  static std::map<std::string, std::string> server_env() {
    return {{"SUPABASE_JWT_SECRET", kTestJwtSecret},
            {"SUPABASE_ANON_KEY", kTestAnonKey},
            {"ADMIN_IP_ALLOWLIST", "10.0.0.0/8"},
            {"TRUSTED_PROXIES", "127.0.0.1/32"}};
  }

 protected:
  static int port() { return server_->port(); }

  static HttpResult post(
      const std::string& target, const json::object& body,
      const std::map<std::string, std::string>& headers = gotrue_headers(kTestAnonKey)) {
    return http_request(port(), "POST", target, headers, json::serialize(body));
  }
  static json::object signup(const std::string& email, const std::string& password) {
    auto r = post("/auth/v1/signup", {{"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).as_object();
  }
  static json::object password_login(const std::string& email, const std::string& password) {
    auto r = post("/auth/v1/token?grant_type=password", {{"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
  }
  static std::string str(const json::object& o, const char* key) {
    return std::string(o.at(key).as_string());
  }
};

TEST_F(Auth, SignUpLoginRefreshReuseDetectionAndLogout) {
  const std::string email = unique_email("it");
  auto session = signup(email, "s3cret-pass");
  ASSERT_TRUE(session.contains("access_token"));
  EXPECT_EQ(str(session, "token_type"), "bearer");
  EXPECT_EQ(session.at("expires_in").as_int64(), 3600);
  EXPECT_EQ(str(session.at("user").as_object(), "email"), email);

  // A profile (customer) exists for the new user and RLS sees them as auth.uid().
  auto me = http_get(port(), "/auth/me", bearer(str(session, "access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  auto data = json::parse(me.body).at("data");
  EXPECT_EQ(data.at("role").as_string(), "customer");
  EXPECT_EQ(data.at("auth_uid").as_string(), session.at("user").at("id").as_string());

  auto again = post("/auth/v1/signup", {{"email", email}, {"password", "s3cret-pass"}});
  EXPECT_EQ(again.status, 422);
  EXPECT_EQ(error_code(again), "user_already_exists");
  EXPECT_EQ(again.header("x-supabase-api-version"), "2024-01-01");

  auto login = password_login(email, "s3cret-pass");
  const std::string first_refresh = str(login, "refresh_token");
  auto refreshed =
      post("/auth/v1/token?grant_type=refresh_token", {{"refresh_token", first_refresh}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  auto second = json::parse(refreshed.body).as_object();
  EXPECT_NE(str(second, "refresh_token"), first_refresh);
  auto user =
      http_get(port(), "/auth/v1/user", gotrue_headers(kTestAnonKey, str(second, "access_token")));
  ASSERT_EQ(user.status, 200) << user.body;
  EXPECT_EQ(json::parse(user.body).at("email").as_string(), email);

  // The spent token again: refused, and the whole session family is gone.
  auto reuse = post("/auth/v1/token?grant_type=refresh_token", {{"refresh_token", first_refresh}});
  EXPECT_EQ(reuse.status, 400);
  EXPECT_EQ(error_code(reuse), "refresh_token_already_used");
  auto orphan = post("/auth/v1/token?grant_type=refresh_token",
                     {{"refresh_token", str(second, "refresh_token")}});
  EXPECT_EQ(orphan.status, 400);
  EXPECT_EQ(error_code(orphan), "refresh_token_not_found");
  auto dead =
      http_get(port(), "/auth/v1/user", gotrue_headers(kTestAnonKey, str(second, "access_token")));
  EXPECT_EQ(dead.status, 403);
  EXPECT_EQ(error_code(dead), "session_not_found");

  // Logout (global) ends the sign-up session too.
  auto out = http_request(port(), "POST", "/auth/v1/logout?scope=global",
                          gotrue_headers(kTestAnonKey, str(session, "access_token")));
  EXPECT_EQ(out.status, 204);
  auto after =
      http_get(port(), "/auth/v1/user", gotrue_headers(kTestAnonKey, str(session, "access_token")));
  EXPECT_EQ(after.status, 403);
  EXPECT_EQ(error_code(after), "session_not_found");
}

TEST_F(Auth, WrongPasswordAndUnknownUserReadTheSameAndWeakPasswordsAreRefused) {
  auto wrong = post("/auth/v1/token?grant_type=password",
                    {{"email", "customer@forecourt.local"}, {"password", "nope-nope"}});
  auto unknown = post("/auth/v1/token?grant_type=password",
                      {{"email", "nobody-" + unique_email("it")}, {"password", "nope-nope"}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(error_code(wrong), "invalid_credentials");

  auto weak = post("/auth/v1/signup", {{"email", unique_email("it")}, {"password", "123"}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(error_code(weak), "weak_password");
  EXPECT_TRUE(json::parse(weak.body).as_object().contains("weak_password"));

  // Without the API-version header GoTrue's legacy shape comes back.
  auto legacy =
      http_request(port(), "POST", "/auth/v1/token?grant_type=password", {{"apikey", kTestAnonKey}},
                   R"({"email":"customer@forecourt.local","password":"x"})");
  EXPECT_EQ(json::parse(legacy.body).at("error_code").as_string(), "invalid_credentials");
  EXPECT_EQ(json::parse(legacy.body).at("code").as_int64(), 400);
}

TEST_F(Auth, RepeatedFailuresLockTheAccountWithBackoff) {
  // An account that does not exist locks exactly like one that does (no enumeration).
  const std::string email = "nobody-" + unique_email("it");
  const json::object attempt{{"email", email}, {"password", "guess-guess"}};
  for (int i = 0; i < 6; ++i) {
    auto r = post("/auth/v1/token?grant_type=password", attempt);
    ASSERT_EQ(r.status, 400) << i << ": " << r.body;
  }
  auto locked = post("/auth/v1/token?grant_type=password", attempt);
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(error_code(locked), "over_request_rate_limit");
  EXPECT_FALSE(locked.header("retry-after").empty());
}

TEST_F(Auth, SeededBcryptPasswordVerifiesAndStaysInGoTrueFormat) {
  auto session = password_login("customer2@forecourt.local", "forecourt-demo");
  ASSERT_TRUE(session.contains("access_token"));
  cli::BlockingPg pg(required_env("MIGRATIONS_DATABASE_URL"));
  auto rows = pg.rows(
      "select encrypted_password from auth.users where email = 'customer2@forecourt.local'");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_TRUE(rows[0][0].starts_with("$2a$10$")) << rows[0][0];
  // New passwords are argon2id.
  const std::string email = unique_email("it");
  signup(email, "argon-user-pass");
  rows = pg.rows("select encrypted_password from auth.users where email = $1", {email});
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_TRUE(rows[0][0].starts_with("$argon2id$")) << rows[0][0];
  // and it still signs in
  EXPECT_TRUE(password_login("customer2@forecourt.local", "forecourt-demo").contains("user"));
}

TEST_F(Auth, EveryBadTokenKindIs401EvenOnPublicRoutes) {
  const std::string good = hs256_token(kSeedCustomerId);
  const std::string tampered = with_tampered_signature(good);
  const std::string none_alg =
      auth::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
      auth::base64url_encode(R"({"sub":"x","aud":"authenticated","exp":9999999999})") + ".";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {hs256_token(kSeedCustomerId, "aal1", -3600), "token_expired"},
      {tampered, "bad_signature"},
      {hs256_token(kSeedCustomerId, "aal1", 3600, "someone-else"), "wrong_audience"},
      {none_alg, "unsupported_alg"},
      {"not-a-jwt", "malformed_token"},
  };
  for (const auto& [token, code] : cases) {
    for (const char* path : {"/auth/me", "/locations"}) {
      auto r = http_get(port(), path, bearer(token));
      EXPECT_EQ(r.status, 401) << path << " " << code << ": " << r.body;
      EXPECT_EQ(error_code(r), code) << path;
      EXPECT_FALSE(r.header("www-authenticate").empty());
    }
  }
  EXPECT_EQ(http_get(port(), "/auth/me", bearer(good)).status, 200);
  // The anon key (and any Supabase API key) as the bearer is anonymous, not a bad JWT.
  EXPECT_EQ(http_get(port(), "/locations", bearer(kTestAnonKey)).status, 200);
  EXPECT_EQ(http_get(port(), "/locations", bearer("sb_publishable_other")).status, 200);
  auto anon_me = http_get(port(), "/auth/me", bearer(kTestAnonKey));
  EXPECT_EQ(anon_me.status, 401);
  EXPECT_EQ(error_code(anon_me), "authentication_required");
}

TEST_F(Auth, RoleMatrixOverRealRoutes) {
  struct Caller {
    std::string name;
    std::map<std::string, std::string> headers;
  };
  const std::string inside = "10.1.2.3";      // in ADMIN_IP_ALLOWLIST, via the trusted proxy
  const std::string outside = "203.0.113.9";  // not
  const std::vector<Caller> callers = {
      {"anonymous", {}},
      {"customer", bearer(hs256_token(kSeedCustomerId), inside)},
      {"staff", bearer(hs256_token(kSeedStaffId, "aal2"), inside)},
      {"admin aal1 inside", bearer(hs256_token(kSeedAdminId, "aal1"), inside)},
      {"admin aal2 inside", bearer(hs256_token(kSeedAdminId, "aal2"), inside)},
      {"admin aal2 outside", bearer(hs256_token(kSeedAdminId, "aal2"), outside)},
      {"admin aal2 direct (no proxy header)", bearer(hs256_token(kSeedAdminId, "aal2"))},
  };
  const std::vector<std::string> paths = {"/locations", "/auth/me", "/staff/customers",
                                          "/admin/audit-log"};
  // expected "status code" per caller and path
  const std::vector<std::vector<std::string>> expected = {
      {"200", "401 authentication_required", "401 authentication_required",
       "401 authentication_required"},
      {"200", "200", "403 insufficient_role", "403 insufficient_role"},
      {"200", "200", "200", "403 insufficient_role"},
      {"200", "200", "200", "403 mfa_required"},
      {"200", "200", "200", "200"},
      {"200", "200", "200", "403 ip_not_allowed"},
      {"200", "200", "200", "403 ip_not_allowed"},
  };
  for (std::size_t c = 0; c < callers.size(); ++c) {
    for (std::size_t p = 0; p < paths.size(); ++p) {
      auto r = http_get(port(), paths[p], callers[c].headers);
      std::string got = std::to_string(r.status);
      if (r.status != 200) got += " " + error_code(r);
      EXPECT_EQ(got, expected[c][p]) << callers[c].name << " " << paths[p] << ": " << r.body;
    }
  }
  // RLS: a customer's /auth/me is their own row, read as auth.uid().
  auto me = http_get(port(), "/auth/me", bearer(hs256_token(kSeedCustomerId)));
  EXPECT_EQ(json::parse(me.body).at("data").at("auth_uid").as_string(), kSeedCustomerId);
  EXPECT_EQ(json::parse(me.body).at("data").at("aal").as_string(), "aal1");
}

TEST_F(Auth, TotpEnrollChallengeVerifyRaisesTheSessionToAal2) {
  auto session = signup(unique_email("it"), "totp-user-pass");
  const std::string token = str(session, "access_token");
  auto enrolled = post("/auth/v1/factors", {{"factor_type", "totp"}, {"friendly_name", "app"}},
                       gotrue_headers(kTestAnonKey, token));
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  auto factor = json::parse(enrolled.body).as_object();
  const std::string factor_id = str(factor, "id");
  const std::string secret_b32(factor.at("totp").at("secret").as_string());
  EXPECT_TRUE(factor.at("totp").at("uri").as_string().starts_with("otpauth://totp/"));

  auto challenge_of = [&] {
    auto c = post("/auth/v1/factors/" + factor_id + "/challenge", {},
                  gotrue_headers(kTestAnonKey, token));
    EXPECT_EQ(c.status, 200) << c.body;
    return std::string(json::parse(c.body).at("id").as_string());
  };
  auto wrong = post("/auth/v1/factors/" + factor_id + "/verify",
                    {{"challenge_id", challenge_of()}, {"code", "000000"}},
                    gotrue_headers(kTestAnonKey, token));
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(error_code(wrong), "mfa_verification_failed");

  auto secret = auth::base32_decode(secret_b32);
  ASSERT_TRUE(secret);
  const auto code = auth::totp(
      *secret, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  auto verified =
      post("/auth/v1/factors/" + factor_id + "/verify",
           {{"challenge_id", challenge_of()}, {"code", code}}, gotrue_headers(kTestAnonKey, token));
  ASSERT_EQ(verified.status, 200) << verified.body;
  auto aal2 = json::parse(verified.body).as_object();
  auto me = http_get(port(), "/auth/me", bearer(str(aal2, "access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body).at("data").at("aal").as_string(), "aal2");

  auto user =
      http_get(port(), "/auth/v1/user", gotrue_headers(kTestAnonKey, str(aal2, "access_token")));
  EXPECT_EQ(json::parse(user.body).at("factors").at(0).at("status").as_string(), "verified");
  // Unenrolling a verified factor needs aal2: refused with the aal1 token, allowed with aal2.
  auto refused = http_request(port(), "DELETE", "/auth/v1/factors/" + factor_id,
                              gotrue_headers(kTestAnonKey, token));
  EXPECT_EQ(refused.status, 422);
  auto removed = http_request(port(), "DELETE", "/auth/v1/factors/" + factor_id,
                              gotrue_headers(kTestAnonKey, str(aal2, "access_token")));
  EXPECT_EQ(removed.status, 200) << removed.body;
}

TEST_F(Auth, SpecLoginRefreshMeLogout) {
  auto login = http_request(port(), "POST", "/auth/login", {},
                            R"({"email":"staff@forecourt.local","password":"forecourt-demo"})");
  ASSERT_EQ(login.status, 200) << login.body;
  auto data = json::parse(login.body).at("data").as_object();
  auto me = http_get(port(), "/auth/me", bearer(str(data, "access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body).at("data").at("role").as_string(), "staff");
  auto refresh = http_request(port(), "POST", "/auth/refresh", {},
                              R"({"refresh_token":")" + str(data, "refresh_token") + R"("})");
  ASSERT_EQ(refresh.status, 200) << refresh.body;
  auto next = json::parse(refresh.body).at("data").as_object();
  auto out = http_request(port(), "POST", "/auth/logout", bearer(str(next, "access_token")));
  EXPECT_EQ(out.status, 204) << out.body;
  auto bad = http_request(port(), "POST", "/auth/login", {},
                          R"({"email":"staff@forecourt.local","password":"wrong-one"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(bad), "invalid_credentials");
}

TEST_F(Auth, JwksPublishesTheSignerAndRotationKeepsOldTokensValid) {
  auto login = password_login("customer@forecourt.local", "forecourt-demo");
  const std::string old_token = str(login, "access_token");
  auto jwks = http_get(port(), "/auth/v1/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200);
  EXPECT_EQ(jwks.header("cache-control"), "public, max-age=600");
  const auto before = json::parse(jwks.body).at("keys").as_array().size();
  ASSERT_GE(before, 1U);

  ASSERT_EQ(run_command(std::string(FORECOURT_BINARY) + " keys rotate >/dev/null"), 0);
  // A server started after the rotation signs with the new key and still accepts the old one.
  ServerProcess fresh(
      {{"SUPABASE_JWT_SECRET", kTestJwtSecret}, {"SUPABASE_ANON_KEY", kTestAnonKey}});
  auto keys = json::parse(http_get(fresh.port(), "/auth/v1/.well-known/jwks.json").body)
                  .at("keys")
                  .as_array();
  EXPECT_EQ(keys.size(), before + 1);
  EXPECT_EQ(http_get(fresh.port(), "/auth/me", bearer(old_token)).status, 200);
  auto r = http_request(fresh.port(), "POST", "/auth/v1/token?grant_type=password",
                        gotrue_headers(kTestAnonKey),
                        R"({"email":"customer@forecourt.local","password":"forecourt-demo"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string new_token(json::parse(r.body).at("access_token").as_string());
  auto header = json::parse(*auth::base64url_decode(new_token.substr(0, new_token.find('.'))));
  EXPECT_EQ(header.at("kid"), keys.at(0).at("kid"));
  // The first server learns the new kid on first sight (reload on an unknown kid).
  EXPECT_EQ(http_get(port(), "/auth/me", bearer(new_token)).status, 200);
}

}  // namespace
}  // namespace forecourt::testing
