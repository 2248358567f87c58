#pragma once
// Rate limits: GCRA (generic cell rate algorithm) in one Redis Lua script, so every
// Forecourt process sharing the Redis shares each caller's budget.
//
// Why GCRA: a caller's state is one integer (the "theoretical arrival time") per key, so
// memory is O(1) per caller where a sliding-window log needs one entry per request; it
// spreads the budget evenly (no 2x burst at a fixed window's edge); and remaining/reset
// fall out of the same arithmetic that decides, in one atomic script with the clock taken
// from Redis (TIME), so servers with skewed clocks still agree.
//
// Keys: the user id when the caller is authenticated, else the client IP. Limits per
// minute come from the route's rate_class (see limits_for). Every response carries
// RateLimit-Limit/Remaining/Reset (except for unlimited classes: health); a refusal is 429
// with Retry-After. Two stages share the state: the routed one (after auth) decides for
// requests that reach it; the edge one (outside CORS and the error boundary) charges every
// request refused before that — unknown paths, 405, WAF, parameter and auth refusals, the
// server's 408/413/414/431 — to the default budget (the route's class once routed).
// Redis down: each process falls back to its own in-memory GCRA (logged once), and the
// API keeps serving.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "http/pipeline.hpp"

namespace forecourt::http {

struct RateLimit {
  long long per_minute = 0;  // 0 = unlimited (no headers either)
};

// The limit of a route class for an anonymous or authenticated caller, after
// RATE_LIMIT_MULTIPLIER. With the default bases (RATE_LIMIT_ANON_PER_MIN=60,
// RATE_LIMIT_AUTH_PER_MIN=300): default 60/300, read 240/1200, search 120/600 (the §15
// overrides), auth 10/10 and lead 5/20 (credential and lead forms), static 600/3000,
// health unlimited.
RateLimit limits_for(const Config& config, std::string_view rate_class, bool authenticated);

struct RateDecision {
  bool allowed = true;
  long long limit = 0;
  long long remaining = 0;
  long long reset_seconds = 0;        // until the whole budget is back
  long long retry_after_seconds = 0;  // when refused
};

// The GCRA step on a TAT in milliseconds (pure; the Lua script does the same arithmetic).
// Updates `tat_ms` when the request is allowed.
RateDecision gcra(long long& tat_ms, long long now_ms, long long limit, long long period_ms);

struct RateLimitStages {
  Middleware edge;    // outside CORS and the error boundary: charges early refusals
  Middleware routed;  // after auth: keyed by the user when signed in
};
RateLimitStages make_rate_limit_stages(const Config& config);

// The Lua source, for tests and for operators reading SCRIPT LIST.
std::string_view rate_limit_script();

}  // namespace forecourt::http
