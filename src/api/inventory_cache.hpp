#pragma once
// Response caching for the public inventory routes (search, lists, suggestions, stats, and
// the vehicle pages).
//
// Keys carry the inventory version (public.inventory_version(), bumped by a statement
// trigger on vehicles/media/specs and announced with NOTIFY forecourt_inventory at COMMIT),
// so an edit is visible on the next request instead of after the TTL. The version comes
// from a LISTEN connection held by one background thread per process: the notification
// arrives only once the change is committed, whereas reading the sequence directly could
// see a bump from a transaction still in flight and cache old rows under the new version.
// While the listener is not connected (start-up, database restart) nothing is cached or
// served from cache: responses come straight from PostgreSQL, correct and only slower.
//
// Two tiers: the per-thread TtlCache (Services::local_cache) in front of Redis. Redis down
// = RedisUnavailable swallowed, the local tier and PostgreSQL still answer.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "http/types.hpp"

namespace forecourt::api {

// The committed inventory version, or nullopt while it is unknown (listener down).
// Starts the listener thread on first use.
std::optional<long long> committed_inventory_version(const std::string& database_url);

struct CachedBody {
  std::string etag;  // strong ETag of `body`
  std::string body;  // the full (non-compact) JSON document
};

// Serves `key` from the caches when possible, otherwise runs `build` (which returns the
// JSON body), stores it and serves it. The response carries the body's ETag so the
// conditional stage answers If-None-Match with 304 without hashing it again.
// Pass `build` as a named BodyBuilder variable: g++ 12 destroys a temporary converted to a
// coroutine's parameter twice. `ttl` must stay below storage::kMediaUrlTtl for bodies that embed
// signed URLs.
boost::asio::awaitable<http::Response> cached_json_response(
    http::Request& req, const std::string& key, std::chrono::seconds ttl,
    const std::function<boost::asio::awaitable<std::string>()>& build);

using BodyBuilder = std::function<boost::asio::awaitable<std::string>()>;

}  // namespace forecourt::api
