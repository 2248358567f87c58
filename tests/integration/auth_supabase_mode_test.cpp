// AUTH_MODE=supabase end to end. Two real servers on loopback: an embedded-mode Forecourt plays
// the Supabase project (its /auth/v1 is GoTrue-compatible, its JWKS is published), and a
// second server runs with AUTH_MODE=supabase and SUPABASE_URL pointing at the first. Proven
// here: sign-in, refresh and logout are proxied and answer in the spec routes' shape; the
// upstream's tokens work on our own routes through the fetched JWKS; GoTrue refusals keep
// their code; an unreachable or silent upstream is a quick 502/504; a key rotated in upstream
// is picked up on first sight, while a flood of unknown kids does not refetch per request.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr const char* kProxyAnonKey = "sb_publishable_forecourt_supabase_mode";
constexpr const char* kJwksPath = "/auth/v1/.well-known/jwks.json";
constexpr const char* kPassword = "proxied-pass-1";
// Short enough for a test to wait it out, long enough that a flood cannot hide behind it.
constexpr int kCooldownMs = 2000;

std::string base_url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

std::map<std::string, std::string> bearer_only(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::string str(const json::value& v, const char* key) {
  return std::string(v.at(key).as_string());
}

std::string kid_of(const std::string& token) {
  auto header = json::parse(*auth::base64url_decode(token.substr(0, token.find('.'))));
  return str(header, "kid");
}

// JWKS requests the upstream has answered, from its access log (one line per request).
int jwks_fetches(const ServerProcess& upstream) {
  const std::string log = upstream.log();
  const std::string needle = std::string(R"("path":")") + kJwksPath + "\"";
  int count = 0;
  for (auto pos = log.find(needle); pos != std::string::npos; pos = log.find(needle, pos + 1))
    ++count;
  return count;
}

// A listening socket that never accepts or answers: connects succeed (the kernel completes
// the handshake), reads never return. Closed with the test.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 64), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  [[nodiscard]] int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class SupabaseMode : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    upstream_ =
        new ServerProcess(std::map<std::string, std::string>{{"SUPABASE_ANON_KEY", kProxyAnonKey}});
    // The upstream's tokens name it as issuer; checking iss proves they are its tokens.
    proxy_ = new ServerProcess({{"AUTH_MODE", "supabase"},
                                {"SUPABASE_URL", base_url(upstream_->port())},
                                {"SUPABASE_ANON_KEY", kProxyAnonKey},
                                {"SUPABASE_JWT_ISSUER", base_url(upstream_->port()) + "/auth/v1"},
                                {"SUPABASE_JWKS_COOLDOWN_MS", std::to_string(kCooldownMs)},
                                {"SUPABASE_HTTP_TIMEOUT_MS", "1500"}});
    wait_for_jwks();
  }
  static void TearDownTestSuite() {
    delete proxy_;
    delete upstream_;
    proxy_ = upstream_ = nullptr;
  }
  // The start-up fetch runs in the background: wait until the proxy has loaded the keys.
  static void wait_for_jwks() {
    for (int i = 0; i < 100; ++i) {
      if (proxy_->log().find("\"JWKS loaded\"") != std::string::npos) return;
      std::this_thread::sleep_for(milliseconds(50));
    }
    ADD_FAILURE() << "the proxy never loaded the upstream JWKS:\n" << proxy_->log();
  }

  // A user of the "Supabase project", signed up directly there.
  static json::object signup(const std::string& email) {
    json::object body{{"email", email}, {"password", kPassword}};
    auto r = http_request(upstream_->port(), "POST", "/auth/v1/signup",
                          gotrue_headers(kProxyAnonKey), json::serialize(body));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
  }
  static HttpResult proxy_login(const std::string& email, const std::string& password) {
    json::object body{{"email", email}, {"password", password}};
    return http_request(proxy_->port(), "POST", "/auth/login", {}, json::serialize(body));
  }

  static ServerProcess* upstream_;
  static ServerProcess* proxy_;
};
ServerProcess* SupabaseMode::upstream_ = nullptr;
ServerProcess* SupabaseMode::proxy_ = nullptr;

