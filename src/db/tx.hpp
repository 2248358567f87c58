#pragma once
// The only ways a request reaches the database. `RequestTx` runs every statement inside
// one transaction that first sets the caller's role and JWT claims (the PostgREST
// mechanism: auth.uid() and every RLS policy see this request's user). The service-role
// path has its own, loud name and is for jobs and admin batch work only.
#include <boost/asio/awaitable.hpp>
#include <exception>
#include <string>

#include "db/pool.hpp"

namespace forecourt::db {

// Who the statements run as. Built from the verified token by the auth stage.
struct DbIdentity {
  std::string role = "anon";  // anon | authenticated | service_role
  std::string claims_json = R"({"role":"anon"})";
  std::string user_id;              // request.jwt.claim.sub (empty for anon)
  std::string headers_json = "{}";  // request.headers: client ip and user agent for audit_log
};

class Transaction {
 public:
  Transaction(PgPool& pool, DbIdentity identity, bool read_only);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // The first call also sends BEGIN and the role/claims set-up, in the same round trip.
  boost::asio::awaitable<PgResult> query(Query q);
  boost::asio::awaitable<std::vector<PgResult>> batch(std::vector<Query> queries);
  boost::asio::awaitable<void> commit();
  boost::asio::awaitable<void> rollback();  // never throws
  // One statement, committed, in a single round trip: BEGIN; set-up; statement; COMMIT.
  // Read-only: set-up; statement, as one implicit transaction that may share the trip
  // with other requests' (PgPool::run_segment).
  boost::asio::awaitable<PgResult> query_and_commit(Query q);
  // Several statements, committed, in a single round trip (a page built from many reads).
  boost::asio::awaitable<std::vector<PgResult>> batch_and_commit(std::vector<Query> queries);

 private:
  boost::asio::awaitable<std::vector<PgResult>> send(std::vector<Query> queries, bool and_commit);
  // A read-only transaction that is one round trip: a segment that may share its trip.
  boost::asio::awaitable<std::vector<PgResult>> run_as_segment(std::vector<Query> queries);

  PgPool& pool_;
  DbIdentity identity_;
  bool read_only_;
  std::optional<PooledConnection> conn_;
  bool open_ = false;
  bool done_ = false;
};

// Runs `body(tx)` in one transaction as `identity`; commits when it returns, rolls back
// when it throws (then rethrows). The connection goes back to the pool clean either way.
template <class Body>
auto with_transaction(PgPool& pool, DbIdentity identity, bool read_only, Body body)
    -> decltype(body(std::declval<Transaction&>())) {
  Transaction tx(pool, std::move(identity), read_only);
  std::exception_ptr failure;
  try {
    if constexpr (std::is_void_v<typename decltype(body(tx))::value_type>) {
      co_await body(tx);
      co_await tx.commit();
      co_return;
    } else {
      auto result = co_await body(tx);
      co_await tx.commit();
      co_return result;
    }
  } catch (...) {
    failure = std::current_exception();
  }
  co_await tx.rollback();
  std::rethrow_exception(failure);
}

// Jobs and admin batch work: bypasses RLS by design. Name the reason; it is logged.
DbIdentity service_role_identity(std::string_view reason);

}  // namespace forecourt::db
