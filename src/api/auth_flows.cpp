#include "api/auth_flows.hpp"

#include <sodium.h>

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "app/services.hpp"
#include "auth/password.hpp"
#include "auth/qr_svg.hpp"
#include "auth/redirect_policy.hpp"
#include "auth/service.hpp"
#include "auth/throttle.hpp"
#include "auth/totp.hpp"
#include "core/digest.hpp"
#include "core/log.hpp"
#include "db/tx.hpp"
#include "http/auth.hpp"

namespace forecourt::api::auth_flows {
namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;

namespace {

constexpr std::chrono::seconds kChallengeTtl{300};
constexpr std::size_t kMinPasswordLength = 6;  // GoTrue's default minimum_password_length

// GoTrue's User JSON, rendered by PostgreSQL, plus what the access token repeats.
constexpr std::string_view kUserJson =
    "select json_build_object("
    " 'id', u.id, 'aud', coalesce(u.aud, 'authenticated'), 'role', coalesce(u.role, "
    "'authenticated'),"
    " 'email', coalesce(u.email, ''), 'email_confirmed_at', u.email_confirmed_at,"
    " 'phone', coalesce(u.phone, ''), 'phone_confirmed_at', u.phone_confirmed_at,"
    " 'confirmed_at', u.confirmed_at, 'last_sign_in_at', u.last_sign_in_at,"
    " 'app_metadata', coalesce(u.raw_app_meta_data, '{}'::jsonb),"
    " 'user_metadata', coalesce(u.raw_user_meta_data, '{}'::jsonb),"
    " 'identities', coalesce((select json_agg(json_build_object('identity_id', i.id, 'id', "
    "i.provider_id, 'user_id', i.user_id, 'identity_data', i.identity_data, 'provider', "
    "i.provider, 'last_sign_in_at', i.last_sign_in_at, 'created_at', i.created_at, "
    "'updated_at', i.updated_at, 'email', i.email) order by i.created_at) from auth.identities i "
    "where i.user_id = u.id), '[]'::json),"
    " 'factors', (select json_agg(json_build_object('id', f.id, 'created_at', f.created_at, "
    "'updated_at', f.updated_at, 'status', f.status, 'friendly_name', f.friendly_name, "
    "'factor_type', f.factor_type, 'phone', coalesce(f.phone, ''), 'last_challenged_at', "
    "f.last_challenged_at) order by f.created_at) from auth.mfa_factors f where f.user_id = u.id),"
    " 'created_at', u.created_at, 'updated_at', u.updated_at, 'is_anonymous', u.is_anonymous"
    ")::text from auth.users u where u.id = $1::uuid and u.deleted_at is null";

constexpr std::string_view kFindByEmail =
    "select id::text, coalesce(encrypted_password, ''), "
    "coalesce(banned_until > now(), false), email_confirmed_at is not null "
    "from auth.users where lower(email) = lower($1) and deleted_at is null and not is_sso_user";

constexpr std::string_view kEmailTaken =
    "select 1 from auth.users where lower(email) = lower($1) and not is_sso_user";

constexpr std::string_view kInsertUser =
    "with u as (insert into auth.users (instance_id, id, aud, role, email, encrypted_password,"
    " email_confirmed_at, confirmation_token, recovery_token, email_change_token_new, "
    "email_change,"
    " raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at, "
    "is_anonymous)"
    " values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', "
    "'authenticated', lower($1), $2, now(), '', '', '', '',"
    " '{\"provider\":\"email\",\"providers\":[\"email\"]}'::jsonb, $3::jsonb, false, now(), "
    "now(), false)"
    " returning id, email),"
    " i as (insert into auth.identities (provider_id, user_id, identity_data, provider, "
    "last_sign_in_at, created_at, updated_at)"
    " select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, "
    "'email_verified', false, 'phone_verified', false), 'email', now(), now(), now() from u)"
    " select id::text from u";

// A new session (aal1) with its first amr claim and refresh token.
constexpr std::string_view kStartSession =
    "with s as (insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, "
    "ip)"
    " values (gen_random_uuid(), $1::uuid, now(), now(), 'aal1', nullif($2, ''), nullif($3, "
    "'')::inet) returning id),"
    " a as (insert into auth.mfa_amr_claims (session_id, created_at, updated_at, "
    "authentication_method, id)"
    " select s.id, now(), now(), $4, gen_random_uuid() from s),"
    " r as (insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, "
    "updated_at, session_id)"
    " select '00000000-0000-0000-0000-000000000000', $5, $1, false, now(), now(), s.id from s),"
    " u as (update auth.users set last_sign_in_at = now() where id = $1::uuid)"
    " select s.id::text from s";

constexpr std::string_view kFindRefreshToken =
    "select rt.id, rt.revoked, coalesce(rt.session_id::text, ''), rt.user_id, "
    "coalesce(s.aal::text, 'aal1'), s.id is not null and (s.not_after is null or s.not_after > "
    "now()) "
    "from auth.refresh_tokens rt left join auth.sessions s on s.id = rt.session_id "
    "where rt.token = $1 for update of rt";

// Reuse of a spent refresh token: the whole session family goes (tokens cascade).
constexpr std::string_view kRevokeSession = "delete from auth.sessions where id = $1::uuid";

constexpr std::string_view kRotateRefreshToken =
    "with old as (update auth.refresh_tokens set revoked = true, updated_at = now() "
    "where id = $1::bigint returning token, session_id, user_id),"
    " s as (update auth.sessions set refreshed_at = now(), updated_at = now() "
    "where id = (select session_id from old))"
    " insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, "
    "updated_at, parent, session_id)"
    " select '00000000-0000-0000-0000-000000000000', $2, old.user_id, false, now(), now(), "
    "old.token, old.session_id from old";

// After an MFA step-up: every live refresh token of the session is spent, one new one issued.
constexpr std::string_view kReissueRefreshToken =
    "with old as (update auth.refresh_tokens set revoked = true, updated_at = now() "
    "where session_id = $1::uuid and not revoked)"
    " insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, "
    "updated_at, session_id)"
    " values ('00000000-0000-0000-0000-000000000000', $2, $3, false, now(), now(), $1::uuid)";

constexpr std::string_view kAmrClaims =
    "select authentication_method, extract(epoch from updated_at)::bigint "
    "from auth.mfa_amr_claims where session_id = $1::uuid order by updated_at desc";

constexpr std::string_view kSessionAlive =
    "select s.aal::text from auth.sessions s join auth.users u on u.id = s.user_id "
    "where s.id = $1::uuid and s.user_id = $2::uuid and u.deleted_at is null";

constexpr std::string_view kLogoutGlobal = "delete from auth.sessions where user_id = $1::uuid";
constexpr std::string_view kLogoutLocal =
    "delete from auth.sessions where id = $2::uuid and user_id = $1::uuid";
constexpr std::string_view kLogoutOthers =
    "delete from auth.sessions where user_id = $1::uuid and id <> $2::uuid";

constexpr std::string_view kUserPassword =
    "select coalesce(encrypted_password, '') from auth.users where id = $1::uuid";
constexpr std::string_view kUpdateUser =
    "update auth.users set"
    " raw_user_meta_data = case when $2::jsonb is null then raw_user_meta_data"
    "   else coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb end,"
    " encrypted_password = coalesce($3, encrypted_password),"
    " email = coalesce(lower($4), email),"
    " updated_at = now() where id = $1::uuid";

constexpr std::string_view kVerifiedFactorCount =
    "select count(*) from auth.mfa_factors where user_id = $1::uuid and status = 'verified'";
constexpr std::string_view kInsertFactor =
    "insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, "
    "updated_at, secret)"
    " values (gen_random_uuid(), $1::uuid, nullif($2, ''), 'totp', 'unverified', now(), now(), "
    "$3) returning id::text";
constexpr std::string_view kUserFactor =
    "select f.status::text, coalesce(f.secret, '') from auth.mfa_factors f "
    "where f.id = $1::uuid and f.user_id = $2::uuid";
constexpr std::string_view kInsertChallenge =
    "with c as (insert into auth.mfa_challenges (id, factor_id, created_at, ip_address)"
    " values (gen_random_uuid(), $1::uuid, now(), coalesce(nullif($2, '')::inet, '0.0.0.0'))"
    " returning id, created_at),"
    " f as (update auth.mfa_factors set last_challenged_at = now() where id = $1::uuid)"
    " select id::text, extract(epoch from created_at)::bigint from c";
constexpr std::string_view kOpenChallenge =
    "select extract(epoch from created_at)::bigint, verified_at is not null from "
    "auth.mfa_challenges where id = $1::uuid and factor_id = $2::uuid for update";
constexpr std::string_view kCompleteChallenge =
    "with c as (update auth.mfa_challenges set verified_at = now() where id = $1::uuid),"
    " f as (update auth.mfa_factors set status = 'verified', updated_at = now() where id = "
    "$2::uuid),"
    " s as (update auth.sessions set aal = 'aal2', factor_id = $2::uuid, updated_at = now() "
    "where id = $3::uuid)"
    " insert into auth.mfa_amr_claims (session_id, created_at, updated_at, "
    "authentication_method, id)"
    " values ($3::uuid, now(), now(), 'totp', gen_random_uuid())"
    " on conflict (session_id, authentication_method) do update set updated_at = now()";
// Replay protection (RFC 6238 §5.2): a code counts only when its time step is later than the
// factor's last accepted one. Atomic: of two concurrent uses of one code, one row returns.
constexpr std::string_view kAcceptTotpStep =
    "insert into private.mfa_totp_steps (factor_id, last_step) values ($1::uuid, $2::bigint)"
    " on conflict (factor_id) do update set last_step = excluded.last_step, updated_at = now()"
    " where private.mfa_totp_steps.last_step < excluded.last_step returning 1";
constexpr std::string_view kDeleteFactor =
    "delete from auth.mfa_factors where id = $1::uuid and user_id = $2::uuid";

// Columns by position (PgResult's typed getters take names).
long long int_at(const db::PgResult& r, int row, int col) {
  return std::stoll(std::string(r.text(row, col)));
}
bool bool_at(const db::PgResult& r, int row, int col) { return r.text(row, col) == "t"; }

db::DbIdentity auth_server_identity() {
  return db::service_role_identity("embedded auth server (auth.* tables)");
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_token() {
  std::string bytes(18, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (unsigned char b : bytes) out.push_back(kAlphabet[b % 36]);  // 36^18 ≈ 2^93
  return out;
}

std::string string_field(const json::object& body, std::string_view name) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_string())
    throw AuthFailure(400, "validation_failed", std::string(name) + " must be a string");
  return std::string(v->get_string());
}

// CPU-heavy work (argon2id, bcrypt) off the I/O thread; the result is handed back on the
// request's loop. Not a coroutine itself: g++ 12 destroys by-value lambda parameters of a
// coroutine twice (and so temporaries inside a co_await expression): callers name the lambda
// and pass it by reference; the work travels inside a plain initiation.
template <class F>
auto on_cpu_pool(Request& req, const F& work) -> asio::awaitable<std::invoke_result_t<F>> {
  using T = std::invoke_result_t<F>;
  auto initiation = [pool = &req.services->auth->cpu_pool(), io = req.services->io.get_executor(),
                     work](auto handler) mutable {
    asio::post(*pool, [io, work = std::move(work), handler = std::move(handler)]() mutable {
      std::exception_ptr error;
      T result{};
      try {
        result = work();
      } catch (...) {
        error = std::current_exception();
      }
      asio::post(io, [handler = std::move(handler), error, result = std::move(result)]() mutable {
        std::move(handler)(error, std::move(result));
      });
    });
  };
  return asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr, T)>(
      std::move(initiation), asio::use_awaitable);
}

struct UserRecord {
  json::object user;
  json::object claims_base;  // email, phone, app_metadata, user_metadata, is_anonymous
};

UserRecord read_user(const db::PgResult& r) {
  if (r.empty())
    throw AuthFailure(403, "user_not_found", "User from sub claim in JWT does not exist");
  auto user = json::parse(r.text(0, 0)).as_object();
  json::object claims{{"email", user["email"]},
                      {"phone", user["phone"]},
                      {"app_metadata", user["app_metadata"]},
                      {"user_metadata", user["user_metadata"]},
                      {"is_anonymous", user["is_anonymous"]}};
  return UserRecord{std::move(user), std::move(claims)};
}

json::array amr_of(const db::PgResult& r) {
  json::array amr;
  for (int i = 0; i < r.rows(); ++i)
    amr.push_back(json::object{{"method", r.text(i, 0)}, {"timestamp", int_at(r, i, 1)}});
  return amr;
}

Session make_session(Request& req, const UserRecord& user, const std::string& session_id,
                     const std::string& aal, json::array amr, const std::string& refresh_token) {
  auto& auth = *req.services->auth;
  auto signer = auth.signer();
  if (!signer) throw std::runtime_error("no embedded signing key is installed");
  const std::int64_t now = unix_now();
  const std::int64_t exp = now + auth::kAccessTokenTtl.count();
  const std::string user_id(user.user.at("id").as_string());
  json::object claims{{"iss", auth.issuer()},
                      {"sub", user_id},
                      {"aud", auth.config().supabase_jwt_audience},
                      {"exp", exp},
                      {"iat", now},
                      {"role", "authenticated"},
                      {"aal", aal},
                      {"amr", std::move(amr)},
                      {"session_id", session_id}};
  for (const auto& kv : user.claims_base) claims[kv.key()] = kv.value();
  json::object body{{"access_token", signer->sign(claims)},
                    {"token_type", "bearer"},
                    {"expires_in", exp - now},
                    {"expires_at", exp},
                    {"refresh_token", refresh_token},
                    {"user", user.user}};
  return Session{std::move(body), user_id, session_id};
}

asio::awaitable<Session> start_session(Request& req, db::Transaction& tx,
                                       const std::string& user_id, std::string_view method) {
  const std::string refresh_token = random_token();
  std::vector<db::Query> batch;
  batch.push_back(db::Query{kStartSession,
                            {user_id, std::string(req.header("user-agent")).substr(0, 512),
                             req.client_ip, std::string(method), refresh_token}});
  batch.push_back(db::Query{kUserJson, {user_id}});
  auto results = co_await tx.batch(std::move(batch));
  co_await tx.commit();
  const std::string session_id(results[0].text(0, 0));
  json::array amr{json::object{{"method", method}, {"timestamp", unix_now()}}};
  co_return make_session(req, read_user(results[1]), session_id, "aal1", std::move(amr),
                         refresh_token);
}

void check_password_strength(const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    AuthFailure failure(422, "weak_password", "Password should be at least 6 characters.");
    failure.extra["weak_password"] = json::object{{"reasons", json::array{"length"}}};
    throw failure;
  }
}

