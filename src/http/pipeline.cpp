#include "http/pipeline.hpp"

#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <random>

#include "core/log.hpp"
#include "db/pg.hpp"
#include "http/auth.hpp"
#include "http/body_validation.hpp"
#include "http/error_format.hpp"
#include "http/errors.hpp"
#include "http/params.hpp"
#include "http/rate_limit.hpp"
#include "http/waf.hpp"
#include "redis/client.hpp"

namespace forecourt::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

asio::awaitable<Response> Pipeline::run(std::size_t i, Request& req) const {
  if (i >= stages_.size()) co_return co_await terminal_(req);
  // cppcheck-suppress containerOutOfBounds ; cppcheck 2.10 reads co_return as falling through
  const Middleware& stage = stages_.at(i);
  co_return co_await stage(req, [this, i](Request& r) { return run(i + 1, r); });
}

// cppcheck-suppress passedByValue ; a coroutine keeps its own copy (the caller's may be a
// temporary)
asio::awaitable<Response> Pipeline::refuse(Request& req, HttpError error) const {
  co_return co_await run_outer(0, req, error);
}

asio::awaitable<Response> Pipeline::run_outer(std::size_t i, Request& req,
                                              const HttpError& error) const {
  if (i >= outer_ || i >= stages_.size())
    throw error;  // NOLINT(cert-err60-cpp): carries strings by design
  // cppcheck-suppress containerOutOfBounds ; as in run()
  const Middleware& stage = stages_.at(i);
  co_return co_await stage(req,
                           [this, i, &error](Request& r) { return run_outer(i + 1, r, error); });
}

// ---------------------------------------------------------------- request id
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string make_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t hi = rng();
  std::uint64_t lo = rng();
  // UUID v4 layout, so log tooling that expects UUIDs is happy.
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[37];
  (void)std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                      static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                      static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                      static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

namespace {

asio::awaitable<Response> request_id_stage(Request& req, const Next& next) {
  auto incoming = req.header("X-Request-ID");
  req.request_id = acceptable_request_id(incoming) ? std::string(incoming) : make_request_id();
  Response res = co_await next(req);
  res.set("X-Request-ID", req.request_id);
  co_return res;
}

// ---------------------------------------------------------------- access log
asio::awaitable<Response> access_log_stage(Request& req, const Next& next) {
  Response res = co_await next(req);
  auto level = res.result_int() >= 500 ? log::Level::error : log::Level::info;
  if (!log::enabled(level)) co_return res;  // don't build a record nobody writes
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - req.started)
                    .count();
  boost::json::object f{
      {"method", bhttp::to_string(req.method())},
      {"path", req.path},
      {"status", res.result_int()},
      {"bytes", res.body().size()},
      {"latency_us", micros},
      {"request_id", req.request_id},
      {"ip", req.client_ip},
  };
  if (!req.caller.user_id.empty()) f["user_id"] = req.caller.user_id;
  if (req.cache_hit) f["cache"] = *req.cache_hit ? "hit" : "miss";
  if (req.route != nullptr) f["route"] = req.route->path;
  log::write(level, "request", std::move(f));
  co_return res;
}

// ---------------------------------------------------------------- security headers
asio::awaitable<Response> security_headers_stage(Request& req, const Next& next,
                                                 const Config& config) {
  Response res = co_await next(req);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "strict-origin-when-cross-origin");
  res.set("X-Frame-Options", "DENY");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  if (res.find("Content-Security-Policy") == res.end()) {
    // API responses are data, never documents: nothing may load or frame them.
    res.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
  // HSTS only over TLS: our own https URL, or a trusted proxy that says it terminated TLS.
  if (config.public_base_url.starts_with("https://") || forwarded_https(req)) {
    res.set(bhttp::field::strict_transport_security, "max-age=31536000; includeSubDomains");
  }
  co_return res;
}

// ---------------------------------------------------------------- CORS
constexpr std::string_view kCorsAllowHeaders =
    "Authorization, Content-Type, apikey, X-Client-Info, X-Supabase-Api-Version, Idempotency-Key, "
    "X-Request-ID, If-None-Match, Prefer, x-upsert, cache-control, x-metadata, X-CSRF-Token";
constexpr std::string_view kCorsExposeHeaders =
    "X-Request-ID, ETag, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, "
    "X-Supabase-Api-Version, Idempotent-Replayed, X-Total-Count, Link, Content-Disposition";

bool origin_allowed(const Config& config, std::string_view origin) {
  for (const auto& o : config.allowed_origins) {
    if (o == origin || (o == "*" && config.environment != "production")) return true;
  }
  return false;
}

