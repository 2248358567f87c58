// The RLS request context: every transaction runs as the role and claims it was given,
// auth.uid() sees that user, and nothing carries over between requests through the pool.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cli/pg_blocking.hpp"
#include "db/tx.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {
namespace asio = boost::asio;

constexpr std::string_view kWhoAmI =
    "select coalesce(auth.uid()::text, ''), current_user::text, coalesce(auth.role(), ''), "
    "coalesce(current_setting('request.jwt.claims', true), '')";
constexpr std::string_view kVisibleProfiles = "select id::text from public.profiles order by id";
constexpr std::string_view kFail = "select 1/0";

db::DbIdentity user_identity(const std::string& id) {
  return db::DbIdentity{"authenticated",
                        R"({"sub":")" + id + R"(","role":"authenticated","aud":"authenticated"})",
                        id, "{}"};
}

struct Who {
  std::string uid, user, role, claims;
};

class RlsContext : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = required_env("DATABASE_URL");
    auto admin_url = required_env("MIGRATIONS_DATABASE_URL");
    ASSERT_FALSE(url_.empty());
    cli::BlockingPg admin(admin_url);
    ASSERT_TRUE(admin.ok()) << admin.error();
    auto rows = admin.rows(
        "select id::text from public.profiles where role = 'customer' order by email limit 2");
    ASSERT_EQ(rows.size(), 2U) << "the seed has at least two customers";
    customer_a_ = rows[0][0];
    customer_b_ = rows[1][0];
  }

  template <class F>
  auto run(F f) {
    auto fut = asio::co_spawn(io_, std::move(f), asio::use_future);
    io_.run();
    io_.restart();
    return fut.get();
  }

  static asio::awaitable<Who> who(db::PgPool& pool, db::DbIdentity identity) {
    co_return co_await db::with_transaction(
        pool, std::move(identity), true, [](db::Transaction& tx) -> asio::awaitable<Who> {
          auto r = co_await tx.query(db::Query{kWhoAmI, {}});
          co_return Who{std::string(r.text(0, 0)), std::string(r.text(0, 1)),
                        std::string(r.text(0, 2)), std::string(r.text(0, 3))};
        });
  }

  asio::io_context io_;
  std::string url_;
  std::string customer_a_, customer_b_;
};

TEST_F(RlsContext, AuthUidIsTheRequestsUser) {
  db::PgSettings settings{url_};
  db::PgPool pool(io_, settings, 1, std::chrono::milliseconds(2000));
  auto a = run([&]() { return who(pool, user_identity(customer_a_)); });
  EXPECT_EQ(a.uid, customer_a_);
  EXPECT_EQ(a.user, "authenticated");
  EXPECT_EQ(a.role, "authenticated");
  auto anon = run([&]() { return who(pool, db::DbIdentity{}); });
  EXPECT_EQ(anon.uid, "");
  EXPECT_EQ(anon.user, "anon");
}

TEST_F(RlsContext, PolicyUsingAuthUidSeesOnlyThatUsersRows) {
  db::PgSettings settings{url_};
  db::PgPool pool(io_, settings, 1, std::chrono::milliseconds(2000));
  auto visible = [&](db::DbIdentity id) {
    return run([&]() -> asio::awaitable<std::vector<std::string>> {
      co_return co_await db::with_transaction(
          pool, std::move(id), true,
          [](db::Transaction& tx) -> asio::awaitable<std::vector<std::string>> {
            auto r = co_await tx.query(db::Query{kVisibleProfiles, {}});
            std::vector<std::string> ids;
            for (int i = 0; i < r.rows(); ++i) ids.emplace_back(r.text(i, 0));
            co_return ids;
          });
    });
  };
  EXPECT_EQ(visible(user_identity(customer_a_)), std::vector<std::string>{customer_a_});
  EXPECT_EQ(visible(user_identity(customer_b_)), std::vector<std::string>{customer_b_});
}

TEST_F(RlsContext, NothingCarriesOverThroughThePool) {
  db::PgSettings settings{url_};
  db::PgPool pool(io_, settings, 1,
                  std::chrono::milliseconds(2000));  // one connection: every request reuses it
  (void)run([&]() { return who(pool, user_identity(customer_a_)); });
  auto after_commit = run([&]() { return who(pool, db::DbIdentity{}); });
  EXPECT_EQ(after_commit.uid, "");
  EXPECT_EQ(after_commit.user, "anon");

  // A transaction that fails half-way is rolled back before the connection is reused.
  bool failed = run([&]() -> asio::awaitable<bool> {
    try {
      co_await db::with_transaction(pool, user_identity(customer_a_), false,
                                    [](db::Transaction& tx) -> asio::awaitable<void> {
                                      co_await tx.query(db::Query{kFail, {}});
                                    });
    } catch (const db::DbError& e) {
      co_return e.sqlstate() == "22012";
    }
    co_return false;
  });
  EXPECT_TRUE(failed);
  auto after_error = run([&]() { return who(pool, user_identity(customer_b_)); });
  EXPECT_EQ(after_error.uid, customer_b_);
  auto anon_again = run([&]() { return who(pool, db::DbIdentity{}); });
  EXPECT_EQ(anon_again.uid, "");
  EXPECT_EQ(anon_again.claims, R"({"role":"anon"})");
}

