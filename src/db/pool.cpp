#include "db/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <span>

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
                   std::chrono::steady_clock::now() >= down_until_, segments_shared_};
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

asio::awaitable<std::optional<PooledConnection>> PgPool::acquire_now() {
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
    auto opened = co_await open();
    co_return PooledConnection(this, std::move(opened));
  }
  co_return std::nullopt;
}

asio::awaitable<std::optional<PooledConnection>> PgPool::wait_for(
    const std::shared_ptr<Waiter>& waiter) {
  waiter->timer.expires_after(acquire_timeout_);
  waiters_.push_back(waiter);
  for (;;) {
    co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    // A rider waits for the round trip it was taken into; that trip's Deadline bounds it.
    if (!waiter->riding || waiter->outcome || waiter->failure) break;
  }
  std::erase(waiters_, waiter);
  if (waiter->riding) co_return std::nullopt;
  if (waiter->conn) co_return PooledConnection(this, std::move(waiter->conn));
  if (waiter->slot) {
    auto opened = co_await open();
    co_return PooledConnection(this, std::move(opened));
  }
  throw DbUnavailable("no database connection became free in time");
}

asio::awaitable<PooledConnection> PgPool::acquire() {
  auto now = co_await acquire_now();
  if (now) co_return std::move(*now);
  auto waiter = std::make_shared<Waiter>(io_);
  auto waited = co_await wait_for(waiter);
  co_return std::move(*waited);
}

std::vector<std::shared_ptr<PgPool::Waiter>> PgPool::claim_riders() {
  std::vector<std::shared_ptr<Waiter>> riders;
  for (auto it = waiters_.begin();
       it != waiters_.end() && riders.size() + 1 < kMaxSegmentsPerTrip;) {
    auto& w = *it;
    if (w->segment == nullptr || w->conn || w->slot) {
      ++it;
      continue;
    }
    w->riding = true;
    // Its acquire timeout no longer applies: wake it only when its outcome is in.
    w->timer.expires_at(asio::steady_timer::time_point::max());
    riders.push_back(std::move(w));
    it = waiters_.erase(it);
  }
  return riders;
}

namespace {

std::vector<PgResult> results_of(SegmentOutcome& outcome) {
  if (outcome.error) throw *outcome.error;  // NOLINT(cert-err60-cpp): carries strings by design
  return std::move(outcome.results);
}

}  // namespace

asio::awaitable<std::vector<PgResult>> PgPool::run_segment(std::vector<Query> segment) {
  auto conn = co_await acquire_now();
  if (!conn) {
    auto waiter = std::make_shared<Waiter>(io_);
    waiter->segment = &segment;
    auto waited = co_await wait_for(waiter);
    if (!waited) {  // it rode another waiter's round trip
      if (waiter->failure) std::rethrow_exception(waiter->failure);
      co_return results_of(*waiter->outcome);
    }
    conn.emplace(std::move(*waited));
  }
  auto riders = claim_riders();
  segments_shared_ += static_cast<long long>(riders.size());
  std::vector<std::span<const Query>> segments;
  segments.reserve(riders.size() + 1);
  segments.emplace_back(segment);
  for (const auto& r : riders) segments.emplace_back(*r->segment);
  std::vector<SegmentOutcome> outcomes;
  std::exception_ptr failure;
  try {
    outcomes = co_await (*conn)->execute_segments(segments);
  } catch (const DbUnavailable&) {
    on_connection_lost();
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  conn.reset();  // back to the pool (or dropped if broken) before anyone resumes
  for (std::size_t i = 0; i < riders.size(); ++i) {
    if (failure) {
      riders[i]->failure = failure;
    } else {
      riders[i]->outcome = std::move(outcomes[i + 1]);
    }
    riders[i]->timer.cancel();
  }
  if (failure) std::rethrow_exception(failure);
  co_return results_of(outcomes.front());
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