// ---------------------------------------------------------------- brute-force protection
// Redis keys: auth:fail:<kind>:<id> counts failures in the window; auth:lock:<kind>:<id>
// exists while the key is locked (its TTL is the Retry-After). Accounts are keyed by the
// SHA-256 of the lower-cased email, existing or not. Without Redis the check is skipped
// (fail open: Redis is optional on the request path).
struct ThrottleKey {
  std::string id;
  const auth::ThrottlePolicy* policy;
};

std::string lower_case(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// An empty email (a token_hash-only verify) counts against the client IP alone.
std::vector<ThrottleKey> throttle_keys(const Request& req, const std::string& email) {
  std::vector<ThrottleKey> keys{{"ip:" + req.client_ip, &auth::kIpThrottle}};
  if (!email.empty())
    keys.insert(keys.begin(),
                ThrottleKey{"acct:" + sha256_hex(lower_case(email)), &auth::kAccountThrottle});
  return keys;
}

asio::awaitable<void> refuse_if_locked(Request& req, const std::string& email) {
  auto& redis = req.services->redis;
  std::int64_t retry_after = 0;
  try {
    for (const auto& key : throttle_keys(req, email)) {
      std::vector<std::string> ttl{"PTTL", "auth:lock:" + key.id};
      auto reply = co_await redis.command(std::move(ttl));
      if (reply.type == redis::Reply::Type::integer && reply.integer > 0)
        retry_after = std::max<std::int64_t>(retry_after, (reply.integer + 999) / 1000);
    }
  } catch (const redis::RedisUnavailable&) {
    co_return;
  }
  if (retry_after > 0) {
    AuthFailure failure(
        429, "over_request_rate_limit",
        "Too many sign-in attempts. Retry after " + std::to_string(retry_after) + " seconds.");
    failure.retry_after = retry_after;
    throw failure;
  }
}

asio::awaitable<void> record_failure(Request& req, const std::string& email) {
  auto& redis = req.services->redis;
  try {
    for (const auto& key : throttle_keys(req, email)) {
      std::vector<std::string> incr{"INCR", "auth:fail:" + key.id};
      auto count = co_await redis.command(std::move(incr));
      if (count.integer == 1) {
        std::vector<std::string> expire{"EXPIRE", "auth:fail:" + key.id,
                                        std::to_string(key.policy->window.count())};
        co_await redis.command(std::move(expire));
      }
      if (auto lock = auth::lock_seconds(*key.policy, count.integer); lock > 0) {
        std::vector<std::string> set{"SET", "auth:lock:" + key.id, "1", "EX", std::to_string(lock)};
        co_await redis.command(std::move(set));
      }
    }
  } catch (const redis::RedisUnavailable&) {
    log::warn("sign-in failure not counted: Redis unavailable", {});
  }
}

asio::awaitable<void> clear_account_failures(Request& req, const std::string& email) {
  if (email.empty()) co_return;
  try {
    std::vector<std::string> del{"DEL", "auth:fail:" + throttle_keys(req, email).front().id};
    co_await req.services->redis.command(std::move(del));
  } catch (const redis::RedisUnavailable&) {
  }
}

}  // namespace

