// /meta: liveness, dependency health, and the site configuration the frontend boots with.
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "app/services.hpp"
#include "db/tx.hpp"
#include "http/errors.hpp"
#include "http/route.hpp"
#include "http/waf.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

struct Check {
  explicit Check(std::string n) : name(std::move(n)) {}
  std::string name;
  bool up = false;
  long long latency_us = 0;
  std::string error;
};

long long us_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               t0)
      .count();
}

constexpr std::string_view kPing = "select 1";

asio::awaitable<Check> check_database(Services& s) {
  Check c{"database"};
  auto t0 = std::chrono::steady_clock::now();
  try {
    db::Transaction tx(s.db, db::DbIdentity{}, true);
    co_await tx.query_and_commit(db::Query{kPing, {}});
    c.up = true;
  } catch (const std::exception& e) {
    c.error = e.what();
  }
  c.latency_us = us_since(t0);
  co_return c;
}

asio::awaitable<Check> check_redis(Services& s) {
  Check c{"redis"};
  auto t0 = std::chrono::steady_clock::now();
  try {
    std::vector<std::string> ping{
        "PING"};  // not inline: g++ 12 miscompiles braced lists in co_await
    auto reply = co_await s.redis.command(std::move(ping));
    c.up = !reply.is_error();
    if (!c.up) c.error = reply.str;
  } catch (const std::exception& e) {
    c.error = e.what();
  }
  c.latency_us = us_since(t0);
  co_return c;
}

Check check_storage(const Services& s) {
  // Local storage backend: the files live under the data folder. Writing a probe file is
  // the honest check (a read-only mount or a full disk fails it).
  Check c{"storage"};
  auto t0 = std::chrono::steady_clock::now();
  auto dir = std::filesystem::path(s.config.data_dir) / "storage";
  auto probe = dir / ".health-probe";
  {
    std::ofstream out(probe, std::ios::trunc);
    out << "ok";
    c.up = static_cast<bool>(out.flush());
  }
  std::error_code ec;
  std::filesystem::remove(probe, ec);
  if (!c.up) c.error = "storage folder " + dir.string() + " is missing or not writable";
  c.latency_us = us_since(t0);
  return c;
}

boost::json::object check_json(const Check& c) {
  boost::json::object o{{"status", c.up ? "up" : "down"}, {"latency_us", c.latency_us}};
  if (!c.up) o["error"] = c.error;
  return o;
}

asio::awaitable<Response> get_health(Request& req) {
  auto& s = *req.services;
  std::vector<Check> checks;
  checks.push_back(co_await check_database(s));
  checks.push_back(co_await check_redis(s));
  checks.push_back(check_storage(s));
  boost::json::object by_name;
  std::vector<http::ErrorObject> down;
  for (const auto& c : checks) {
    by_name[c.name] = check_json(c);
    if (!c.up)
      down.push_back({503, "dependency_down", "", c.name + " is down: " + c.error, "", "", ""});
  }
  if (down.empty()) {
    boost::json::object waf;  // refused requests per rule since start (this process)
    for (const auto& [rule, n] : http::waf_counters()) waf[rule] = n;
    boost::json::object data{
        {"status", "ok"}, {"version", FORECOURT_VERSION}, {"checks", by_name}, {"waf", waf}};
    co_return http::json_response(200, boost::json::object{{"data", data}});
  }
  // The error document, with every check under meta so an operator sees the whole picture.
  auto doc = boost::json::parse(http::error_document(down, req.request_id)).as_object();
  doc["meta"].as_object()["checks"] = by_name;
  auto res = http::json_response(503, doc);
  res.set(boost::beast::http::field::content_type, "application/vnd.api+json");
  res.set("Retry-After", "5");
  co_return res;
}

asio::awaitable<Response> get_live(Request&) {
  co_return http::json_response(200, std::string(R"({"data":{"status":"ok"}})"));
}

// Brand/theme, locales and feature flags, as one document built by PostgreSQL.
constexpr std::string_view kSiteConfig = R"sql(
select json_build_object(
  'data', json_build_object(
    'settings', coalesce((select json_object_agg(key, value order by key) from public.site_config where is_public), '{}'::json),
    'feature_flags', coalesce((select json_object_agg(key, enabled order by key) from public.feature_flags), '{}'::json)
  )
)::text as body)sql";

