// The API platform over real HTTP: docs UI, rate limits (Redis GCRA, shared by two servers,
// per-process fallback without Redis), WAF rules and their counters, HSTS behind a proxy.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <random>
#include <regex>
#include <set>

#include "harness.hpp"

namespace forecourt::testing {
namespace {

// A client address no other test (or earlier run within the minute) has used, so each
// test starts with a full budget in the shared Redis.
std::string fresh_ip() {
  static std::mt19937 rng{std::random_device{}()};
  return "10." + std::to_string(rng() % 250) + "." + std::to_string(rng() % 250) + "." +
         std::to_string(1 + rng() % 250);
}

std::map<std::string, std::string> limited_env(const std::string& extra_redis = {}) {
  std::map<std::string, std::string> env{{"RATE_LIMIT_MULTIPLIER", "1"},
                                         {"RATE_LIMIT_ANON_PER_MIN", "1"},
                                         {"TRUSTED_PROXIES", "127.0.0.1/32"}};
  if (!extra_redis.empty()) env["REDIS_URL"] = extra_redis;
  return env;
}

int status_of(const std::string& raw) {
  if (raw.size() < 12 || !raw.starts_with("HTTP/1.1 ")) return 0;
  return std::stoi(raw.substr(9, 3));
}

TEST(DocsUi, SwaggerAndRedocPagesWithLocalAssetsAndAStrictCsp) {
  ServerProcess server;
  for (const auto* page : {"/docs", "/redoc"}) {
    SCOPED_TRACE(page);
    auto r = http_get(server.port(), page);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    auto csp = r.header("content-security-policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("http://cdn"), std::string::npos);
    EXPECT_EQ(r.body.find("<script>"), std::string::npos) << "no inline script";
    // Every asset the page names is served from here, versioned and cached for a year.
    std::regex asset(R"re((?:src|href)="(/docs/[^"]+)")re");
    int assets = 0;
    for (std::sregex_iterator it(r.body.begin(), r.body.end(), asset), end; it != end; ++it) {
      auto url = (*it)[1].str();
      auto a = http_get(server.port(), url);
      EXPECT_EQ(a.status, 200) << url;
      EXPECT_GT(a.body.size(), 100U) << url;
      if (url.starts_with("/docs/assets/")) {
        EXPECT_EQ(a.header("cache-control"), "public, max-age=31536000, immutable") << url;
        EXPECT_EQ(http_get(server.port(), url, {{"If-None-Match", a.header("etag")}}).status, 304);
      }
      ++assets;
    }
    EXPECT_GE(assets, 1);
  }
  EXPECT_EQ(http_get(server.port(), "/docs/assets/redoc/0.0.1/redoc.standalone.js").status, 404);
  EXPECT_EQ(http_get(server.port(), "/docs/assets/redoc/2.5.2/..%2F..%2Fpackage.json").status, 404);
  auto doc = boost::json::parse(http_get(server.port(), "/openapi.json").body);
  EXPECT_EQ(doc.at("servers").at(0).at("url").as_string(),
            "http://127.0.0.1:" + std::to_string(server.port()))
      << "Try it out calls this server";
  EXPECT_FALSE(doc.at("paths").as_object().contains("/docs"));
}

TEST(QueryParams, UnknownParametersAre400NamingThem) {
  ServerProcess server;
  auto r = http_get(server.port(), "/locations?colour=red&page_size=5");
  ASSERT_EQ(r.status, 400) << r.body;
  auto errors = boost::json::parse(r.body).at("errors").as_array();
  std::set<std::string> named;
  for (const auto& e : errors)
    named.insert(std::string(e.at("source").at("parameter").as_string()));
  EXPECT_TRUE(named.contains("colour"));
  EXPECT_TRUE(named.contains("page_size"));
}

TEST(RateLimits, TheBudgetThen429WithRetryAfterAndHeadersOnEveryResponse) {
  ServerProcess server(limited_env());
  auto ip = fresh_ip();
  // /meta/config is in the "read" class: 4 x RATE_LIMIT_ANON_PER_MIN = 4 per minute, one
  // every 15 s: slow enough that a loaded machine cannot earn a token back mid-test.
  for (int i = 0; i < 4; ++i) {
    auto r = http_get(server.port(), "/meta/config", {{"X-Forwarded-For", ip}});
    ASSERT_EQ(r.status, 200) << "request " << i << ": " << r.body;
    EXPECT_EQ(r.header("ratelimit-limit"), "4");
    EXPECT_EQ(r.header("ratelimit-remaining"), std::to_string(3 - i));
    EXPECT_FALSE(r.header("ratelimit-reset").empty());
  }
  auto refused = http_get(server.port(), "/meta/config", {{"X-Forwarded-For", ip}});
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
  EXPECT_LE(std::stoi(refused.header("retry-after")), 15);
  EXPECT_EQ(refused.header("ratelimit-remaining"), "0");
  EXPECT_EQ(boost::json::parse(refused.body).at("errors").at(0).at("code").as_string(),
            "rate_limited");
  // Errors from handlers carry the headers too; another client is not affected.
  auto other = http_get(server.port(), "/locations/00000000-0000-4000-8000-000000000000",
                        {{"X-Forwarded-For", fresh_ip()}});
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.header("ratelimit-limit"), "4");
  EXPECT_EQ(other.header("ratelimit-remaining"), "3");
}

TEST(RateLimits, RefusalsBeforeRoutingCarryTheHeadersAndSpendTheBudget) {
  ServerProcess server(limited_env());
  const auto p = server.port();
  auto has_headers = [](const HttpResult& r) {
    return !r.header("ratelimit-limit").empty() && !r.header("ratelimit-remaining").empty() &&
           !r.header("ratelimit-reset").empty();
  };
  // Unknown paths spend the default budget (1 a minute here): the second probe is a 429.
  auto ip = fresh_ip();
  auto unknown = http_get(p, "/no/such/path", {{"X-Forwarded-For", ip}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.header("ratelimit-limit"), "1");
  EXPECT_EQ(unknown.header("ratelimit-remaining"), "0");
  EXPECT_FALSE(unknown.header("ratelimit-reset").empty());
  auto probe = http_get(p, "/wp-admin/setup.php", {{"X-Forwarded-For", ip}});
  EXPECT_EQ(probe.status, 429) << probe.body;
  EXPECT_FALSE(probe.header("retry-after").empty());
  EXPECT_EQ(probe.header("ratelimit-remaining"), "0");

  // 405, a bad parameter, a missing token, a CORS preflight from a foreign origin.
  auto wrong_method = http_request(p, "DELETE", "/locations", {{"X-Forwarded-For", fresh_ip()}});
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_TRUE(has_headers(wrong_method));
  auto bad_param = http_get(p, "/locations?colour=red", {{"X-Forwarded-For", fresh_ip()}});
  EXPECT_EQ(bad_param.status, 400);
  EXPECT_TRUE(has_headers(bad_param));
  auto no_token = http_get(p, "/auth/me", {{"X-Forwarded-For", fresh_ip()}});
  EXPECT_EQ(no_token.status, 401);
  EXPECT_TRUE(has_headers(no_token));
  auto preflight = http_request(p, "OPTIONS", "/locations",
                                {{"X-Forwarded-For", fresh_ip()},
                                 {"Origin", "https://evil.example"},
                                 {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(preflight.status, 403);
  EXPECT_TRUE(has_headers(preflight));

  // The session loop's own refusals (headers too large, URL too long) go through the
  // pipeline too: charged to the peer address, they carry the headers (or are the 429).
  auto raw_headers = [](const std::string& reply) {
    return reply.find("\r\nRateLimit-Limit: ") != std::string::npos &&
           reply.find("\r\nRateLimit-Reset: ") != std::string::npos;
  };
  auto big = raw_exchange(
      p, "GET /locations HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n");
  EXPECT_TRUE(status_of(big) == 431 || status_of(big) == 429) << big.substr(0, 200);
  EXPECT_TRUE(raw_headers(big)) << big.substr(0, 600);
  EXPECT_NE(big.find("\r\nX-Request-ID: "), std::string::npos) << "logged with a request id";
  auto long_url =
      raw_exchange(p, "GET /locations?" + std::string(5000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(status_of(long_url) == 414 || status_of(long_url) == 429);
  EXPECT_TRUE(raw_headers(long_url)) << long_url.substr(0, 600);

  // The unlimited health class stays exempt, refusals included.
  auto health = http_get(p, "/meta/live?colour=red", {{"X-Forwarded-For", fresh_ip()}});
  EXPECT_EQ(health.status, 400);
  EXPECT_TRUE(health.header("ratelimit-limit").empty());
}

TEST(RateLimits, TwoServersSharingRedisEnforceOneBudget) {
  ServerProcess a(limited_env());
  ServerProcess b(limited_env());
  auto ip = fresh_ip();
  int allowed = 0;
  int refused = 0;
  for (int i = 0; i < 8; ++i) {
    auto& s = i % 2 == 0 ? a : b;
    auto r = http_get(s.port(), "/meta/config", {{"X-Forwarded-For", ip}});
    (r.status == 200 ? allowed : refused) += 1;
  }
  EXPECT_EQ(allowed, 4) << "one budget of 4 across both processes";
  EXPECT_EQ(refused, 4);
}

TEST(RateLimits, RedisDownFallsBackPerProcessAndKeepsServing) {
  auto env = limited_env("redis://127.0.0.1:" + std::to_string(free_port()) + "/0");
  ServerProcess server(env);
  auto ip = fresh_ip();
  int allowed = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = http_get(server.port(), "/meta/config", {{"X-Forwarded-For", ip}});
    if (r.status == 200) {
      ++allowed;
      EXPECT_FALSE(r.header("ratelimit-remaining").empty());
    } else {
      EXPECT_EQ(r.status, 429);
    }
  }
  EXPECT_EQ(allowed, 4) << "the per-process limiter still enforces the budget";
  auto log = server.log();
  auto first = log.find("limiting per process");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("limiting per process", first + 1), std::string::npos) << "logged once";
}

TEST(Waf, BlockListAmbiguousRequestsSizeLimitsAndCounters) {
  ServerProcess server(
      {{"WAF_BLOCK_PATTERNS", R"(union\s+select;;sqlmap)"}, {"WAF_FORM_MAX_BYTES", "1024"}});
  auto p = server.port();
  EXPECT_EQ(http_get(p, "/meta/live?x=1%20UNION%20SELECT%20password").status, 403);
  EXPECT_EQ(http_get(p, "/meta/live", {{"User-Agent", "sqlmap/1.7"}}).status, 403);
  EXPECT_EQ(http_get(p, "/meta/live").status, 200);
  auto form =
      http_request(p, "POST", "/meta/live", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   std::string(2000, 'a'));
  EXPECT_EQ(form.status, 413) << form.body;

  auto raw = [&](const std::string& bytes) { return status_of(raw_exchange(p, bytes)); };
  EXPECT_EQ(raw("POST /meta/live HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: "
                "3\r\n\r\nab"),
            400);
  EXPECT_EQ(raw("POST /meta/live HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
                "chunked\r\n\r\n0\r\n\r\n"),
            400);
  EXPECT_EQ(raw("POST /meta/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            400);
  EXPECT_EQ(raw(std::string("GET /meta/live HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 46)), 400);
  EXPECT_EQ(raw("GET /meta/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  EXPECT_EQ(raw("GET /meta/live?" + std::string(5000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  EXPECT_EQ(
      raw("GET /meta/live HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n"),
      431);

  auto health = http_get(p, "/meta/health");
  ASSERT_EQ(health.status, 200) << health.body;
  auto waf = boost::json::parse(health.body).at("data").at("waf").as_object();
  EXPECT_EQ(waf.at("block_list:0").as_int64(), 1);
  EXPECT_EQ(waf.at("block_list:1").as_int64(), 1);
  EXPECT_EQ(waf.at("body_size").as_int64(), 1);
  EXPECT_EQ(waf.at("server:uri_too_long").as_int64(), 1);
  EXPECT_EQ(waf.at("server:headers_too_large").as_int64(), 1);
  std::int64_t ambiguous = 0;
  for (const auto* k :
       {"ambiguous_length", "ambiguous_host", "nul_byte", "server:malformed_request"}) {
    if (const auto* v = waf.if_contains(k)) ambiguous += v->as_int64();
  }
  EXPECT_EQ(ambiguous, 5) << boost::json::serialize(waf);
}

TEST(Waf, AnInvalidPatternStopsTheServerAtStartWithItsName) {
  char log[] = "/tmp/forecourt-waf-XXXXXX";
  ::close(::mkstemp(log));
  // timeout: should the server start after all, the test must still end (and fail).
  auto cmd = "cd /tmp && timeout 20 env PORT=" + std::to_string(free_port()) +
             " WAF_BLOCK_PATTERNS='(unclosed' " + FORECOURT_BINARY + " serve >" + log + " 2>&1";
  int rc = run_command(cmd);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::unlink(log);
  EXPECT_NE(rc, 0);
  EXPECT_NE(rc, 124) << "the server started with an invalid pattern";
  EXPECT_NE(text.find("WAF_BLOCK_PATTERNS"), std::string::npos) << text;
}

TEST(SecurityHeaders, HstsOnlyWhenATrustedProxySaysHttps) {
  ServerProcess behind(std::map<std::string, std::string>{{"TRUSTED_PROXIES", "127.0.0.1/32"}});
  EXPECT_FALSE(http_get(behind.port(), "/meta/live", {{"X-Forwarded-Proto", "https"}})
                   .header("strict-transport-security")
                   .empty());
  EXPECT_TRUE(http_get(behind.port(), "/meta/live").header("strict-transport-security").empty());
  ServerProcess direct;
  EXPECT_TRUE(http_get(direct.port(), "/meta/live", {{"X-Forwarded-Proto", "https"}})
                  .header("strict-transport-security")
                  .empty())
      << "X-Forwarded-Proto from an untrusted peer is ignored";
}

}  // namespace
}  // namespace forecourt::testing