asio::awaitable<void> refuse_locked_sign_in(Request& req, const std::string& email) {
  co_await refuse_if_locked(req, email);
}

asio::awaitable<void> count_failed_sign_in(Request& req, const std::string& email) {
  co_await record_failure(req, email);
}

asio::awaitable<void> forget_failed_sign_ins(Request& req, const std::string& email) {
  co_await clear_account_failures(req, email);
}

json::object body_object(const Request& req) {
  const auto& text = req.msg.body();
  if (text.empty()) return {};
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    throw AuthFailure(400, "bad_json", "Could not parse request body as JSON");
  return std::move(v.as_object());
}

asio::awaitable<Session> sign_up(Request& req, const json::object& body) {
  const std::string email = string_field(body, "email");
  const std::string password = string_field(body, "password");
  if (!string_field(body, "phone").empty())
    throw AuthFailure(422, "phone_provider_disabled", "Phone signups are disabled");
  if (email.empty() || email.find('@') == std::string::npos || email.size() > 255)
    throw AuthFailure(400, "validation_failed", "Unable to validate email address: invalid format");
  if (password.empty())
    throw AuthFailure(400, "validation_failed", "Signup requires a valid password");
  check_password_strength(password);
  std::string metadata = "{}";
  if (const auto* data = body.if_contains("data"); data != nullptr && !data->is_null()) {
    if (!data->is_object()) throw AuthFailure(400, "validation_failed", "data must be an object");
    metadata = json::serialize(*data);
  }
  const auto hashing = [password] { return auth::hash_password(password); };
  const std::string hash = co_await on_cpu_pool(req, hashing);
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  db::Query taken{kEmailTaken, {email}};
  if (!(co_await tx.query(std::move(taken))).empty()) {
    co_await tx.rollback();
    throw AuthFailure(422, "user_already_exists", "User already registered");
  }
  db::Query insert{kInsertUser, {email, hash, metadata}};
  auto created = co_await tx.query(std::move(insert));
  const std::string user_id(created.text(0, 0));
  co_return co_await start_session(req, tx, user_id, "password");
}

