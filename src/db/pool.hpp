#pragma once
// A bounded pool of PgConnections for one I/O thread. Acquire waits at most the
// configured timeout (then DbUnavailable -> 503 + Retry-After); a broken connection is
// dropped and replaced; when the database is down, connects back off exponentially
// and requests fail fast instead of piling up.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <exception>
#include <memory>
#include <optional>

#include "db/pg.hpp"

namespace forecourt::db {

class PgPool;

// A connection on loan; goes back to the pool when destroyed (or is dropped if unsafe).
class PooledConnection {
 public:
  PooledConnection(PgPool* pool, std::unique_ptr<PgConnection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&& other) noexcept = default;
  PooledConnection& operator=(PooledConnection&&) = delete;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  PgConnection& operator*() { return *conn_; }
  PgConnection* operator->() { return conn_.get(); }

 private:
  PgPool* pool_;
  std::unique_ptr<PgConnection> conn_;
};

struct PoolStats {
  int size = 0;
  int idle = 0;
  int waiting = 0;
  bool up = true;
  long long segments_shared = 0;  // run_segment calls served by another's round trip
};

class PgPool {
 public:
  PgPool(boost::asio::io_context& io, PgSettings settings, int max_size,
         std::chrono::milliseconds acquire_timeout);

  boost::asio::awaitable<PooledConnection> acquire();
  // Runs one segment: statements without BEGIN/COMMIT, one implicit transaction on the
  // server (so an error rolls back only this segment). When every connection is busy,
  // segments queued for a connection share its next round trip, up to
  // kMaxSegmentsPerTrip: one write, one read and one wake-up of PostgreSQL serve them all.
  // Returns one result per statement; throws DbError for the segment's first failing
  // statement, DbUnavailable as acquire() does.
  boost::asio::awaitable<std::vector<PgResult>> run_segment(std::vector<Query> segment);
  static constexpr std::size_t kMaxSegmentsPerTrip = 16;
  // Opens connections until `count` are open (at most the pool's size), one after another,
  // and keeps them idle: run at start so the first requests don't pay for connecting.
  // Failures end the warm-up quietly (the pool's own backoff and logging apply).
  boost::asio::awaitable<void> warm_up(int count);
  [[nodiscard]] PoolStats stats() const;
  // Called when a statement saw the connection break: the idle ones are probably dead too.
  void on_connection_lost();
  void release(std::unique_ptr<PgConnection> conn);

 private:
  struct Waiter {
    explicit Waiter(boost::asio::io_context& io) : timer(io) {}
    boost::asio::steady_timer timer;
    std::unique_ptr<PgConnection> conn;
    bool slot = false;  // allowed to open a new connection
    // For run_segment: the segment, and once another waiter's round trip has taken it
    // along (`riding`), what it produced.
    const std::vector<Query>* segment = nullptr;
    bool riding = false;
    std::optional<SegmentOutcome> outcome;
    std::exception_ptr failure;
  };

  // An idle connection, or a new one while below the pool's size; nullopt means wait.
  boost::asio::awaitable<std::optional<PooledConnection>> acquire_now();
  // Queues `waiter` until a connection or a slot is handed to it (nullopt when it rode
  // another waiter's round trip instead); throws DbUnavailable on timeout.
  boost::asio::awaitable<std::optional<PooledConnection>> wait_for(
      const std::shared_ptr<Waiter>& waiter);
  // Takes queued segments out of the queue to ride the caller's round trip.
  std::vector<std::shared_ptr<Waiter>> claim_riders();
  boost::asio::awaitable<std::unique_ptr<PgConnection>> open();
  void note_down();

  boost::asio::io_context& io_;
  PgSettings settings_;
  int max_size_;
  std::chrono::milliseconds acquire_timeout_;
  int size_ = 0;  // open + opening connections
  std::deque<std::unique_ptr<PgConnection>> idle_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  std::chrono::steady_clock::time_point down_until_{};
  std::chrono::milliseconds backoff_{0};
  long long segments_shared_ = 0;
};

}  // namespace forecourt::db
