// The spec's auth endpoints (/auth/login, /auth/refresh, /auth/logout, /auth/me) in the
// JSON:API format, and two small protected reads that give each access level a real route:
// GET /staff/customers (staff) and GET /admin/audit-log (admin, sensitive: allowlisted IP and
// aal2). Login, refresh and logout use the embedded provider's flows (api/auth_flows.hpp), or
// with AUTH_MODE=supabase the project's Supabase Auth (api/auth_proxy.hpp); either way the
// answers have the same shape.
#include <boost/json.hpp>

#include "api/auth_flows.hpp"
#include "api/auth_proxy.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "app/services.hpp"
#include "db/tx.hpp"
#include "http/auth.hpp"
#include "http/errors.hpp"
#include "http/identity.hpp"
#include "http/route.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kMe =
    "select json_build_object('data', json_build_object("
    " 'id', p.id, 'email', p.email, 'full_name', p.full_name, 'phone', p.phone,"
    " 'role', p.role, 'aal', $1::text, 'preferred_locale', p.preferred_locale,"
    " 'auth_uid', auth.uid(), 'created_at', p.created_at))::text "
    "from public.profiles p where p.id = (select auth.uid())";

constexpr std::string_view kCustomers =
    "select json_build_object('data', coalesce(json_agg(json_build_object('id', c.id, 'email', "
    "c.email, 'full_name', c.full_name, 'created_at', c.created_at) order by c.created_at desc, "
    "c.id), '[]'::json), 'meta', json_build_object('page_size', $1::int))::text "
    "from (select id, email, full_name, created_at from public.profiles where role = 'customer' "
    "order by created_at desc, id limit $1::int) c";

constexpr std::string_view kAuditLog =
    "select json_build_object('data', coalesce(json_agg(json_build_object('id', a.id, "
    "'actor_user_id', a.actor_user_id, 'action', a.action, 'resource_table', a.resource_table, "
    "'resource_id', a.resource_id, 'ip', host(a.ip), 'occurred_at', a.occurred_at) order by "
    "a.occurred_at desc, a.id), '[]'::json), 'meta', json_build_object('page_size', "
    "$1::int))::text "
    "from (select * from public.audit_log order by occurred_at desc, id limit $1::int) a";

// A refusal of either provider (embedded, or Supabase Auth) in this API's error format.
template <class F>
asio::awaitable<Response> json_api(Request& req, F flow) {
  std::optional<auth_flows::AuthFailure> failure;
  try {
    co_return co_await flow(req);
  } catch (const auth_flows::AuthFailure& f) {
    failure = f;
  }
  http::HttpError error(failure->status(), failure->code(), failure->what());
  if (failure->retry_after > 0)
    error.with_header("Retry-After", std::to_string(failure->retry_after));
  throw error;
}

// AUTH_MODE=supabase: sign-in flows go to the project's Supabase Auth (api/auth_proxy.hpp).
bool proxied(const Request& req) { return req.services->config.auth_mode == "supabase"; }

Response session_document(json::object session) {
  Response res = http::json_response(200, json::value{{"data", std::move(session)}});
  res.set(boost::beast::http::field::cache_control, "no-store");
  return res;
}

asio::awaitable<Response> login(Request& req) {
  auto flow = [](Request& r) -> asio::awaitable<Response> {
    auto body = auth_flows::body_object(r);
    if (proxied(r)) co_return session_document(co_await auth_proxy::sign_in_with_password(r, body));
    auto session = co_await auth_flows::sign_in_with_password(r, body);
    co_return session_document(std::move(session.body));
  };
  co_return co_await json_api(req, flow);
}

asio::awaitable<Response> refresh(Request& req) {
  auto flow = [](Request& r) -> asio::awaitable<Response> {
    auto body = auth_flows::body_object(r);
    if (proxied(r)) co_return session_document(co_await auth_proxy::refresh(r, body));
    auto session = co_await auth_flows::refresh(r, body);
    co_return session_document(std::move(session.body));
  };
  co_return co_await json_api(req, flow);
}

asio::awaitable<Response> sign_out(Request& req) {
  auto flow = [](Request& r) -> asio::awaitable<Response> {
    const std::string scope = r.params.string("scope", "local");
    if (proxied(r)) {
      // The auth stage has verified the bearer (the route is authenticated-only).
      const std::string_view token = http::bearer_token(r);
      co_await auth_proxy::logout(r, token, scope);
      co_return http::empty_response(204);
    }
    auto token = co_await auth_flows::require_user(r);
    co_await auth_flows::logout(r, token, scope);
    co_return http::empty_response(204);
  };
  co_return co_await json_api(req, flow);
}

