#include "db/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"

namespace forecourt::db {
namespace asio = boost::asio;

PooledConnection::~PooledConnection() {
  try {
    if (conn_ && pool_ != nullptr) pool_->release(std::move(conn_));
  } catch (...) {
    // Out of memory while queueing it: the connection is simply closed.
  }
}

PgPool::PgPool(asio::io_context& io, PgSettings settings, int max_size,
               std::chrono::milliseconds acquire_timeout)
    : io_(io),
      settings_(std::move(settings)),
      max_size_(max_size),
      acquire_timeout_(acquire_timeout) {}

PoolStats PgPool::stats() const {
  return PoolStats{size_, static_cast<int>(idle_.size()), static_cast<int>(waiters_.size()),
                   std::chrono::steady_clock::now() >= down_until_};
}

void PgPool::note_down() {
  backoff_ = backoff_.count() == 0 ? std::chrono::milliseconds(100)
                                   : std::min(backoff_ * 2, std::chrono::milliseconds(5000));
  down_until_ = std::chrono::steady_clock::now() + backoff_;
}

void PgPool::on_connection_lost() {
  size_ -= static_cast<int>(idle_.size());
  idle_.clear();
  note_down();
}

asio::awaitable<std::unique_ptr<PgConnection>> PgPool::open() {
  auto conn = std::make_unique<PgConnection>(io_.get_executor(), settings_);
  try {
    co_await conn->connect();
  } catch (const DbUnavailable& e) {
    --size_;
    bool was_up = backoff_.count() == 0;
    note_down();
    if (was_up)
      log::warn("database unreachable", {{"error", e.what()}, {"retry_in_ms", backoff_.count()}});
    throw;
  }
  if (backoff_.count() != 0) log::info("database reachable again");
  backoff_ = std::chrono::milliseconds(0);
  co_return conn;
}

asio::awaitable<PooledConnection> PgPool::acquire() {
  // Most recently used first (LIFO, like PgBouncer): below full load the same few
  // connections serve, and theirs are the backends whose prepared statements, catalog
  // caches and mapped shared buffers are warm. A backend's first touch of each 8 KB shared
  // buffer is a page fault (no huge pages here): a first Camry search in a fresh backend
  // took 324 ms against 22 ms the second time (bench/README.md).
  while (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->idle_outside_tx()) co_return PooledConnection(this, std::move(conn));
    --size_;
  }
  if (std::chrono::steady_clock::now() < down_until_) {
    throw DbUnavailable("database is unavailable; retrying in the background");
  }
  if (size_ < max_size_) {
    ++size_;
    co_return PooledConnection(this, co_await open());
  }
  auto waiter = std::make_shared<Waiter>(io_);
  waiter->timer.expires_after(acquire_timeout_);
  waiters_.push_back(waiter);
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  std::erase(waiters_, waiter);
  if (waiter->conn) co_return PooledConnection(this, std::move(waiter->conn));
  if (waiter->slot) co_return PooledConnection(this, co_await open());
  throw DbUnavailable("no database connection became free in time");
}

asio::awaitable<void> PgPool::warm_up(int count) {
  while (size_ < std::min(count, max_size_) && std::chrono::steady_clock::now() >= down_until_) {
    ++size_;
    try {
      release(co_await open());
    } catch (const DbUnavailable&) {
      co_return;  // open() logged it and set the backoff
    }
  }
}

void PgPool::release(std::unique_ptr<PgConnection> conn) {
  // A connection still inside a transaction (or broken) must never reach another request:
  // that is how a role or claims could leak between requests.
  bool reusable = conn->idle_outside_tx();
  if (!reusable) {
    conn.reset();
    --size_;
  }
  while (!waiters_.empty()) {
    auto waiter = waiters_.front();
    waiters_.pop_front();
    if (waiter->conn || waiter->slot) continue;
    if (reusable) {
      waiter->conn = std::move(conn);
    } else {
      ++size_;
      waiter->slot = true;
    }
    waiter->timer.cancel();
    return;
  }
  if (reusable) idle_.push_back(std::move(conn));
}

}  // namespace forecourt::db