asio::awaitable<Response> get_config(Request& req) {
  auto& s = *req.services;
  const std::string key = "meta:config";
  if (auto cached = s.local_cache.get(key)) {
    req.cache_hit = true;
    co_return http::json_response(200, *cached);
  }
  req.cache_hit = false;
  db::Transaction tx(s.db, db::DbIdentity{}, true);
  auto result = co_await tx.query_and_commit(db::Query{kSiteConfig, {}});
  std::string body(result.text(0, 0));
  s.local_cache.put(key, body, std::chrono::seconds(30));
  co_return http::json_response(200, std::move(body));
}

}  // namespace

void register_meta_routes(http::Router& router) {
  using namespace http;
  const auto error = schemas::error_document();
  router.add(Route{
      .method = Verb::get,
      .path = "/meta/health",
      .handler = get_health,
      .operation_id = "getHealth",
      .summary = "Dependency health",
      .description = "Checks PostgreSQL, Redis and storage, each with status and latency. 200 when "
                     "all are up; 503 naming what is down.",
      .tags = {"meta"},
      .access = Access::public_,
      .responses =
          {
              {200, "Every dependency is up.",
               schemas::envelope(
                   schemas::json(R"({"type":"object","required":["status","checks"],"properties":{
              "status":{"type":"string","enum":["ok"]},"version":{"type":"string"},
              "checks":{"type":"object","additionalProperties":{"type":"object","properties":{
                "status":{"type":"string","enum":["up","down"]},"latency_us":{"type":"integer"},"error":{"type":"string"}}}},
              "waf":{"type":"object","description":"Requests refused by the WAF and the server, per rule, since this process started.","additionalProperties":{"type":"integer","minimum":0}}}})")),
               schemas::json(
                   R"({"data":{"status":"ok","version":"0.1.0","checks":{"database":{"status":"up","latency_us":412},"redis":{"status":"up","latency_us":118},"storage":{"status":"up","latency_us":9}},"waf":{"block_list:0":3,"server:malformed_request":1}}})")},
              {503,
               "At least one dependency is down; each gets an error object, and meta.checks has "
               "them all.",
               error,
               schemas::json(
                   R"({"errors":[{"status":"503","code":"dependency_down","title":"Service Unavailable","detail":"database is down: database is unavailable; retrying in the background"}],"meta":{"request_id":"5f0c6a1e-8a53-4f5e-9d61-2b1f0f6b2a10","checks":{"database":{"status":"down","latency_us":20,"error":"database is unavailable"},"redis":{"status":"up","latency_us":100},"storage":{"status":"up","latency_us":10}}}})")},
          },
      .cache = CachePolicy::no_store,
      .rate_class = "health"});
  router.add(Route{
      .method = Verb::get,
      .path = "/meta/live",
      .handler = get_live,
      .operation_id = "getLiveness",
      .summary = "Liveness probe",
      .description =
          "Answers 200 while the process serves HTTP; checks no dependency (for load balancers).",
      .tags = {"meta"},
      .access = Access::public_,
      .responses =
          {{200, "The process is up.",
            schemas::envelope(schemas::json(
                R"({"type":"object","properties":{"status":{"type":"string","enum":["ok"]}}})")),
            schemas::json(R"({"data":{"status":"ok"}})")}},
      .cache = CachePolicy::no_store,
      .rate_class = "health"});
  router.add(Route{
      .method = Verb::get,
      .path = "/meta/config",
      .handler = get_config,
      .operation_id = "getSiteConfig",
      .summary = "Brand, theme, locales and feature flags",
      .description = "The public site configuration the frontend boots with: brand and theme "
                     "defaults (light/dark), supported locales, and feature flags. Read from the "
                     "database, cached for 30 s.",
      .tags = {"meta"},
      .access = Access::public_,
      .responses =
          {
              {200, "The public configuration.",
               schemas::envelope(schemas::json(
                   R"({"type":"object","required":["settings","feature_flags"],"properties":{
              "settings":{"type":"object"},"feature_flags":{"type":"object","additionalProperties":{"type":"boolean"}}}})")),
               schemas::json(
                   R"({"data":{"settings":{"brand":{"name":"Forecourt Motors"},"theme":{"default_mode":"light","modes":["light","dark"]},"locales":{"default":"en-US","supported":["en-US","es-US"]}},"feature_flags":{"livechat":true,"trade_in_online":true}}})")},
              {503, "The database is unavailable.", error, nullptr},
          },
      .cache = CachePolicy::public_short,
      .rate_class = "read"});
}

}  // namespace forecourt::api
