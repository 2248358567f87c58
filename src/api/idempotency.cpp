#include "api/idempotency.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "app/services.hpp"
#include "core/digest.hpp"
#include "core/log.hpp"
#include "http/errors.hpp"
#include "http/identity.hpp"
#include "http/route.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

// Longer than any request can run (request deadline + statement timeouts), so a live
// request keeps its claim; should one outlive it anyway, the lease token still fences it.
constexpr std::string_view kLease = "60 seconds";

constexpr std::string_view kClaimSql =
    "select c.outcome, c.lease_token::text, c.response_status, c.response_headers::text, "
    "encode(c.response_body, 'hex') "
    "from private.idempotency_claim($1, $2, $3, $4, $5, $6::interval) c";
constexpr std::string_view kCompleteSql =
    "select private.idempotency_complete($1, $2, $3::uuid, $4::integer, $5::jsonb, "
    "decode($6, 'hex'))";
constexpr std::string_view kReleaseSql = "select private.idempotency_release($1, $2, $3::uuid)";
// The rest of the write's transaction runs as service_role: the record must commit
// atomically with the caller's RLS-checked insert, and only service_role may execute
// private.idempotency_complete. Sent last, right before COMMIT, so nothing of the caller's
// runs with it. (authenticator may switch to service_role, as PostgREST's does.)
constexpr std::string_view kSwitchToServiceRole =
    "select set_config('role', 'service_role', true), "
    "set_config('request.jwt.claim.role', 'service_role', true)";

struct Claim {
  std::string scope;
  std::string key;
  std::string token;
};

http::HttpError header_error(int status, std::string code, std::string detail) {
  http::ErrorObject e{
      status, std::move(code), {}, std::move(detail), {}, {}, std::string(kIdempotencyHeader)};
  return http::HttpError(std::vector<http::ErrorObject>{std::move(e)});
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0F]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

std::string hex_decode(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(hex_value(hex[i]) * 16 + hex_value(hex[i + 1])));
  return out;
}

// The headers the handler set (Content-Type, Location...). The pipeline's own headers
// (request id, rate limits, security, CORS) are added again around a replay.
std::string headers_json(const http::Response& res) {
  json::object headers;
  for (const auto& field : res) headers[field.name_string()] = field.value();
  return json::serialize(headers);
}

http::Response replayed_response(int status, std::string_view headers_text,
                                 std::string_view body_hex) {
  http::Response res{static_cast<bhttp::status>(status), 11};
  boost::system::error_code ec;
  auto headers = json::parse(headers_text, ec);
  if (!ec && headers.is_object()) {
    for (const auto& kv : headers.get_object()) {
      if (kv.value().is_string()) res.set(kv.key(), std::string_view(kv.value().get_string()));
    }
  }
  res.body() = hex_decode(body_hex);
  res.set("Idempotent-Replayed", "true");
  return res;
}

std::string request_body_for_hash(const http::Request& req) {
  // The validated body when the route has a schema (what the write actually uses), else
  // the raw bytes.
  if (req.body_json) return canonical_json(*req.body_json);
  return req.msg.body();
}

asio::awaitable<void> release(http::Request& req, const Claim& claim) {
  try {
    db::Transaction tx(req.services->db, db::service_role_identity("idempotency release"), false);
    db::Query q{kReleaseSql, {claim.scope, claim.key, claim.token}};
    co_await tx.query_and_commit(std::move(q));
  } catch (const std::exception& e) {
    // The lease lapses by itself (kLease): a retry then takes the key over.
    log::warn("idempotency key not released",
              {{"request_id", req.request_id}, {"error", e.what()}});
  }
}

// TEST ONLY: FORECOURT_FAULT_INJECTION=exit_after_idempotent_commit makes the server die
// between the commit and the answer, the window a retry must survive (integration tests).
// Read from the process environment once, deliberately not from Config/.env, so that no
// configuration file can arm it; refused when ENVIRONMENT=production.
bool exit_after_commit_armed() {
  static const bool armed = [] {
    const char* v = std::getenv("FORECOURT_FAULT_INJECTION");  // NOLINT(concurrency-mt-unsafe)
    const char* env = std::getenv("ENVIRONMENT");              // NOLINT(concurrency-mt-unsafe)
    bool on = v != nullptr && std::string_view(v) == "exit_after_idempotent_commit";
    if (on && env != nullptr && std::string_view(env) == "production") {
      log::error("FORECOURT_FAULT_INJECTION is ignored in production");
      return false;
    }
    if (on) log::warn("FAULT INJECTION ARMED: exit_after_idempotent_commit (test only)");
    return on;
  }();
  return armed;
}

void fault_point_after_commit(const http::Request& req) {
  if (!exit_after_commit_armed()) return;
  log::warn("fault injection: exiting after an idempotent commit",
            {{"request_id", req.request_id}});
  std::_Exit(70);
}

asio::awaitable<http::Response> write_and_record(http::Request& req, const Claim& claim,
                                                 const IdempotentWrite& write) {
  db::Transaction tx(req.services->db, http::db_identity(req), false);
  std::exception_ptr failure;
  try {
    http::Response res = co_await write(tx);
    // Recorded in the write's own transaction: both commit or neither does.
    std::vector<db::Query> finish;
    finish.push_back(db::Query{kSwitchToServiceRole, {}});
    finish.push_back(
        db::Query{kCompleteSql,
                  {claim.scope, claim.key, claim.token, std::to_string(res.result_int()),
                   headers_json(res), hex_encode(res.body())}});
    co_await tx.batch_and_commit(std::move(finish));
    fault_point_after_commit(req);
    co_return res;
  } catch (...) {
    failure = std::current_exception();
  }
  co_await tx.rollback();
  co_await release(req, claim);
  std::rethrow_exception(failure);
}