asio::awaitable<Session> sign_in_with_password(Request& req, const json::object& body) {
  const std::string email = string_field(body, "email");
  const std::string password = string_field(body, "password");
  if (email.empty() && !string_field(body, "phone").empty())
    throw AuthFailure(400, "phone_provider_disabled", "Phone logins are disabled");
  if (email.empty() || password.empty())
    throw AuthFailure(400, "invalid_credentials", "Invalid login credentials");
  co_await refuse_if_locked(req, email);
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  db::Query find{kFindByEmail, {email}};
  auto found = co_await tx.query(std::move(find));
  // No such user and a wrong password cost the same and read the same: no enumeration.
  const std::string stored = found.empty() ? std::string() : std::string(found.text(0, 1));
  const auto checking = [password, stored] {
    if (stored.empty()) {
      auth::burn_equivalent_time();
      return false;
    }
    return auth::verify_password(password, stored);
  };
  const bool ok = co_await on_cpu_pool(req, checking);
  if (!ok) {
    co_await tx.rollback();
    co_await record_failure(req, email);
    throw AuthFailure(400, "invalid_credentials", "Invalid login credentials");
  }
  co_await clear_account_failures(req, email);
  if (bool_at(found, 0, 2)) {
    co_await tx.rollback();
    throw AuthFailure(400, "user_banned", "User is banned");
  }
  const std::string user_id(found.text(0, 0));
  if (stored.starts_with("$argon2") && auth::password_needs_rehash(stored)) {
    // An argon2id hash with older parameters: upgrade it now that we know the password.
    // bcrypt hashes (GoTrue's format, the seed's) are kept, so the same auth.users rows stay
    // valid for hosted GoTrue.
    const auto rehashing = [password] { return auth::hash_password(password); };
    const std::string rehashed = co_await on_cpu_pool(req, rehashing);
    db::Query upgrade{kUpdateUser, {user_id, std::nullopt, rehashed, std::nullopt}};
    co_await tx.query(std::move(upgrade));
  }
  co_return co_await start_session(req, tx, user_id, "password");
}

