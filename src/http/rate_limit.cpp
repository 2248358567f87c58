#include "http/rate_limit.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "app/services.hpp"
#include "core/log.hpp"
#include "http/errors.hpp"
#include "redis/client.hpp"

namespace forecourt::http {
namespace asio = boost::asio;

namespace {

constexpr long long kPeriodMs = 60'000;

// KEYS[1] = the caller's key; ARGV[1] = limit per period; ARGV[2] = period in ms.
// Returns {allowed 0/1, remaining, reset_ms, retry_after_ms}. Same arithmetic as gcra().
constexpr std::string_view kScript = R"lua(
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local interval = period / limit
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if now < allow_at then
  return {0, 0, math.ceil(tat - now), math.ceil(allow_at - now)}
end
redis.call('SET', KEYS[1], string.format('%d', math.ceil(new_tat)), 'PX', math.ceil(new_tat - now))
local remaining = math.floor((period - (new_tat - now)) / interval)
return {1, remaining, math.ceil(new_tat - now), 0}
)lua";

// EVALSHA needs the script's SHA-1 (Redis' own script cache key, not a security use).
std::string sha1_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xF];
  }
  return out;
}

long long ceil_seconds(long long ms) { return (ms + 999) / 1000; }

// The fallback while Redis is away: the same GCRA per process (a mutex: only this path).
class LocalLimiter {
 public:
  RateDecision take(const std::string& key, long long limit) {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
    std::lock_guard lock(mutex_);
    if (tats_.size() > 100'000) {
      std::erase_if(tats_, [now](const auto& kv) { return kv.second < now; });
    }
    auto [it, fresh] = tats_.try_emplace(key, now);
    return gcra(it->second, now, limit, kPeriodMs);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, long long> tats_;
};

struct State {
  const Config* config = nullptr;
  std::string script_sha;
  LocalLimiter local;
  std::atomic<bool> on_fallback{false};
};

asio::awaitable<RateDecision> take_from_redis(Services& services, State& state,
                                              const std::string& key, long long limit) {
  std::vector<std::string> args{"EVALSHA", state.script_sha,      "1",
                                key,       std::to_string(limit), std::to_string(kPeriodMs)};
  auto reply = co_await services.redis.command(args);
  if (reply.is_error() && reply.str.starts_with("NOSCRIPT")) {
    args[0] = "EVAL";
    args[1] = std::string(kScript);
    reply = co_await services.redis.command(std::move(args));
  }
  if (reply.is_error() || reply.elements.size() != 4)
    throw redis::RedisUnavailable("rate limit script failed: " + reply.str);
  RateDecision d;
  d.limit = limit;
  d.allowed = reply.elements[0].integer == 1;
  d.remaining = reply.elements[1].integer;
  d.reset_seconds = ceil_seconds(reply.elements[2].integer);
  d.retry_after_seconds = std::max(1LL, ceil_seconds(reply.elements[3].integer));
  if (d.allowed) d.retry_after_seconds = 0;
  co_return d;
}

asio::awaitable<RateDecision> take(Request& req, State& state, const std::string& key,
                                   long long limit) {
  bool redis_ok = req.services != nullptr && !state.config->redis_url.empty();
  if (redis_ok) {
    try {
      auto d = co_await take_from_redis(*req.services, state, key, limit);
      if (state.on_fallback.exchange(false))
        log::info("rate limits: Redis is back, budgets are shared again", {});
      co_return d;
    } catch (const redis::RedisUnavailable& e) {
      if (!state.on_fallback.exchange(true)) {
        log::warn("rate limits: Redis unavailable, limiting per process until it is back",
                  {{"error", e.what()}});
      }
    }
  }
  co_return state.local.take(key, limit);
}

void set_headers(Response& res, const RateDecision& d) {
  res.set("RateLimit-Limit", std::to_string(d.limit));
  res.set("RateLimit-Remaining", std::to_string(d.remaining));
  res.set("RateLimit-Reset", std::to_string(d.reset_seconds));
}

HttpError too_many(const RateDecision& decision) {
  HttpError refused(
      429, "rate_limited",
      "Too many requests: retry in " + std::to_string(decision.retry_after_seconds) + " seconds.");
  refused.with_header("Retry-After", std::to_string(decision.retry_after_seconds))
      .with_header("RateLimit-Limit", std::to_string(decision.limit))
      .with_header("RateLimit-Remaining", "0")
      .with_header("RateLimit-Reset", std::to_string(decision.reset_seconds));
  return refused;
}

// The caller's decision for the request's route class (default before routing); nullopt
// when the class is unlimited or limits are off.
asio::awaitable<std::optional<RateDecision>> decide(Request& req, State& state) {
  const auto& rate_class = req.route != nullptr ? req.route->rate_class : std::string("default");
  bool authenticated = !req.caller.user_id.empty();
  auto limit = limits_for(*state.config, rate_class, authenticated);
  if (!state.config->rate_limit_enabled || limit.per_minute == 0) co_return std::nullopt;
  // Hash tag {...} keeps one caller's keys on one Redis Cluster slot.
  std::string key = "rl:{" + (authenticated ? "u:" + req.caller.user_id : "ip:" + req.client_ip) +
                    "}:" + rate_class + ":" + std::to_string(limit.per_minute);
  co_return co_await take(req, state, key, limit.per_minute);
}

asio::awaitable<Response> rate_limit_stage(Request& req, const Next& next, State& state) {
  auto decided = co_await decide(req, state);
  if (!decided) co_return co_await next(req);
  const RateDecision decision = *decided;
  if (!decision.allowed) throw too_many(decision);
  Response res;
  try {
    res = co_await next(req);
  } catch (...) {
    // Errors get the headers too: render them here with the one error mapping.
    res = error_response(std::current_exception(), req);
  }
  set_headers(res, decision);
  co_return res;
}

// Requests refused before the routed stage decided (unknown path, 405, WAF, parameter and
// auth refusals, the server's 4xx for unreadable requests) count against the caller's
// budget for the route's class (default when unrouted) and carry the same headers, so a
// scanner probing unknown paths meets 429 like any other caller. A response that has the
// headers was decided by the routed stage; one without them either never reached it, or
// its class is unlimited (health), which decide() says again here: nothing is charged twice.
asio::awaitable<Response> edge_rate_limit_stage(Request& req, const Next& next, State& state) {
  Response res = co_await next(req);
  if (res.find("RateLimit-Limit") != res.end()) co_return res;
  std::optional<RateDecision> decided;
  try {
    decided = co_await decide(req, state);
  } catch (const std::exception& e) {
    log::warn("rate limits: no decision for a refused request", {{"error", e.what()}});
  }
  if (!decided) co_return res;
  if (!decided->allowed) co_return error_response(too_many(*decided), req.request_id);
  set_headers(res, *decided);
  co_return res;
}

}  // namespace

