// A staff write made through the request context (http::db_identity: role, claims and the
// request.headers that audit triggers read) lands in audit_log with the actor, before/after,
// the client IP the auth stage resolved and the request's User-Agent.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <random>

#include "cli/pg_blocking.hpp"
#include "db/tx.hpp"
#include "harness.hpp"
#include "http/identity.hpp"

namespace forecourt::testing {
namespace {
namespace asio = boost::asio;

constexpr std::string_view kAssign =
    "update public.chat_conversations set assigned_to = $1::uuid, subject = $2 "
    "where id = $3::uuid";

// What the auth stage leaves on a request from a signed-in staff member.
http::Request staff_request(const std::string& ip, const std::string& agent) {
  http::Request req;
  req.msg.set(boost::beast::http::field::user_agent, agent);
  req.client_ip = ip;
  req.request_id = "audit-it-1";
  req.caller.db_role = "authenticated";
  req.caller.app_role = "staff";
  req.caller.user_id = kSeedStaffId;
  req.caller.aal = "aal1";
  req.caller.claims_json = std::string(R"({"sub":")") + kSeedStaffId +
                           R"(","role":"authenticated","aud":"authenticated"})";
  return req;
}

TEST(AuditRequestContext, AStaffWriteRecordsActorIpAndUserAgent) {
  const std::string url = required_env("DATABASE_URL");
  cli::BlockingPg owner(required_env("MIGRATIONS_DATABASE_URL"));
  ASSERT_TRUE(owner.ok()) << owner.error();
  std::random_device rd;
  const std::string marker = "audit-it-" + std::to_string(rd());
  // A conversation of a seeded customer (created as the owner: not audited).
  auto made = owner.rows(
      "insert into public.chat_conversations (user_id, subject, status) select id, $1, 'open' "
      "from public.profiles where email = 'customer@forecourt.local' returning id::text",
      {marker});
  ASSERT_EQ(made.size(), 1U);
  const std::string conversation = made[0][0];

  asio::io_context io;
  db::PgPool pool(io, db::PgSettings{url}, 1, std::chrono::milliseconds(2000));
  const auto req = staff_request("198.51.100.77", "Forecourt-Audit-Test/1.0 " + marker);
  const std::string subject = marker + " (assigned)";
  auto assign = [&](db::Transaction& tx) -> asio::awaitable<void> {
    db::Query q{kAssign, {kSeedStaffId, subject, conversation}};
    co_await tx.query(std::move(q));
  };
  auto write = [&]() -> asio::awaitable<void> {
    auto identity = http::db_identity(req);
    co_await db::with_transaction(pool, std::move(identity), false, assign);
  };
  auto done = asio::co_spawn(io, write(), asio::use_future);
  io.run();
  done.get();

  auto rows = owner.rows(
      "select action, actor_user_id::text, host(ip), ua, before ->> 'subject', "
      "after ->> 'subject', after ->> 'assigned_to' from public.audit_log "
      "where resource_table = 'chat_conversations' and resource_id = $1",
      {conversation});
  owner.exec_params("delete from public.chat_conversations where id = $1::uuid", {conversation});
  owner.exec_params("delete from public.audit_log where resource_id = $1", {conversation});
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][0], "update");
  EXPECT_EQ(rows[0][1], kSeedStaffId);
  EXPECT_EQ(rows[0][2], "198.51.100.77");
  EXPECT_EQ(rows[0][3], "Forecourt-Audit-Test/1.0 " + marker);
  EXPECT_EQ(rows[0][4], marker);
  EXPECT_EQ(rows[0][5], subject);
  EXPECT_EQ(rows[0][6], kSeedStaffId);
}

}  // namespace
}  // namespace forecourt::testing
