#include "db/tx.hpp"

#include "core/log.hpp"

namespace forecourt::db {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kBeginReadWrite = "begin";
constexpr std::string_view kBeginReadOnly = "begin read only";
constexpr std::string_view kCommit = "commit";
constexpr std::string_view kRollback = "rollback";
// Transaction-local (the `true`): gone at COMMIT/ROLLBACK, so nothing survives into the
// next request that gets this connection.
constexpr std::string_view kIdentitySettings =
    "set_config('role', $1, true), set_config('request.jwt.claims', $2, true), "
    "set_config('request.jwt.claim.sub', $3, true), set_config('request.jwt.claim.role', $1, "
    "true), set_config('request.headers', $4, true)";

// The role/claims set-up as one statement. A read-only transaction in one round trip runs
// without BEGIN/COMMIT, as the implicit transaction of its pipeline segment (see
// PgPool::run_segment): read-only is then set here, first, and like the rest ends with the
// segment.
Query set_identity(const DbIdentity& identity, bool as_read_only_segment) {
  static const std::string in_transaction = "select " + std::string(kIdentitySettings);
  static const std::string read_only_segment =
      "select set_config('transaction_read_only', 'on', true), " + std::string(kIdentitySettings);
  return Query{as_read_only_segment ? read_only_segment : in_transaction,
               {identity.role, identity.claims_json, identity.user_id, identity.headers_json}};
}

bool allowed_role(std::string_view role) {
  return role == "anon" || role == "authenticated" || role == "service_role";
}

}  // namespace

DbIdentity service_role_identity(std::string_view reason) {
  log::debug("service_role transaction", {{"reason", reason}});
  return DbIdentity{"service_role", R"({"role":"service_role"})", "", "{}"};
}

Transaction::Transaction(PgPool& pool, DbIdentity identity, bool read_only)
    : pool_(pool), identity_(std::move(identity)), read_only_(read_only) {
  if (!allowed_role(identity_.role))
    throw std::invalid_argument("refusing database role " + identity_.role);
}

asio::awaitable<std::vector<PgResult>> Transaction::send(std::vector<Query> queries,
                                                         bool and_commit) {
  if (done_) throw std::logic_error("transaction already finished");
  if (!open_ && and_commit && read_only_) co_return co_await run_as_segment(std::move(queries));
  if (!conn_) conn_.emplace(co_await pool_.acquire());
  std::vector<Query> batch;
  batch.reserve(queries.size() + 3);
  std::size_t skip = 0;
  if (!open_) {
    batch.push_back(Query{read_only_ ? kBeginReadOnly : kBeginReadWrite, {}});
    batch.push_back(set_identity(identity_, false));
    skip = 2;
  }
  for (auto& q : queries) batch.push_back(std::move(q));
  if (and_commit) batch.push_back(Query{kCommit, {}});
  open_ = true;
  std::vector<PgResult> results;
  try {
    results = co_await (*conn_)->execute(batch);
  } catch (const DbUnavailable&) {
    pool_.on_connection_lost();
    throw;
  }
  if (and_commit) {
    done_ = true;
    results.pop_back();
    conn_.reset();  // back to the pool, outside any transaction
  }
  results.erase(results.begin(), results.begin() + static_cast<long>(skip));
  co_return results;
}

asio::awaitable<std::vector<PgResult>> Transaction::run_as_segment(std::vector<Query> queries) {
  done_ = true;
  std::vector<Query> segment;
  segment.reserve(queries.size() + 1);
  segment.push_back(set_identity(identity_, true));
  for (auto& q : queries) segment.push_back(std::move(q));
  auto results = co_await pool_.run_segment(std::move(segment));
  results.erase(results.begin());
  co_return results;
}

asio::awaitable<PgResult> Transaction::query(Query q) {
  std::vector<Query> one;
  one.push_back(std::move(q));
  auto results = co_await send(std::move(one), false);
  co_return std::move(results.front());
}

asio::awaitable<std::vector<PgResult>> Transaction::batch(std::vector<Query> queries) {
  co_return co_await send(std::move(queries), false);
}

asio::awaitable<PgResult> Transaction::query_and_commit(Query q) {
  std::vector<Query> one;
  one.push_back(std::move(q));
  auto results = co_await send(std::move(one), true);
  co_return std::move(results.front());
}

asio::awaitable<std::vector<PgResult>> Transaction::batch_and_commit(std::vector<Query> queries) {
  co_return co_await send(std::move(queries), true);
}

asio::awaitable<void> Transaction::commit() {
  if (done_) co_return;
  if (open_) co_await send({}, true);
  done_ = true;
  conn_.reset();
}

asio::awaitable<void> Transaction::rollback() {
  if (done_ || !conn_) {
    done_ = true;
    conn_.reset();
    co_return;
  }
  done_ = true;
  try {
    std::vector<Query> q{Query{kRollback, {}}};
    co_await (*conn_)->execute(q);
  } catch (...) {
    // A connection that can't roll back is not idle: the pool drops it on release.
  }
  conn_.reset();
}

}  // namespace forecourt::db