asio::awaitable<http::Response> write_once(http::Request& req, const IdempotentWrite& write) {
  db::Transaction tx(req.services->db, http::db_identity(req), false);
  std::exception_ptr failure;
  try {
    http::Response res = co_await write(tx);
    co_await tx.commit();
    co_return res;
  } catch (...) {
    failure = std::current_exception();
  }
  co_await tx.rollback();
  std::rethrow_exception(failure);
}

}  // namespace

http::ParamSpec idempotency_key_param() {
  return http::ParamSpec{
      .name = std::string(kIdempotencyHeader),
      .in = http::ParamIn::header,
      .type = http::ParamType::string,
      .description =
          "A unique key per intended operation (a UUID is a good choice), 1 to 255 printable "
          "ASCII characters, kept for 24 hours. A retry with the same key and the same request "
          "gets the first answer again, byte for byte, with Idempotent-Replayed: true, and "
          "nothing is done twice; the same key with a different request is 422; while the "
          "first request is still running, 409 with Retry-After. A request that failed "
          "(4xx/5xx) is not stored: retrying it with the same key runs it again.",
      .minimum = 1,
      .maximum = 255,
      .example = "4f9d2c1e-8b7a-4e5f-9c3d-2a1b0c9d8e7f"};
}

std::optional<std::string> idempotency_key_problem(std::string_view key) {
  if (key.empty() || key.size() > 255) return "Idempotency-Key must be 1 to 255 characters long.";
  bool printable =
      std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
  if (!printable) return "Idempotency-Key may only contain printable ASCII characters.";
  return std::nullopt;
}

std::string canonical_json(const json::value& value) {
  if (const auto* obj = value.if_object()) {
    std::vector<const json::key_value_pair*> members;
    members.reserve(obj->size());
    for (const auto& kv : *obj) members.push_back(&kv);
    std::sort(members.begin(), members.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
    std::string out = "{";
    for (const auto* kv : members) {
      if (out.size() > 1) out += ',';
      out += json::serialize(json::string(kv->key()));
      out += ':';
      out += canonical_json(kv->value());
    }
    out += '}';
    return out;
  }
  if (const auto* arr = value.if_array()) {
    std::string out = "[";
    for (const auto& item : *arr) {
      if (out.size() > 1) out += ',';
      out += canonical_json(item);
    }
    out += ']';
    return out;
  }
  return json::serialize(value);
}

std::string idempotency_request_hash(std::string_view method, std::string_view target,
                                     std::string_view scope, std::string_view canonical_body) {
  // Newline-separated: none of the first three can contain one, so fields cannot run
  // into each other.
  std::string material;
  material.reserve(method.size() + target.size() + scope.size() + canonical_body.size() + 3);
  material.append(method).append("\n").append(target).append("\n").append(scope).append("\n");
  material.append(canonical_body);
  return sha256_hex(material);
}

std::string idempotency_scope(const http::Request& req) {
  if (!req.caller.user_id.empty()) return "user:" + req.caller.user_id;
  return "ip:" + req.client_ip;
}

asio::awaitable<http::Response> idempotent_write(http::Request& req, IdempotentWrite write) {
  const bool declared =
      req.route != nullptr &&
      std::any_of(req.route->params.begin(), req.route->params.end(),
                  [](const http::ParamSpec& p) { return p.name == kIdempotencyHeader; });
  if (!declared)
    throw std::logic_error("idempotent_write on a route without idempotency_key_param()");
  auto found = req.msg.find(kIdempotencyHeader);
  if (found == req.msg.end()) co_return co_await write_once(req, write);
  const std::string key(found->value());
  if (auto problem = idempotency_key_problem(key))
    throw header_error(400, "invalid_idempotency_key", *problem);

  Claim claim{idempotency_scope(req), key, {}};
  const std::string method(bhttp::to_string(req.method()));
  const std::string hash =
      idempotency_request_hash(method, req.msg.target(), claim.scope, request_body_for_hash(req));
  db::PgResult r;
  {
    // Committed on its own before the write, so a concurrent duplicate sees the claim at
    // once (409) instead of queueing behind an uncommitted row.
    db::Transaction tx(req.services->db, db::service_role_identity("idempotency claim"), false);
    db::Query q{kClaimSql, {claim.scope, key, method, req.path, hash, std::string(kLease)}};
    r = co_await tx.query_and_commit(std::move(q));
  }
  const std::string outcome(r.text(0, 0));
  if (outcome == "replay") {
    co_return replayed_response(static_cast<int>(r.integer(0, "response_status")), r.text(0, 3),
                                r.text(0, 4));
  }
  if (outcome == "mismatch") {
    throw header_error(422, "idempotency_key_reused",
                       "This Idempotency-Key was already used for a different request; use a "
                       "new key for a new request.");
  }
  if (outcome == "in_progress") {
    throw header_error(409, "idempotency_key_in_flight",
                       "A request with this Idempotency-Key is still being processed; retry "
                       "shortly to get its answer.")
        .with_header("Retry-After", "1");
  }
  claim.token = std::string(r.text(0, 1));
  co_return co_await write_and_record(req, claim, write);
}

}  // namespace forecourt::api
