// /meta/health against the real services, including PostgreSQL going away and coming back.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "harness.hpp"

namespace forecourt::testing {
namespace {

TEST(Health, AllUpIs200WithEveryCheck) {
  ServerProcess server;
  auto r = http_get(server.port(), "/meta/health");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = boost::json::parse(r.body);
  for (const auto* dep : {"database", "redis", "storage"}) {
    EXPECT_EQ(doc.at("data").at("checks").at(dep).at("status").as_string(), "up") << dep;
  }
  EXPECT_EQ(r.header("cache-control"), "no-store");
}

TEST(Health, RedisDownIs503NamingRedis) {
  // A Redis URL nothing listens on: the API keeps serving, health names what is down.
  ServerProcess server(std::map<std::string, std::string>{
      {"REDIS_URL", "redis://127.0.0.1:" + std::to_string(free_port())}});
  auto r = http_get(server.port(), "/meta/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_FALSE(r.header("retry-after").empty());
  auto doc = boost::json::parse(r.body);
  EXPECT_NE(std::string(doc.at("errors").at(0).at("detail").as_string()).find("redis"),
            std::string::npos);
  EXPECT_EQ(doc.at("meta").at("checks").at("database").at("status").as_string(), "up");
  EXPECT_EQ(http_get(server.port(), "/meta/config").status, 200)
      << "DB routes still work without Redis";
}

TEST(Health, DatabaseDownThen503ThenRecovers) {
  auto pg_ctl = required_env("FORECOURT_TEST_PGCTL");
  auto pgdata = required_env("FORECOURT_TEST_PGDATA");
  ASSERT_FALSE(pg_ctl.empty());
  ServerProcess server;
  ASSERT_EQ(http_get(server.port(), "/meta/health").status, 200);

  ASSERT_EQ(run_command(pg_ctl + " -D '" + pgdata + "' -m fast -w stop >/dev/null"), 0);
  auto down = http_get(server.port(), "/meta/health");
  auto config =
      http_get(server.port(), "/meta/config?view=full");  // DB route, not cached under this key
  auto restart = run_command(pg_ctl + " -D '" + pgdata + "' -w start >/dev/null");
  ASSERT_EQ(restart, 0) << "could not restart PostgreSQL: later tests will fail";

  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.body.find("database is down"), std::string::npos);
  EXPECT_EQ(http_get(server.port(), "/meta/live").status, 200) << "the process kept running";
  EXPECT_EQ(config.status, 503) << "a DB route answers 503 while PostgreSQL is away";
  EXPECT_EQ(config.header("retry-after"), "1");

  // Recovers by itself: the pool reconnects with backoff (at most 5 s apart).
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = http_get(server.port(), "/meta/health").status;
  }
  EXPECT_EQ(status, 200) << server.log();
}

}  // namespace
}  // namespace forecourt::testing