TEST_F(RlsContext, ConcurrentRequestsEachKeepTheirOwnIdentity) {
  db::PgSettings settings{url_};
  db::PgPool pool(io_, settings, 3, std::chrono::milliseconds(5000));
  std::vector<std::future<Who>> results;
  std::vector<std::string> expected;
  for (int i = 0; i < 30; ++i) {
    const auto& id = (i % 3 == 0) ? std::string() : (i % 3 == 1 ? customer_a_ : customer_b_);
    expected.push_back(id);
    results.push_back(asio::co_spawn(
        io_, who(pool, id.empty() ? db::DbIdentity{} : user_identity(id)), asio::use_future));
  }
  io_.run();
  for (std::size_t i = 0; i < results.size(); ++i)
    EXPECT_EQ(results[i].get().uid, expected[i]) << "request " << i;
}

// Read-only one-round-trip transactions queued for a busy pool share round trips
// (PgPool::run_segment). Each must still see only its own identity, and an error must
// fail only its own request.
TEST_F(RlsContext, SharedRoundTripsKeepEachRequestsIdentityAndError) {
  db::PgSettings settings{url_};
  db::PgPool pool(io_, settings, 1, std::chrono::milliseconds(5000));
  auto one_shot = [&pool](db::DbIdentity identity, bool fail) -> asio::awaitable<std::string> {
    db::Transaction tx(pool, std::move(identity), true);
    try {
      db::Query q{fail ? kFail : kWhoAmI, {}};
      auto r = co_await tx.query_and_commit(std::move(q));
      co_return std::string(r.text(0, 0)) + "/" + std::string(r.text(0, 1));
    } catch (const db::DbError& e) {
      co_return "error " + e.sqlstate();
    }
  };
  std::vector<std::future<std::string>> results;
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i) {
    bool fail = i % 7 == 3;
    const auto& id = (i % 3 == 0) ? std::string() : (i % 3 == 1 ? customer_a_ : customer_b_);
    expected.push_back(fail ? "error 22012" : id + (id.empty() ? "/anon" : "/authenticated"));
    results.push_back(asio::co_spawn(
        io_, one_shot(id.empty() ? db::DbIdentity{} : user_identity(id), fail), asio::use_future));
  }
  io_.run();
  io_.restart();
  for (std::size_t i = 0; i < results.size(); ++i)
    EXPECT_EQ(results[i].get(), expected[i]) << "request " << i;
  EXPECT_GT(pool.stats().segments_shared, 20) << "one connection, 40 queued: most ride along";
  // The connection is back in the pool outside any transaction, as anon again.
  auto after = run([&]() { return who(pool, db::DbIdentity{}); });
  EXPECT_EQ(after.user, "anon");
  EXPECT_EQ(after.uid, "");
}

TEST_F(RlsContext, OneRoundTripReadOnlyTransactionsCannotWrite) {
  db::PgSettings settings{url_};
  db::PgPool pool(io_, settings, 1, std::chrono::milliseconds(2000));
  auto sqlstate = run([&]() -> asio::awaitable<std::string> {
    db::Transaction tx(pool, db::service_role_identity("test"), true);
    try {
      db::Query q{"create temporary table read_only_probe (x int)", {}};
      co_await tx.query_and_commit(std::move(q));
    } catch (const db::DbError& e) {
      co_return e.sqlstate();
    }
    co_return "no error";
  });
  EXPECT_EQ(sqlstate, "25006") << "read_only_sql_transaction";
}

TEST_F(RlsContext, UnknownRolesAreRefusedBeforeReachingTheDatabase) {
  db::PgSettings settings{url_};
  db::PgPool pool(io_, settings, 1, std::chrono::milliseconds(2000));
  EXPECT_THROW(db::Transaction(pool, db::DbIdentity{"postgres", "{}", "", "{}"}, true),
               std::invalid_argument);
}

TEST_F(RlsContext, ServiceRoleIsExplicit) {
  db::PgSettings settings{url_};
  db::PgPool pool(io_, settings, 1, std::chrono::milliseconds(2000));
  auto svc = run([&]() { return who(pool, db::service_role_identity("test")); });
  EXPECT_EQ(svc.user, "service_role");
}

}  // namespace
}  // namespace forecourt::testing