asio::awaitable<Session> refresh(Request& req, const json::object& body) {
  const std::string token = string_field(body, "refresh_token");
  if (token.empty()) {
    AuthFailure failure(400, "validation_failed", "refresh_token required");
    throw failure;
  }
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  db::Query find{kFindRefreshToken, {token}};
  auto found = co_await tx.query(std::move(find));
  if (found.empty() || !bool_at(found, 0, 5)) {
    co_await tx.rollback();
    throw AuthFailure(400, "refresh_token_not_found",
                      "Invalid Refresh Token: Refresh Token Not Found");
  }
  const std::string session_id(found.text(0, 2));
  if (bool_at(found, 0, 1)) {
    // A spent token came back: someone holds a copy. End the whole session family.
    db::Query revoke{kRevokeSession, {session_id}};
    co_await tx.query(std::move(revoke));
    co_await tx.commit();
    throw AuthFailure(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used");
  }
  const std::string user_id(found.text(0, 3));
  const std::string aal(found.text(0, 4));
  const std::string next_token = random_token();
  std::vector<db::Query> batch;
  batch.push_back(db::Query{kRotateRefreshToken, {std::string(found.text(0, 0)), next_token}});
  batch.push_back(db::Query{kAmrClaims, {session_id}});
  batch.push_back(db::Query{kUserJson, {user_id}});
  auto results = co_await tx.batch(std::move(batch));
  co_await tx.commit();
  co_return make_session(req, read_user(results[2]), session_id, aal, amr_of(results[1]),
                         next_token);
}

asio::awaitable<auth::VerifiedToken> require_user(Request& req) {
  const auto token = http::bearer_token(req);
  if (token.empty() || http::is_anon_key(*req.services, token))
    throw AuthFailure(401, "no_authorization", "This endpoint requires a valid Bearer token");
  auto verified = co_await http::verify_bearer(*req.services, token);
  if (!verified || verified->sub.empty()) {
    throw AuthFailure(
        403, "bad_jwt",
        "invalid JWT: unable to parse or verify signature, " +
            (verified ? std::string("missing sub claim") : verified.problem().detail));
  }
  if (verified->session_id.empty())
    throw AuthFailure(403, "session_not_found",
                      "Session from session_id claim in JWT does not exist");
  db::Transaction tx(req.services->db, auth_server_identity(), true);
  db::Query alive{kSessionAlive, {verified->session_id, verified->sub}};
  auto r = co_await tx.query_and_commit(std::move(alive));
  if (r.empty())
    throw AuthFailure(403, "session_not_found",
                      "Session from session_id claim in JWT does not exist");
  co_return std::move(verified).value();
}

asio::awaitable<void> logout(Request& req, const auth::VerifiedToken& token,
                             std::string_view scope) {
  std::string_view sql = scope == "local"    ? kLogoutLocal
                         : scope == "others" ? kLogoutOthers
                                             : kLogoutGlobal;
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  db::Query q{sql, {token.sub, token.session_id}};
  if (sql == kLogoutGlobal) q.params.pop_back();
  co_await tx.query_and_commit(std::move(q));
}

asio::awaitable<json::object> user_json(Request& req, const std::string& user_id) {
  db::Transaction tx(req.services->db, auth_server_identity(), true);
  db::Query q{kUserJson, {user_id}};
  auto r = co_await tx.query_and_commit(std::move(q));
  co_return read_user(r).user;
}

asio::awaitable<json::object> update_user(Request& req, const auth::VerifiedToken& token,
                                          const json::object& body) {
  if (body.contains("app_metadata"))
    throw AuthFailure(403, "not_admin", "User not allowed to update app_metadata");
  std::optional<std::string> metadata;
  if (const auto* data = body.if_contains("data"); data != nullptr && !data->is_null()) {
    if (!data->is_object()) throw AuthFailure(400, "validation_failed", "data must be an object");
    metadata = json::serialize(*data);
  }
  std::optional<std::string> email;
  if (auto e = string_field(body, "email"); !e.empty()) {
    if (e.find('@') == std::string::npos)
      throw AuthFailure(400, "validation_failed",
                        "Unable to validate email address: invalid format");
    email = e;  // local autoconfirm: the change applies at once
  }
  std::optional<std::string> new_hash;
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  if (auto password = string_field(body, "password"); !password.empty()) {
    if (token.aal != "aal2") {
      db::Query count{kVerifiedFactorCount, {token.sub}};
      auto r = co_await tx.query(std::move(count));
      if (r.integer(0, "count") > 0) {
        co_await tx.rollback();
        throw AuthFailure(401, "insufficient_aal",
                          "AAL2 session is required to update email or password when MFA is "
                          "enabled.");
      }
    }
    check_password_strength(password);
    db::Query current{kUserPassword, {token.sub}};
    auto r = co_await tx.query(std::move(current));
    const std::string stored = r.empty() ? std::string() : std::string(r.text(0, 0));
    const auto rehashing = [password, stored]() -> std::optional<std::string> {
      if (!stored.empty() && auth::verify_password(password, stored)) return std::nullopt;
      return auth::hash_password(password);
    };
    auto hashed = co_await on_cpu_pool(req, rehashing);
    if (!hashed) {
      co_await tx.rollback();
      throw AuthFailure(422, "same_password",
                        "New password should be different from the old password.");
    }
    new_hash = std::move(hashed);
  }
  std::vector<db::Query> batch;
  batch.push_back(db::Query{kUpdateUser, {token.sub, metadata, new_hash, email}});
  batch.push_back(db::Query{kUserJson, {token.sub}});
  auto results = co_await tx.batch(std::move(batch));
  co_await tx.commit();
  co_return read_user(results[1]).user;
}

asio::awaitable<json::object> enroll_factor(Request& req, const auth::VerifiedToken& token,
                                            const json::object& body) {
  if (string_field(body, "factor_type") != "totp")
    throw AuthFailure(422, "validation_failed", "factor_type needs to be totp");
  const std::string friendly_name = string_field(body, "friendly_name");
  std::string issuer = string_field(body, "issuer");
  if (issuer.empty()) issuer = "Forecourt";
  const std::string secret = auth::base32_encode(auth::generate_totp_secret());
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  if (token.aal != "aal2") {
    db::Query count{kVerifiedFactorCount, {token.sub}};
    auto r = co_await tx.query(std::move(count));
    if (r.integer(0, "count") > 0) {
      co_await tx.rollback();
      throw AuthFailure(403, "insufficient_aal", "AAL2 required to enroll a new factor");
    }
  }
  db::Query insert{kInsertFactor, {token.sub, friendly_name, secret}};
  auto r = co_await tx.query(std::move(insert));
  co_await tx.commit();
  const std::string uri = auth::otpauth_uri(issuer, token.email, secret);
  // GoTrue sends the QR code as raw SVG; auth-js turns it into a data: URL.
  std::string svg = auth::qr_svg(auth::encode_qr(uri));
  co_return json::object{
      {"id", r.text(0, 0)},
      {"type", "totp"},
      {"friendly_name", friendly_name},
      {"totp", json::object{{"qr_code", svg}, {"secret", secret}, {"uri", uri}}}};
}

asio::awaitable<json::object> challenge_factor(Request& req, const auth::VerifiedToken& token,
                                               const std::string& factor_id) {
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  db::Query find{kUserFactor, {factor_id, token.sub}};
  if ((co_await tx.query(std::move(find))).empty()) {
    co_await tx.rollback();
    throw AuthFailure(404, "mfa_factor_not_found", "Factor not found");
  }
  db::Query insert{kInsertChallenge, {factor_id, req.client_ip}};
  auto r = co_await tx.query(std::move(insert));
  co_await tx.commit();
  co_return json::object{{"id", r.text(0, 0)},
                         {"type", "totp"},
                         {"expires_at", int_at(r, 0, 1) + kChallengeTtl.count()}};
}

asio::awaitable<Session> verify_factor(Request& req, const auth::VerifiedToken& token,
                                       const std::string& factor_id, const json::object& body) {
  const std::string challenge_id = string_field(body, "challenge_id");
  const std::string code = string_field(body, "code");
  const std::string totp_key = "totp:" + token.sub;
  co_await refuse_if_locked(req, totp_key);
  if (challenge_id.size() != 36)
    throw AuthFailure(400, "validation_failed", "challenge_id must be a UUID");
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  db::Query find{kUserFactor, {factor_id, token.sub}};
  auto factor = co_await tx.query(std::move(find));
  if (factor.empty()) {
    co_await tx.rollback();
    throw AuthFailure(404, "mfa_factor_not_found", "Factor not found");
  }
  db::Query open{kOpenChallenge, {challenge_id, factor_id}};
  auto challenge = co_await tx.query(std::move(open));
  if (challenge.empty() || bool_at(challenge, 0, 1) ||
      int_at(challenge, 0, 0) + kChallengeTtl.count() < unix_now()) {
    co_await tx.rollback();
    throw AuthFailure(422, "mfa_challenge_expired",
                      "MFA challenge has expired, verify against another challenge or create a "
                      "new challenge.");
  }
  auto secret = auth::base32_decode(factor.text(0, 1));
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  bool accepted = false;
  if (secret) {
    if (auto step = auth::verify_totp(*secret, code, now)) {
      db::Query accept{kAcceptTotpStep, {factor_id, std::to_string(*step)}};
      accepted = !(co_await tx.query(std::move(accept))).empty();  // empty: a replayed code
    }
  }
  if (!accepted) {
    co_await tx.rollback();
    const std::string failure_key = "totp:" + token.sub;
    co_await record_failure(req, failure_key);
    throw AuthFailure(422, "mfa_verification_failed", "Invalid TOTP code entered");
  }
  const std::string refresh_token = random_token();
  std::vector<db::Query> batch;
  batch.push_back(db::Query{kCompleteChallenge, {challenge_id, factor_id, token.session_id}});
  batch.push_back(db::Query{kReissueRefreshToken, {token.session_id, refresh_token, token.sub}});
  batch.push_back(db::Query{kAmrClaims, {token.session_id}});
  batch.push_back(db::Query{kUserJson, {token.sub}});
  auto results = co_await tx.batch(std::move(batch));
  co_await tx.commit();
  co_return make_session(req, read_user(results[3]), token.session_id, "aal2", amr_of(results[2]),
                         refresh_token);
}

asio::awaitable<json::object> unenroll_factor(Request& req, const auth::VerifiedToken& token,
                                              const std::string& factor_id) {
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  db::Query find{kUserFactor, {factor_id, token.sub}};
  auto factor = co_await tx.query(std::move(find));
  if (factor.empty()) {
    co_await tx.rollback();
    throw AuthFailure(404, "mfa_factor_not_found", "Factor not found");
  }
  if (factor.text(0, 0) == "verified" && token.aal != "aal2") {
    co_await tx.rollback();
    throw AuthFailure(422, "insufficient_aal", "AAL2 required to unenroll verified factor");
  }
  db::Query del{kDeleteFactor, {factor_id, token.sub}};
  co_await tx.query(std::move(del));
  co_await tx.commit();
  co_return json::object{{"id", factor_id}};
}

// ---------------------------------------------------------------- email sign-in (OTP, links)
namespace {

constexpr std::string_view kFindForEmail =
    "select id::text, email_confirmed_at is not null, coalesce(banned_until > now(), false) "
    "from auth.users where lower(email) = lower($1) and deleted_at is null and not is_sso_user "
    "for update";

// A user created by an email sign-in: no password, unconfirmed until the code comes back.
constexpr std::string_view kInsertEmailUser =
    "with u as (insert into auth.users (instance_id, id, aud, role, email, encrypted_password,"
    " confirmation_token, recovery_token, email_change_token_new, email_change,"
    " raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at, "
    "is_anonymous)"
    " values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', "
    "'authenticated', lower($1), '', '', '', '', '',"
    " '{\"provider\":\"email\",\"providers\":[\"email\"]}'::jsonb, $2::jsonb, false, now(), "
    "now(), false)"
    " returning id, email),"
    " i as (insert into auth.identities (provider_id, user_id, identity_data, provider, "
    "created_at, updated_at)"
    " select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, "
    "'email_verified', false, 'phone_verified', false), 'email', now(), now() from u)"
    " select id::text from u";

constexpr std::string_view kStoreConfirmationToken =
    "update auth.users set confirmation_token = $2, confirmation_sent_at = now(), "
    "updated_at = now() where id = $1::uuid";
constexpr std::string_view kStoreRecoveryToken =
    "update auth.users set recovery_token = $2, recovery_sent_at = now(), updated_at = now() "
    "where id = $1::uuid";
constexpr std::string_view kEmitEmail =
    "select private.emit_event('auth.email', 'auth.users', $1::uuid, $2::jsonb)";

// The stored token hashes and whether each is still fresh ($2: lifetime in seconds).
constexpr std::string_view kTokenColumns =
    "select id::text, coalesce(confirmation_token, ''),"
    " coalesce(confirmation_sent_at > now() - make_interval(secs => $2::int), false),"
    " coalesce(recovery_token, ''),"
    " coalesce(recovery_sent_at > now() - make_interval(secs => $2::int), false),"
    " coalesce(banned_until > now(), false) from auth.users ";
const std::string kTokensByEmail =
    std::string(kTokenColumns) +
    "where lower(email) = lower($1) and deleted_at is null and not is_sso_user for update";
const std::string kTokensByHash =
    std::string(kTokenColumns) +
    "where (confirmation_token = $1 or recovery_token = $1) and deleted_at is null for update";

// Spent: both outstanding tokens go (the mailbox is proven either way) and the address counts
// as confirmed.
constexpr std::string_view kConsumeTokens =
    "update auth.users set confirmation_token = '', recovery_token = '',"
    " email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() "
    "where id = $1::uuid";

constexpr std::string_view kMailbox =
    "select id, payload::text, to_char(created_at at time zone 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from public.outbox "
    "where event = 'auth.email' and lower(payload->>'email') = lower($1) "
    "order by id desc limit 20";

const char* const kInvalidToken = "Token has expired or is invalid";

bool looks_like_email(const std::string& email) {
  const auto at = email.find('@');
  return at != std::string::npos && at > 0 && at + 1 < email.size() && email.size() <= 255 &&
         email.find_first_of(" \t\r\n") == std::string::npos;
}

std::string six_digit_code() {
  std::string code = std::to_string(randombytes_uniform(1000000));
  code.insert(0, 6 - code.size(), '0');
  return code;
}

// Which stored token a verification type may use: 1 confirmation, 2 recovery, 3 either.
int token_columns_for(std::string_view type) {
  if (type == "signup" || type == "invite") return 1;
  if (type == "magiclink" || type == "recovery") return 2;
  if (type == "email") return 3;
  return 0;  // email_change, sms, phone_change: never issued here
}

bool same_hash(std::string_view a, std::string_view b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Does `hash` match a fresh stored token the type may use? Both columns are compared, in
// constant time, whatever the type.
bool token_matches(const db::PgResult& row, std::string_view hash, std::string_view type) {
  const int allowed = token_columns_for(type);
  const bool confirmation = same_hash(hash, row.text(0, 1)) && bool_at(row, 0, 2);
  const bool recovery = same_hash(hash, row.text(0, 3)) && bool_at(row, 0, 4);
  return ((allowed & 1) != 0 && confirmation) || ((allowed & 2) != 0 && recovery);
}

std::string url_encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

// One email per address per interval, whether or not the address has an account.
asio::awaitable<void> refuse_if_sent_recently(Request& req, const std::string& email) {
  const auto interval = req.services->config.email_resend_interval.count();
  if (interval <= 0) co_return;
  bool fresh = true;
  try {
    std::vector<std::string> set{"SET", "auth:mail:" + sha256_hex(lower_case(email)),
                                 "1",   "NX",
                                 "EX",  std::to_string(interval)};
    auto reply = co_await req.services->redis.command(std::move(set));
    fresh = reply.type != redis::Reply::Type::nil;
  } catch (const redis::RedisUnavailable&) {
    co_return;
  }
  if (!fresh) {
    AuthFailure failure(429, "over_email_send_rate_limit",
                        "For security purposes, you can only request this after " +
                            std::to_string(interval) + " seconds.");
    failure.retry_after = interval;
    throw failure;
  }
}

struct EmailToken {
  std::string template_name;  // GoTrue's: confirmation | magic_link | recovery
  std::string verify_type;    // the link's type: signup | magiclink | recovery
  std::string_view store_sql;
};

EmailToken email_token_for(EmailKind kind, bool confirmed) {
  if (!confirmed) return {"confirmation", "signup", kStoreConfirmationToken};
  if (kind == EmailKind::recovery) return {"recovery", "recovery", kStoreRecoveryToken};
  return {"magic_link", "magiclink", kStoreRecoveryToken};
}

json::object email_payload(const Request& req, const EmailToken& token, const std::string& email,
                           const std::string& code, const std::string& hash) {
  const auto& config = req.services->config;
  const std::string redirect = redirect_target(req, req.params.string("redirect_to"));
  std::string link = config.public_base_url;
  link.append("/auth/v1/verify?token=").append(hash).append("&type=").append(token.verify_type);
  link.append("&redirect_to=").append(url_encode(redirect));
  const std::string subject = token.template_name == "recovery"       ? "Reset your password"
                              : token.template_name == "confirmation" ? "Confirm your email"
                                                                      : "Your sign-in link";
  return json::object{{"template", token.template_name},
                      {"subject", subject},
                      {"email", email},
                      {"otp", code},
                      {"token_hash", hash},
                      {"verify_type", token.verify_type},
                      {"link", link},
                      {"redirect_to", redirect},
                      {"expires_at", unix_now() + config.otp_expiry.count()}};
}

// Issues the token on an existing or new user and queues the email, in `tx`; commits.
asio::awaitable<void> issue_email_token(Request& req, db::Transaction& tx,
                                        const std::string& user_id, bool confirmed,
                                        const std::string& email, EmailKind kind) {
  const EmailToken token = email_token_for(kind, confirmed);
  const std::string code = six_digit_code();
  const std::string hash = sha224_hex(lower_case(email) + code);
  const json::object payload = email_payload(req, token, lower_case(email), code, hash);
  std::vector<db::Query> batch;
  batch.push_back(db::Query{token.store_sql, {user_id, hash}});
  batch.push_back(db::Query{kEmitEmail, {user_id, json::serialize(payload)}});
  co_await tx.batch(std::move(batch));
  co_await tx.commit();
  // Never the code, the hash or the address: the dev mailbox shows those when it is on.
  log::info("auth email queued",
            {{"template", token.template_name},
             {"user_id", user_id},
             {"dev_mailbox", req.services->config.dev_mailbox ? "GET /auth/v1/dev/mailbox?email=…"
                                                              : "off (DEV_MAILBOX=false)"}});
}

json::object metadata_of(const json::object& body) {
  const auto* data = body.if_contains("data");
  if (data == nullptr || data->is_null()) return {};
  if (!data->is_object()) throw AuthFailure(400, "validation_failed", "data must be an object");
  return data->as_object();
}

// The shared end of both verify forms: check, spend, start an aal1 session.
asio::awaitable<Session> redeem_email_token(Request& req, const std::string& throttle_email,
                                            std::string_view lookup_sql,
                                            const std::string& lookup_key, const std::string& hash,
                                            const std::string& type) {
  co_await refuse_if_locked(req, throttle_email);
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  const std::string lifetime = std::to_string(req.services->config.otp_expiry.count());
  db::Query find{lookup_sql, {lookup_key, lifetime}};
  auto row = co_await tx.query(std::move(find));
  if (row.empty() || !token_matches(row, hash, type) || bool_at(row, 0, 5)) {
    co_await tx.rollback();
    co_await record_failure(req, throttle_email);
    throw AuthFailure(403, "otp_expired", kInvalidToken);
  }
  const std::string user_id(row.text(0, 0));
  db::Query consume{kConsumeTokens, {user_id}};
  co_await tx.query(std::move(consume));
  co_await clear_account_failures(req, throttle_email);
  co_return co_await start_session(req, tx, user_id, type == "recovery" ? "recovery" : "otp");
}

}  // namespace

std::string redirect_target(const Request& req, std::string_view requested) {
  const auto& config = req.services->config;
  const auth::RedirectPolicy policy{config.site_url, config.uri_allow_list};
  return auth::safe_redirect(policy, requested);
}

asio::awaitable<void> send_email_token(Request& req, const json::object& body, EmailKind kind) {
  const std::string email = string_field(body, "email");
  if (email.empty() && !string_field(body, "phone").empty())
    throw AuthFailure(400, "phone_provider_disabled", "Unsupported phone provider");
  if (!looks_like_email(email))
    throw AuthFailure(400, "validation_failed", "Unable to validate email address: invalid format");
  // PKCE needs flow state this server does not keep: refuse rather than send a link whose
  // tokens the client would not look for.
  if (!string_field(body, "code_challenge").empty())
    throw AuthFailure(400, "validation_failed",
                      "PKCE (code_challenge) is not supported here; use the implicit flow");
  const json::object metadata = metadata_of(body);
  bool create_user = kind != EmailKind::recovery;
  if (const auto* c = body.if_contains("create_user"); c != nullptr && c->is_bool())
    create_user = create_user && c->as_bool();
  co_await refuse_if_sent_recently(req, email);
  db::Transaction tx(req.services->db, auth_server_identity(), false);
  db::Query find{kFindForEmail, {email}};
  auto found = co_await tx.query(std::move(find));
  if (!found.empty() && !bool_at(found, 0, 2)) {
    const std::string user_id(found.text(0, 0));
    co_await issue_email_token(req, tx, user_id, bool_at(found, 0, 1), email, kind);
    co_return;
  }
  if (found.empty() && create_user) {
    db::Query insert{kInsertEmailUser, {email, json::serialize(metadata)}};
    auto created = co_await tx.query(std::move(insert));
    const std::string user_id(created.text(0, 0));
    co_await issue_email_token(req, tx, user_id, false, email, kind);
    co_return;
  }
  // No account (and none to create) or a banned one: the same 200 {}, no email. GoTrue
  // answers create_user:false with 422 otp_disabled here; that tells who has an account.
  co_await tx.rollback();
  log::info("auth email not sent: no account that may sign in", {});
}

asio::awaitable<Session> verify_email_token(Request& req, const json::object& body) {
  const std::string type = string_field(body, "type");
  const std::string email = string_field(body, "email");
  const std::string token = string_field(body, "token");
  const std::string token_hash = string_field(body, "token_hash");
  if (type.empty())
    throw AuthFailure(400, "validation_failed", "Verify requires a verification type");
  if (token.empty() == token_hash.empty())
    throw AuthFailure(400, "validation_failed", "Verify requires either a token or a token hash");
  if (!string_field(body, "phone").empty())
    throw AuthFailure(400, "phone_provider_disabled", "Unsupported phone provider");
  if (!token_hash.empty()) {
    if (!email.empty())
      throw AuthFailure(400, "validation_failed",
                        "Only the token_hash and type should be provided");
    co_return co_await verify_email_link(req, token_hash, type);
  }
  if (!looks_like_email(email))
    throw AuthFailure(400, "validation_failed", "Verify with a token requires an email");
  std::string digits = token;
  std::erase(digits, '-');  // GoTrue accepts codes typed as 123-456
  const std::string hash = sha224_hex(lower_case(email) + digits);
  co_return co_await redeem_email_token(req, email, kTokensByEmail, email, hash, type);
}

asio::awaitable<Session> verify_email_link(Request& req, const std::string& token_hash,
                                           const std::string& type) {
  const std::string no_account;  // the hash names no address: throttled per IP
  co_return co_await redeem_email_token(req, no_account, kTokensByHash, token_hash, token_hash,
                                        type);
}

asio::awaitable<json::array> dev_mailbox(Request& req, const std::string& email) {
  db::Transaction tx(req.services->db, auth_server_identity(), true);
  db::Query q{kMailbox, {email}};
  auto r = co_await tx.query_and_commit(std::move(q));
  json::array messages;
  for (int i = 0; i < r.rows(); ++i) {
    auto message = json::parse(r.text(i, 1)).as_object();
    message["id"] = int_at(r, i, 0);
    message["created_at"] = r.text(i, 2);
    messages.push_back(std::move(message));
  }
  co_return messages;
}

}  // namespace forecourt::api::auth_flows
