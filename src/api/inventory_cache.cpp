#include "api/inventory_cache.hpp"

#include <libpq-fe.h>
#include <sys/select.h>

#include <atomic>
#include <boost/beast/http/field.hpp>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "app/services.hpp"
#include "core/digest.hpp"
#include "core/log.hpp"
#include "http/pipeline.hpp"
#include "redis/client.hpp"

namespace forecourt::api {
namespace asio = boost::asio;

namespace {

// One background thread with a blocking libpq connection that LISTENs for version bumps.
// Blocking is fine here: it is not an I/O thread, and it only ever waits on one socket.
class InventoryVersionListener {
 public:
  explicit InventoryVersionListener(std::string url)
      : url_(std::move(url)), thread_([this](const std::stop_token& st) { run(st); }) {}

  [[nodiscard]] std::optional<long long> current() const {
    long long v = version_.load(std::memory_order_acquire);
    if (v < 0) return std::nullopt;
    return v;
  }

 private:
  void run(const std::stop_token& st) {
    while (!st.stop_requested()) {
      PGconn* conn = PQconnectdb(url_.c_str());
      if (PQstatus(conn) == CONNECTION_OK && subscribe(conn)) {
        listen_until_broken(conn, st);
      } else if (!warned_) {
        log::warn("inventory version listener cannot connect; inventory caches are off",
                  {{"error", PQerrorMessage(conn)}});
        warned_ = true;
      }
      version_.store(-1, std::memory_order_release);
      PQfinish(conn);
      for (int i = 0; i < 10 && !st.stop_requested(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // LISTEN first, then read the current value: no bump can fall between the two.
  bool subscribe(PGconn* conn) {
    PGresult* r = PQexec(conn, "LISTEN forecourt_inventory");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return false;
    // authenticator has no privileges of its own; anon may call inventory_version().
    r = PQexec(conn, "set role anon; select public.inventory_version()");
    ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok) raise(std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10));
    PQclear(r);
    if (ok && warned_) log::info("inventory version listener connected", {});
    warned_ = false;
    return ok;
  }

  void listen_until_broken(PGconn* conn, const std::stop_token& st) {
    int fd = PQsocket(conn);
    while (!st.stop_requested()) {
      fd_set set;
      FD_ZERO(&set);
      FD_SET(fd, &set);
      timeval tv{0, 200000};
      int n = select(fd + 1, &set, nullptr, nullptr, &tv);
      if (n < 0 && errno != EINTR) return;
      if (n <= 0) continue;
      if (PQconsumeInput(conn) == 0) return;  // connection lost
      while (PGnotify* note = PQnotifies(conn)) {
        raise(std::strtoll(note->extra, nullptr, 10));
        PQfreemem(note);
      }
    }
  }

  void raise(long long v) {
    long long cur = version_.load(std::memory_order_acquire);
    while (v > cur && !version_.compare_exchange_weak(cur, v, std::memory_order_acq_rel)) {
    }
  }

  std::string url_;
  std::atomic<long long> version_{-1};
  bool warned_ = false;
  std::jthread thread_;  // last: starts after the members above exist
};

std::string encode(const CachedBody& c) { return c.etag + "\n" + c.body; }

std::optional<CachedBody> decode(const std::string& s) {
  auto nl = s.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  return CachedBody{s.substr(0, nl), s.substr(nl + 1)};
}

// By value: a fresh body (~20 KB for a vehicle page) moves into the response.
http::Response respond(const http::Request& req, CachedBody c) {
  auto res = http::json_response(200, std::move(c.body));
  // For operators and tests: whether this body came from a cache tier.
  res.set("X-Cache", req.cache_hit.value_or(false) ? "hit" : "miss");
  // The compact stage rewrites the body after this; its ETag is then computed from it.
  if (!c.etag.empty() && req.params.string("view", "full") != "compact")
    res.set(boost::beast::http::field::etag, c.etag);
  return res;
}

}  // namespace

std::optional<long long> committed_inventory_version(const std::string& database_url) {
  static std::once_flag once;
  static std::unique_ptr<InventoryVersionListener> listener;
  std::call_once(once,
                 [&] { listener = std::make_unique<InventoryVersionListener>(database_url); });
  return listener->current();
}

asio::awaitable<http::Response> cached_json_response(
    http::Request& req, const std::string& key, std::chrono::seconds ttl,
    const std::function<asio::awaitable<std::string>()>& build) {
  Services& services = *req.services;
  std::optional<long long> version;
  if (services.config.cache_enabled)
    version = committed_inventory_version(services.config.database_url);
  if (!version) {
    CachedBody uncached;
    uncached.body = co_await build();
    co_return respond(req, std::move(uncached));
  }

  // Hash the normalised query: bounded key length whatever the filters.
  // The base URL is part of the key: bodies embed absolute media URLs built from it.
  std::string full_key = "fc:inv:" + std::to_string(*version) + ":" +
                         sha256_hex(services.config.public_base_url + " " + key).substr(0, 40);
  if (auto local = services.local_cache.get(full_key)) {
    if (auto c = decode(*local)) {
      req.cache_hit = true;
      co_return respond(req, std::move(*c));
    }
  }
  try {
    std::vector<std::string> get{"GET", full_key};
    auto reply = co_await services.redis.command(std::move(get));
    if (reply.type == redis::Reply::Type::string) {
      if (auto c = decode(reply.str)) {
        services.local_cache.put(full_key, reply.str, ttl);
        req.cache_hit = true;
        co_return respond(req, std::move(*c));
      }
    }
  } catch (const redis::RedisUnavailable&) {
    // Redis is optional: go on to PostgreSQL.
  }

  CachedBody fresh;
  fresh.body = co_await build();
  fresh.etag = http::strong_etag(fresh.body);
  std::string stored = encode(fresh);
  services.local_cache.put(full_key, stored, ttl);
  try {
    std::vector<std::string> set{"SET", full_key, std::move(stored), "EX",
                                 std::to_string(ttl.count())};
    (void)co_await services.redis.command(std::move(set));
  } catch (const redis::RedisUnavailable&) {
  }
  req.cache_hit = false;
  co_return respond(req, std::move(fresh));
}

}  // namespace forecourt::api