TEST_F(SupabaseMode, LoginReturnsTheUpstreamSessionAndItsTokenWorksHere) {
  const std::string email = unique_email("sb");
  const std::string user_id = str(signup(email).at("user"), "id");

  auto login = proxy_login(email, kPassword);
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.header("cache-control"), "no-store");
  auto data = json::parse(login.body).at("data");
  EXPECT_EQ(str(data, "token_type"), "bearer");
  EXPECT_FALSE(str(data, "refresh_token").empty());
  EXPECT_EQ(str(data.at("user"), "id"), user_id);
  EXPECT_EQ(str(data.at("user"), "email"), email);
  // Signed by the upstream: its kid is in the upstream's JWKS.
  const std::string token = str(data, "access_token");
  auto jwks = json::parse(http_get(upstream_->port(), kJwksPath).body);
  bool published = false;
  for (const auto& key : jwks.at("keys").as_array()) published |= str(key, "kid") == kid_of(token);
  EXPECT_TRUE(published) << kid_of(token);

  // Our own routes accept it (verified with the fetched JWKS; iss checked), and RLS sees the
  // user as auth.uid().
  auto me = http_get(proxy_->port(), "/auth/me", bearer_only(token));
  ASSERT_EQ(me.status, 200) << me.body;
  auto profile = json::parse(me.body).at("data");
  EXPECT_EQ(str(profile, "id"), user_id);
  EXPECT_EQ(str(profile, "auth_uid"), user_id);
  EXPECT_EQ(str(profile, "role"), "customer");
}

TEST_F(SupabaseMode, RefreshAndLogoutAreProxied) {
  const std::string email = unique_email("sb");
  signup(email);
  auto login = proxy_login(email, kPassword);
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string first_refresh = str(json::parse(login.body).at("data"), "refresh_token");

  json::object body{{"refresh_token", first_refresh}};
  auto refreshed = http_request(proxy_->port(), "POST", "/auth/refresh", {}, json::serialize(body));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  auto next = json::parse(refreshed.body).at("data");
  EXPECT_NE(str(next, "refresh_token"), first_refresh);
  EXPECT_EQ(http_get(proxy_->port(), "/auth/me", bearer_only(str(next, "access_token"))).status,
            200);

  // GoTrue's reuse detection answers through the proxy with its own code.
  auto reuse = http_request(proxy_->port(), "POST", "/auth/refresh", {}, json::serialize(body));
  EXPECT_EQ(reuse.status, 400) << reuse.body;
  EXPECT_EQ(error_code(reuse), "refresh_token_already_used");
  EXPECT_EQ(reuse.header("content-type"), "application/vnd.api+json");

  // Logout ends the upstream session: its refresh token no longer works.
  auto second = proxy_login(email, kPassword);
  ASSERT_EQ(second.status, 200) << second.body;
  auto session = json::parse(second.body).at("data");
  auto out = http_request(proxy_->port(), "POST", "/auth/logout?scope=local",
                          bearer_only(str(session, "access_token")));
  EXPECT_EQ(out.status, 204) << out.body;
  json::object spent{{"refresh_token", str(session, "refresh_token")}};
  auto after = http_request(proxy_->port(), "POST", "/auth/refresh", {}, json::serialize(spent));
  EXPECT_EQ(after.status, 400) << after.body;
  EXPECT_EQ(error_code(after), "refresh_token_not_found");
  // Logout needs a token, as in embedded mode (the auth stage answers before any call).
  EXPECT_EQ(http_request(proxy_->port(), "POST", "/auth/logout").status, 401);
}

TEST_F(SupabaseMode, WrongPasswordKeepsGoTruesCodeAndTheGoTrueApiIsNotServedHere) {
  const std::string email = unique_email("sb");
  signup(email);
  auto wrong = proxy_login(email, "not-the-password");
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(error_code(wrong), "invalid_credentials");
  auto unknown = proxy_login("nobody-" + unique_email("sb"), "not-the-password");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_code(unknown), "invalid_credentials");
  // Bad bodies are refused before anything goes upstream.
  auto bad = http_request(proxy_->port(), "POST", "/auth/login", {}, R"({"email":"x@y.z"})");
  EXPECT_EQ(bad.status, 422) << bad.body;

  // Clients talk to SUPABASE_URL/auth/v1 themselves: this server does not serve GoTrue.
  EXPECT_EQ(http_get(proxy_->port(), kJwksPath).status, 404);
  EXPECT_EQ(http_request(proxy_->port(), "POST", "/auth/v1/token?grant_type=password",
                         gotrue_headers(kProxyAnonKey), R"({"email":"a@b.c","password":"x"})")
                .status,
            404);
}