RateLimit limits_for(const Config& config, std::string_view rate_class, bool authenticated) {
  // Classes scale the two configured base limits, so one setting moves them all.
  const long long anon = config.rate_limit_anonymous_per_min;
  const long long auth = config.rate_limit_authenticated_per_min;
  long long base = authenticated ? auth : anon;
  if (rate_class == "health" || rate_class == "none") return RateLimit{0};
  if (rate_class == "read") {
    base *= 4;  // vehicle pages and catalogue reads (§15: looser)
  } else if (rate_class == "search") {
    base *= 2;  // /inventory/search (§15: looser, but each one is a real query)
  } else if (rate_class == "static") {
    base *= 10;  // docs UI assets: a page load fetches several
  } else if (rate_class == "auth") {
    base = std::max(1LL, authenticated ? auth / 30 : anon / 6);  // credential guessing: 10/min
  } else if (rate_class == "lead") {
    base = std::max(1LL, authenticated ? auth / 15 : anon / 12);  // lead forms: 5/min, 20/min
  }
  return RateLimit{
      static_cast<long long>(static_cast<double>(base) * config.rate_limit_multiplier)};
}

RateDecision gcra(long long& tat_ms, long long now_ms, long long limit, long long period_ms) {
  // interval = period / limit, in fractional ms (kept exact by scaling with limit).
  RateDecision d;
  d.limit = limit;
  auto tat = std::max(tat_ms, now_ms);
  // new_tat = tat + period/limit; allow_at = new_tat - period.
  double interval = static_cast<double>(period_ms) / static_cast<double>(limit);
  double new_tat = static_cast<double>(tat) + interval;
  double allow_at = new_tat - static_cast<double>(period_ms);
  if (static_cast<double>(now_ms) < allow_at) {
    d.allowed = false;
    d.remaining = 0;
    d.reset_seconds = ceil_seconds(tat - now_ms);
    d.retry_after_seconds = std::max(
        1LL, ceil_seconds(static_cast<long long>(allow_at - static_cast<double>(now_ms) + 0.999)));
    return d;
  }
  tat_ms = static_cast<long long>(new_tat + 0.999);
  double used = new_tat - static_cast<double>(now_ms);
  d.remaining = static_cast<long long>((static_cast<double>(period_ms) - used) / interval);
  d.reset_seconds = ceil_seconds(static_cast<long long>(used + 0.999));
  return d;
}

std::string_view rate_limit_script() { return kScript; }

RateLimitStages make_rate_limit_stages(const Config& config) {
  auto state = std::make_shared<State>();
  state->config = &config;
  state->script_sha = sha1_hex(kScript);
  return RateLimitStages{
      [state](Request& req, const Next& next) { return edge_rate_limit_stage(req, next, *state); },
      [state](Request& req, const Next& next) { return rate_limit_stage(req, next, *state); }};
}

}  // namespace forecourt::http