asio::awaitable<Response> me(Request& req) {
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  db::Query q{kMe, {req.caller.aal}};
  auto r = co_await tx.query_and_commit(std::move(q));
  if (r.empty()) throw http::not_found("No profile exists for this user.");
  co_return http::json_response(200, std::string(r.text(0, 0)));
}

asio::awaitable<Response> list_customers(Request& req) {
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  db::Query q{kCustomers, {req.params.string("page_size", "20")}};
  auto r = co_await tx.query_and_commit(std::move(q));
  co_return http::json_response(200, std::string(r.text(0, 0)));
}

asio::awaitable<Response> audit_log(Request& req) {
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  db::Query q{kAuditLog, {req.params.string("page_size", "50")}};
  auto r = co_await tx.query_and_commit(std::move(q));
  co_return http::json_response(200, std::string(r.text(0, 0)));
}

http::ParamSpec page_size(const char* fallback) {
  return http::ParamSpec{.name = "page_size",
                         .type = http::ParamType::integer,
                         .description = "How many rows (newest first).",
                         .minimum = 1,
                         .maximum = 100,
                         .default_value = fallback,
                         .example = "20"};
}

json::value session_envelope_schema() {
  return schemas::envelope(schemas::json(R"({"type":"object","required":["access_token",
    "token_type","expires_in","expires_at","refresh_token","user"],"properties":{
    "access_token":{"type":"string"},"token_type":{"const":"bearer"},"expires_in":{"type":"integer"},
    "expires_at":{"type":"integer"},"refresh_token":{"type":"string"},"user":{"type":"object"}}})"));
}

json::value session_envelope_example() {
  return schemas::json(
      R"({"data":{"access_token":"eyJhbGciOiJFUzI1NiJ9.e30.sig","token_type":"bearer",
    "expires_in":3600,"expires_at":1795000000,"refresh_token":"k3v9q0x2m4n8p1r5t7w6",
    "user":{"id":"00000000-0000-4000-a000-000000000003","email":"customer@forecourt.local"}}})");
}

}  // namespace