asio::awaitable<Response> cors_stage(Request& req, const Next& next, const Config& config) {
  auto origin = req.header("Origin");
  bool preflight =
      req.method() == Verb::options && !req.header("Access-Control-Request-Method").empty();
  if (origin.empty()) co_return co_await next(req);
  bool allowed = origin_allowed(config, origin);
  if (preflight) {
    if (!allowed) {
      // Before the error boundary in the chain, so the error response is built here.
      co_return error_response(
          HttpError(403, "cors_origin_denied",
                    "Origin '" + std::string(origin) + "' is not in ALLOWED_ORIGINS."),
          req.request_id);
    }
    Response res = empty_response(204);
    res.set(bhttp::field::access_control_allow_origin, origin);
    res.set(bhttp::field::access_control_allow_methods,
            "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    res.set(bhttp::field::access_control_allow_headers, kCorsAllowHeaders);
    res.set(bhttp::field::access_control_allow_credentials, "true");
    res.set(bhttp::field::access_control_max_age, "600");
    res.set(bhttp::field::vary,
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    co_return res;
  }
  Response res = co_await next(req);
  res.set(bhttp::field::vary, "Origin");
  if (allowed) {
    res.set(bhttp::field::access_control_allow_origin, origin);
    res.set(bhttp::field::access_control_allow_credentials, "true");
    res.set(bhttp::field::access_control_expose_headers, kCorsExposeHeaders);
  }
  co_return res;
}

// ---------------------------------------------------------------- error boundary
asio::awaitable<Response> error_boundary_stage(Request& req, const Next& next) {
  std::exception_ptr failure;
  try {
    co_return co_await next(req);
  } catch (...) {
    failure = std::current_exception();
  }
  co_return error_response(failure, req);
}

// ---------------------------------------------------------------- routing + params
asio::awaitable<Response> route_stage(Request& req, const Next& next, const Router& router) {
  auto match = router.match(req.method(), req.path);
  if (match.route == nullptr) {
    if (match.allowed.empty()) throw not_found("No route matches " + req.path + ".");
    if (req.method() == Verb::options) {
      Response res = empty_response(204);
      res.set(bhttp::field::allow, Router::allow_header(match.allowed));
      co_return res;
    }
    throw method_not_allowed(Router::allow_header(match.allowed));
  }
  req.route = match.route;
  req.path_params = std::move(match.path_params);
  if (auto errors = validate_params(*req.route, req); !errors.empty())
    throw HttpError(std::move(errors));
  co_return co_await next(req);
}

// ---------------------------------------------------------------- ETag + 304
std::string cache_control_for(const Request& req) {
  if (req.route == nullptr) return "no-store";
  switch (req.route->cache) {
    case CachePolicy::no_store:
      return "no-store";
    case CachePolicy::revalidate:
      return "no-cache";
    case CachePolicy::public_short:
      return "public, max-age=60";
  }
  return "no-cache";
}

asio::awaitable<Response> conditional_stage(Request& req, const Next& next) {
  Response res = co_await next(req);
  bool cacheable_method = req.method() == Verb::get || req.method() == Verb::head;
  if (!cacheable_method || res.result_int() != 200) co_return res;
  if (res.find(bhttp::field::cache_control) == res.end())
    res.set(bhttp::field::cache_control, cache_control_for(req));
  if (req.route != nullptr && req.route->cache == CachePolicy::no_store) co_return res;
  if (res.find(bhttp::field::etag) == res.end())
    res.set(bhttp::field::etag, strong_etag(res.body()));
  auto inm = req.header("If-None-Match");
  if (!inm.empty() && etag_matches(inm, res[bhttp::field::etag])) {
    Response not_modified = empty_response(304);
    for (auto name : {bhttp::field::etag, bhttp::field::cache_control, bhttp::field::vary}) {
      if (auto it = res.find(name); it != res.end()) not_modified.set(name, it->value());
    }
    co_return not_modified;
  }
  co_return res;
}

// ---------------------------------------------------------------- ?view=compact
asio::awaitable<Response> compact_stage(Request& req, const Next& next) {
  Response res = co_await next(req);
  if (req.params.string("view") != "compact" || res.result_int() != 200) co_return res;
  auto ct = res[bhttp::field::content_type];
  if (!ct.starts_with("application/json")) co_return res;
  res.body() = compact_body(
      res.body(), req.route != nullptr ? req.route->compact_fields : std::vector<std::string>{});
  co_return res;
}

asio::awaitable<Response> dispatch(Request& req) { co_return co_await req.route->handler(req); }

boost::json::object compact_item(const boost::json::object& item,
                                 const std::vector<std::string>& fields) {
  boost::json::object out;
  if (!fields.empty()) {
    for (const auto& f : fields) {
      if (auto it = item.find(f); it != item.end()) out[f] = it->value();
    }
    return out;
  }
  for (const auto& kv : item) {
    const auto& v = kv.value();
    bool empty = v.is_null() || (v.is_array() && v.get_array().empty()) ||
                 (v.is_object() && v.get_object().empty());
    if (!empty) out[kv.key()] = v;
  }
  return out;
}

}  // namespace

std::string strong_etag(std::string_view body) {
  // An ETag only has to tell versions of one resource apart, not resist forgery: a 64-bit
  // non-cryptographic hash plus the length does that, at ~1/30 of SHA-256's cost (which
  // was a fifth of the CPU of a one-row read, measured with callgrind; bench/README.md).
  // libstdc++'s hash of bytes is unseeded, so every process computes the same tag.
  std::size_t hash = std::hash<std::string_view>{}(body);
  std::array<char, 20> digits{};
  std::string tag = "\"";
  tag.append(digits.data(), std::to_chars(digits.begin(), digits.end(), hash, 16).ptr);
  tag += '-';
  tag.append(digits.data(), std::to_chars(digits.begin(), digits.end(), body.size(), 16).ptr);
  tag += '"';
  return tag;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  auto strip_weak = [](std::string_view t) { return t.starts_with("W/") ? t.substr(2) : t; };
  auto target = strip_weak(etag);
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    auto tag = if_none_match.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*" || strip_weak(tag) == target) return true;  // weak comparison (RFC 9110 §13.1.2)
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

std::string compact_body(std::string_view json_body, const std::vector<std::string>& fields) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(json_body, ec);
  if (ec || !doc.is_object()) return std::string(json_body);
  auto& obj = doc.get_object();
  if (auto it = obj.find("data"); it != obj.end()) {
    if (it->value().is_array()) {
      for (auto& item : it->value().get_array()) {
        if (item.is_object()) item = compact_item(item.get_object(), fields);
      }
    } else if (it->value().is_object()) {
      it->value() = compact_item(it->value().get_object(), fields);
    }
  }
  obj.erase("links");
  return boost::json::serialize(doc);
}

Response error_response(const HttpError& error, std::string_view request_id) {
  Response res = json_response(error.status(), error_document(error.errors(), request_id));
  res.set(bhttp::field::content_type, "application/vnd.api+json");
  res.set(bhttp::field::cache_control, "no-store");
  for (const auto& [name, value] : error.headers()) res.set(name, value);
  return res;
}

namespace {
// Any failure as the HttpError it means for the client; unexpected ones are logged here.
HttpError as_http_error(const std::exception_ptr& failure, const Request& req);
}  // namespace

// The one error mapping; http/error_format.hpp decides how each route family writes it.
Response error_response(std::exception_ptr failure, const Request& req) {
  const HttpError error = as_http_error(failure, req);
  if (error_format_for(req.path) == ErrorFormat::gotrue) return gotrue_error_response(req, error);
  return error_response(error, req.request_id);
}

namespace {
HttpError as_http_error(const std::exception_ptr& failure, const Request& req) {
  try {
    std::rethrow_exception(failure);
  } catch (const HttpError& e) {
    return e;
  } catch (const db::DbUnavailable& e) {
    log::warn("database unavailable", {{"request_id", req.request_id}, {"error", e.what()}});
    return unavailable("database_unavailable", "The database is unavailable; retry shortly.", 1);
  } catch (const db::DbError& e) {
    const auto& state = e.sqlstate();
    if (state == "42501") return {403, "forbidden", "You are not allowed to do that."};
    if (state == "23505")
      return {409, "conflict", "A record with the same unique value already exists."};
    if (state == "23503")
      return {409, "reference_conflict", "A referenced record does not exist or is still in use."};
    if (state == "23514" || state == "23502" || state == "22P02" || state == "22003" ||
        state == "22007" || state == "22008" || state == "P0001") {
      return {422, "constraint_violation", e.what()};
    }
    if (state == "FC409") return {409, "conflict", e.what()};  // our own business-rule code
    if (state == "57014" || state == "40001" || state == "40P01" || state == "55P03") {
      return unavailable("database_busy", "The database could not finish in time; retry shortly.",
                         1);
    }
    log::error("database error",
               {{"request_id", req.request_id}, {"sqlstate", state}, {"error", e.what()}});
  } catch (const redis::RedisUnavailable& e) {
    log::error("redis failure escaped a handler",
               {{"request_id", req.request_id}, {"error", e.what()}});
  } catch (const std::exception& e) {
    log::error("unhandled exception",
               {{"request_id", req.request_id}, {"error", e.what()}, {"path", req.path}});
  } catch (...) {
    log::error("unhandled non-standard exception",
               {{"request_id", req.request_id}, {"path", req.path}});
  }
  return {500, "internal_error",
          "Something went wrong on our side; the request ID identifies it in our logs."};
}
}  // namespace

Pipeline build_pipeline(const Config& config, const Router& router) {
  const Config* cfg = &config;
  const Router* r = &router;
  auto rate_limits = make_rate_limit_stages(config);
  std::vector<Middleware> stages = {
      request_id_stage,
      make_forwarded_stage(config),
      access_log_stage,
      [cfg](Request& req, const Next& next) { return security_headers_stage(req, next, *cfg); },
      rate_limits.edge,  // charges what is refused before the routed stage below
      [cfg](Request& req, const Next& next) { return cors_stage(req, next, *cfg); },
      error_boundary_stage,
      // ---- the stages above are the outer ones that Pipeline::refuse runs too
      make_waf_stage(config),
      [r](Request& req, const Next& next) { return route_stage(req, next, *r); },
      auth_stage,          // needs req.route (access, sensitive); see http/auth.hpp
      rate_limits.routed,  // after auth: keyed by the user when signed in
      make_body_validation_stage(router),
      conditional_stage,
      compact_stage,
  };
  constexpr std::size_t kOuterStages = 7;  // request id ... error boundary
  return {std::move(stages), dispatch, kOuterStages};
}

}  // namespace forecourt::http