TEST_F(SupabaseMode, AnUnreachableUpstreamIsA502AndASilentOneA504Quickly) {
  ServerProcess down({{"AUTH_MODE", "supabase"},
                      {"SUPABASE_URL", base_url(free_port())},
                      {"SUPABASE_ANON_KEY", kProxyAnonKey},
                      {"SUPABASE_HTTP_TIMEOUT_MS", "1000"}});
  auto started = steady_clock::now();
  json::object body{{"email", unique_email("sb")}, {"password", kPassword}};
  auto r = http_request(down.port(), "POST", "/auth/login", {}, json::serialize(body));
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(error_code(r), "upstream_unavailable");
  EXPECT_LT(steady_clock::now() - started, milliseconds(1000));
  // The server started anyway and says why it has no keys (and keeps retrying).
  bool logged = false;
  for (int i = 0; i < 40 && !logged; ++i) {
    logged = down.log().find("JWKS fetch failed") != std::string::npos;
    if (!logged) std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_TRUE(logged) << down.log();
  EXPECT_EQ(http_get(down.port(), "/meta/live").status, 200);

  SilentListener silent;
  ServerProcess stalled({{"AUTH_MODE", "supabase"},
                         {"SUPABASE_URL", base_url(silent.port())},
                         {"SUPABASE_ANON_KEY", kProxyAnonKey},
                         {"SUPABASE_HTTP_TIMEOUT_MS", "1000"}});
  started = steady_clock::now();
  r = http_request(stalled.port(), "POST", "/auth/login", {}, json::serialize(body));
  const auto waited = steady_clock::now() - started;
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(error_code(r), "upstream_timeout");
  EXPECT_GE(waited, milliseconds(900));
  EXPECT_LT(waited, milliseconds(3000));
}

TEST_F(SupabaseMode, ARotatedKeyIsFetchedOnFirstSightButAFloodOfUnknownKidsIsNot) {
  const std::string email = unique_email("sb");
  signup(email);
  ASSERT_EQ(run_command(std::string(FORECOURT_BINARY) + " keys rotate >/dev/null"), 0);
  // A project instance started after the rotation signs with the new key (same issuer).
  ServerProcess rotated(
      {{"SUPABASE_ANON_KEY", kProxyAnonKey}, {"PUBLIC_BASE_URL", base_url(upstream_->port())}});
  json::object body{{"email", email}, {"password", kPassword}};
  auto r = http_request(rotated.port(), "POST", "/auth/v1/token?grant_type=password",
                        gotrue_headers(kProxyAnonKey), json::serialize(body));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string new_token = str(json::parse(r.body), "access_token");
  // The project's JWKS endpoint learns the key too (it reloads on an unknown kid).
  ASSERT_EQ(http_get(upstream_->port(), "/auth/me", bearer_only(new_token)).status, 200);
  std::this_thread::sleep_for(milliseconds(kCooldownMs + 200));  // past any earlier fetch

  const int before = jwks_fetches(*upstream_);
  auto me = http_get(proxy_->port(), "/auth/me", bearer_only(new_token));
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(jwks_fetches(*upstream_), before + 1);

  // Well-formed tokens from keys nobody published: every one is refused, and they cost at
  // most one fetch per cooldown however many arrive.
  std::vector<std::string> forged_tokens;
  for (int i = 0; i < 40; ++i) {
    auto key = auth::SigningKey::generate_es256("forged-" + std::to_string(i));
    json::object claims{{"sub", "00000000-0000-4000-a000-000000000003"},
                        {"aud", "authenticated"},
                        {"role", "authenticated"},
                        {"iss", base_url(upstream_->port()) + "/auth/v1"},
                        {"iat", unix_now()},
                        {"exp", unix_now() + 600}};
    forged_tokens.push_back(key.sign(claims));
  }
  const int flood_start = jwks_fetches(*upstream_);
  const auto flood_began = steady_clock::now();
  for (const auto& forged_token : forged_tokens) {
    auto forged = http_get(proxy_->port(), "/auth/me", bearer_only(forged_token));
    EXPECT_EQ(forged.status, 401);
    if (forged.status == 401) {
      EXPECT_EQ(error_code(forged), "unknown_kid");
    }
  }
  const auto flood_ms =
      std::chrono::duration_cast<milliseconds>(steady_clock::now() - flood_began).count();
  EXPECT_LE(jwks_fetches(*upstream_) - flood_start, 1 + flood_ms / kCooldownMs)
      << "40 requests in " << flood_ms << " ms";
  // The project now signs with the new key; sign-ins through the proxy keep working.
  auto older = proxy_login(email, kPassword);
  ASSERT_EQ(older.status, 200) << older.body;
  EXPECT_EQ(http_get(proxy_->port(), "/auth/me",
                     bearer_only(str(json::parse(older.body).at("data"), "access_token")))
                .status,
            200);
}

}  // namespace
}  // namespace forecourt::testing