void register_auth_routes(http::Router& router, const Config& /*config*/) {
  using namespace http;
  const ResponseSpec unauthorized{401, "Missing, expired or invalid access token.",
                                  schemas::error_document(), nullptr};
  const ResponseSpec forbidden{403, "The caller's role (or IP / MFA level) is not enough.",
                               schemas::error_document(), nullptr};
  // AUTH_MODE=supabase only: the sign-in flows are answered by the project's Supabase Auth.
  const ResponseSpec upstream_failed{
      502,
      "AUTH_MODE=supabase: Supabase Auth is unreachable or failed (upstream_unavailable, "
      "upstream_error, upstream_bad_response).",
      schemas::error_document(), nullptr};
  const ResponseSpec upstream_timeout{504,
                                      "AUTH_MODE=supabase: Supabase Auth did not answer in time "
                                      "(upstream_timeout).",
                                      schemas::error_document(), nullptr};
  router.add(Route{
      .method = Verb::post,
      .path = "/auth/login",
      .handler = login,
      .operation_id = "login",
      .summary = "Sign in with email and password",
      .description = "Returns a session (access token, single-use refresh token, user). Wrong "
                     "email and wrong password answer alike (invalid_credentials). With "
                     "AUTH_MODE=supabase the project's Supabase Auth answers (its tokens, its "
                     "refusals with their status and code).",
      .tags = {"auth"},
      .access = Access::public_,
      .body_schema =
          schemas::json(R"({"type":"object","required":["email","password"],"properties":{
        "email":{"type":"string","format":"email"},"password":{"type":"string"}}})"),
      .body_example =
          schemas::json(R"({"email":"customer@forecourt.local","password":"forecourt-demo"})"),
      .responses = {{200, "The session.", session_envelope_schema(), session_envelope_example()},
                    {400, "invalid_credentials.", schemas::error_document(), nullptr},
                    upstream_failed,
                    upstream_timeout},
      .cache = CachePolicy::no_store,
      .rate_class = "auth"});
  router.add(Route{
      .method = Verb::post,
      .path = "/auth/refresh",
      .handler = refresh,
      .operation_id = "refreshSession",
      .summary = "Exchange a refresh token",
      .description = "Rotates the refresh token (single use). Presenting a spent refresh token "
                     "ends its whole session (refresh_token_already_used).",
      .tags = {"auth"},
      .access = Access::public_,
      .body_schema = schemas::json(R"({"type":"object","required":["refresh_token"],"properties":{
        "refresh_token":{"type":"string"}}})"),
      .body_example = schemas::json(R"({"refresh_token":"k3v9q0x2m4n8p1r5t7w6"})"),
      .responses = {{200, "The new session.", session_envelope_schema(),
                     session_envelope_example()},
                    {400, "refresh_token_not_found or refresh_token_already_used.",
                     schemas::error_document(), nullptr},
                    upstream_failed,
                    upstream_timeout},
      .cache = CachePolicy::no_store,
      .rate_class = "auth"});
  router.add(Route{
      .method = Verb::post,
      .path = "/auth/logout",
      .handler = sign_out,
      .operation_id = "logout",
      .summary = "Sign out",
      .description = "Ends this session (scope=local, the default), every session (global) or "
                     "all others.",
      .tags = {"auth"},
      .access = Access::authenticated,
      .params = {ParamSpec{.name = "scope",
                           .type = ParamType::enumeration,
                           .description = "Which sessions end.",
                           .values = {"local", "global", "others"},
                           .default_value = "local",
                           .example = "local"}},
      .responses =
          {{204, "Signed out.", nullptr, nullptr}, unauthorized, upstream_failed, upstream_timeout},
      .cache = CachePolicy::no_store,
      .rate_class = "auth"});
  router.add(Route{
      .method = Verb::get,
      .path = "/auth/me",
      .handler = me,
      .operation_id = "getMe",
      .summary = "The caller",
      .description = "The caller's profile, app role and assurance level, read under RLS as "
                     "the caller (auth_uid is what the database sees as auth.uid()).",
      .tags = {"auth"},
      .access = Access::authenticated,
      .responses =
          {{200, "The caller.",
            schemas::envelope(
                schemas::json(R"({"type":"object","required":["id","role","aal"],"properties":{
                       "id":{"type":"string","format":"uuid"},"email":{"type":["string","null"]},
                       "full_name":{"type":["string","null"]},"phone":{"type":["string","null"]},
                       "role":{"enum":["customer","staff","admin"]},"aal":{"enum":["aal1","aal2"]},
                       "preferred_locale":{"type":"string"},"auth_uid":{"type":"string","format":"uuid"},
                       "created_at":{"type":"string","format":"date-time"}}})")),
            schemas::json(
                R"({"data":{"id":"00000000-0000-4000-a000-000000000003","email":"customer@forecourt.local",
                       "full_name":"Casey Customer","phone":"+1 512-555-0142","role":"customer","aal":"aal1",
                       "preferred_locale":"en-US","auth_uid":"00000000-0000-4000-a000-000000000003",
                       "created_at":"2026-05-09T12:00:00+00:00"}})")},
           unauthorized},
      .cache = CachePolicy::no_store,
      .rate_class = "default"});
  router.add(Route{
      .method = Verb::get,
      .path = "/staff/customers",
      .handler = list_customers,
      .operation_id = "listCustomers",
      .summary = "Newest customers (staff)",
      .description = "Customer profiles, newest first, for the staff CRM screens.",
      .tags = {"staff"},
      .access = Access::staff,
      .params = {page_size("20")},
      .responses =
          {{200, "Customers.",
            schemas::json(
                R"({"type":"object","required":["data"],"properties":{"data":{"type":"array","items":{"type":"object"}},"meta":{"type":"object"}}})"),
            schemas::json(
                R"({"data":[{"id":"00000000-0000-4000-a000-000000000003","email":"customer@forecourt.local",
                       "full_name":"Casey Customer","created_at":"2026-05-09T12:00:00+00:00"}],"meta":{"page_size":20}})")},
           unauthorized,
           forbidden},
      .cache = CachePolicy::no_store,
      .rate_class = "default"});
  router.add(Route{
      .method = Verb::get,
      .path = "/admin/audit-log",
      .handler = audit_log,
      .operation_id = "listAuditLog",
      .summary = "Audit log (admin)",
      .description = "Recent staff/admin writes. Sensitive: the client IP must be in "
                     "ADMIN_IP_ALLOWLIST and the token at aal2 (403 ip_not_allowed / "
                     "mfa_required otherwise).",
      .tags = {"admin"},
      .access = Access::admin,
      .params = {page_size("50")},
      .responses =
          {{200, "Audit entries.",
            schemas::json(
                R"({"type":"object","required":["data"],"properties":{"data":{"type":"array","items":{"type":"object"}},"meta":{"type":"object"}}})"),
            schemas::json(
                R"({"data":[{"id":"6a1f0c2e-3b4d-4e5f-9a8b-7c6d5e4f3a2b","actor_user_id":"00000000-0000-4000-a000-000000000001",
                       "action":"update","resource_table":"vehicles","resource_id":"f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                       "ip":"10.0.0.5","occurred_at":"2026-11-25T09:00:00+00:00"}],"meta":{"page_size":50}})")},
           unauthorized,
           forbidden},
      .cache = CachePolicy::no_store,
      .rate_class = "default",
      .sensitive = true});
}

}  // namespace forecourt::api
