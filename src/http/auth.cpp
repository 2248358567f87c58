#include "http/auth.hpp"

#include <boost/json.hpp>

#include "app/services.hpp"
#include "auth/cidr.hpp"
#include "auth/jwks_source.hpp"
#include "auth/password.hpp"
#include "core/log.hpp"
#include "db/tx.hpp"
#include "http/errors.hpp"
#include "http/route.hpp"

namespace forecourt::http {
namespace asio = boost::asio;

namespace {

constexpr std::string_view kProfileRole =
    "select role::text from public.profiles where id = $1::uuid";
constexpr std::string_view kPublishedKeys =
    "select kid, private_pem, public_jwk::text, "
    "       (retired_at is null and activated_at <= now()) as active "
    "from private.auth_signing_keys "
    "where retired_at is null or publish_until > now() "
    "order by activated_at desc";

constexpr std::string_view kAuthPrefix = "/auth/v1/";

HttpError unauthorized(std::string code, std::string detail) {
  HttpError e(401, std::move(code), std::move(detail));
  e.with_header("WWW-Authenticate", R"(Bearer realm="forecourt")");
  return e;
}

bool valid_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// Supabase's legacy API keys are JWTs without aud or sub ({"role":"anon"|"service_role"}).
// Verified with the same keys, they mean "no user": anonymous (never service_role here).
asio::awaitable<bool> is_legacy_api_key_jwt(Services& services, std::string_view token) {
  auth::VerifyOptions options = services.auth->verify_options();
  options.audience.clear();
  options.issuer.reset();
  auto verified = auth::verify_jwt(token, services.auth->keys(), options);
  co_return verified && verified->sub.empty() &&
      (verified->role == "anon" || verified->role == "service_role");
}

// Fills req.caller from a verified user token.
asio::awaitable<void> establish_user(Request& req, const auth::VerifiedToken& token) {
  if (!valid_uuid(token.sub))
    throw unauthorized("invalid_token", "The token's sub is not a user id.");
  const std::string role = co_await app_role_for(*req.services, token.sub);
  if (role.empty())
    throw unauthorized("user_not_found", "The token names a user that does not exist here.");
  req.caller.db_role = "authenticated";
  req.caller.user_id = token.sub;
  req.caller.app_role = role;
  req.caller.aal = token.aal.empty() ? "aal1" : token.aal;
  req.caller.claims_json = boost::json::serialize(token.claims);
}

int rank(std::string_view app_role) {
  if (app_role == "admin") return 3;
  if (app_role == "staff") return 2;
  if (app_role == "customer") return 1;
  return 0;
}

void enforce_access(const Request& req, const auth::AuthService& auth) {
  const Route& route = *req.route;
  if (route.access == Access::public_) return;
  if (req.caller.user_id.empty())
    throw unauthorized("authentication_required",
                       "Sign in first: this endpoint needs a Bearer access token.");
  const int needed = route.access == Access::admin ? 3 : route.access == Access::staff ? 2 : 1;
  if (rank(req.caller.app_role) < needed) {
    throw HttpError(
        403, "insufficient_role",
        std::string("This endpoint needs the ") + (needed == 3 ? "admin" : "staff") + " role.");
  }
  if (!route.sensitive) return;
  if (!auth.admin_allowlist().contains(req.client_ip)) {
    throw HttpError(403, "ip_not_allowed",
                    "This administrative endpoint is only served to addresses in "
                    "ADMIN_IP_ALLOWLIST.");
  }
  if (req.caller.aal != "aal2") {
    throw HttpError(403, "mfa_required",
                    "Complete multi-factor authentication (verify a TOTP factor to reach aal2), "
                    "then retry with the new access token.");
  }
}

}  // namespace

HttpError token_error(const Problem& problem) {
  static const std::map<std::string, std::string, std::less<>> kMessages = {
      {"token_expired", "The access token has expired; refresh the session."},
      {"token_not_yet_valid", "The access token is not valid yet; check the clocks."},
      {"bad_signature", "The access token's signature does not verify."},
      {"wrong_audience", "The access token is meant for another audience."},
      {"wrong_issuer", "The access token comes from another issuer."},
      {"unsupported_alg", "The access token uses an algorithm that is not accepted."},
      {"unknown_kid", "The access token was signed by an unknown key."},
      {"missing_claim", "The access token lacks a required claim."},
  };
  auto it = kMessages.find(problem.code);
  std::string detail = it != kMessages.end() ? it->second : "The access token is malformed.";
  std::string code = it != kMessages.end() ? problem.code : "malformed_token";
  return unauthorized(std::move(code), std::move(detail));
}

std::string_view bearer_token(const Request& req) {
  std::string_view h = req.header("Authorization");
  if (h.size() < 7) return {};
  auto scheme = h.substr(0, 7);
  bool bearer = true;
  for (std::size_t i = 0; i < 6; ++i) {
    if (std::tolower(static_cast<unsigned char>(scheme[i])) != "bearer"[i]) bearer = false;
  }
  if (!bearer || scheme[6] != ' ') return {};
  h.remove_prefix(7);
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  return h;
}

bool is_anon_key(const Services& services, std::string_view bearer) {
  if (auth::looks_like_api_key(bearer)) return true;
  const auto& anon = services.config.supabase_anon_key;
  return !anon.empty() && auth::constant_time_equal(bearer, anon);
}

asio::awaitable<void> reload_signing_keys(Services& services) {
  auto identity = db::service_role_identity("reload embedded auth signing keys");
  db::Transaction tx(services.db, identity, true);
  auto r = co_await tx.query_and_commit(db::Query{kPublishedKeys, {}});
  std::vector<auth::StoredKey> keys;
  bool signer_seen = false;
  for (int i = 0; i < r.rows(); ++i) {
    auth::StoredKey k{std::string(r.text(i, 0)), std::string(r.text(i, 1)),
                      std::string(r.text(i, 2)), false};
    if (r.text(i, 3) == "t" && !signer_seen) k.signer = signer_seen = true;
    keys.push_back(std::move(k));
  }
  if (!keys.empty()) services.auth->install_signing_keys(keys);
}

asio::awaitable<Result<auth::VerifiedToken>> verify_bearer(Services& services,
                                                           std::string_view token) {
  auto& auth = *services.auth;
  auto verified = auth::verify_jwt(token, auth.keys(), auth.verify_options());
  if (verified || verified.problem().code != "unknown_kid") co_return verified;
  // A kid we have not seen: perhaps a key rotated in since we loaded ours. Each source is
  // rate-limited, so a flood of forged kids cannot turn into a reload per request.
  bool reloaded = false;
  if (auth.embedded()) {
    if (auth.claim_key_reload()) {
      try {
        co_await reload_signing_keys(services);
        reloaded = true;
      } catch (const std::exception& e) {
        log::warn("could not reload signing keys", {{"error", e.what()}});
      }
    }
  } else if (auth::JwksSource* jwks = auth.jwks_source(); jwks != nullptr) {
    reloaded = co_await jwks->refresh_for_unknown_kid();
  }
  if (reloaded) verified = auth::verify_jwt(token, auth.keys(), auth.verify_options());
  co_return verified;
}

asio::awaitable<std::string> app_role_for(Services& services, const std::string& user_id) {
  if (auto hit = services.role_cache.get(user_id)) co_return *hit;
  auto identity = db::service_role_identity("map token sub to profiles.role");
  db::Transaction tx(services.db, identity, true);
  db::Query q{kProfileRole, {user_id}};
  auto r = co_await tx.query_and_commit(std::move(q));
  std::string role = r.empty() ? std::string() : std::string(r.text(0, 0));
  services.role_cache.put(user_id, role, kRoleCacheTtl);
  co_return role;
}

asio::awaitable<Response> auth_stage(Request& req, const Next& next) {
  if (req.services == nullptr || req.services->auth == nullptr) co_return co_await next(req);
  auto& auth = *req.services->auth;
  // req.client_ip was resolved (trusted proxies only) by the forwarded stage.
  if (req.path.starts_with(kAuthPrefix)) co_return co_await next(req);

  const std::string_view header = req.header("Authorization");
  const std::string_view token = bearer_token(req);
  if (!header.empty() && token.empty())
    throw unauthorized("malformed_authorization", "Authorization must be 'Bearer <token>'.");
  if (!token.empty() && !is_anon_key(*req.services, token)) {
    auto verified = co_await verify_bearer(*req.services, token);
    if (verified) {
      if (verified->sub.empty()) {
        // An API-key JWT (anon/service_role) carries no aud and fails before this; a token
        // with aud but no sub names nobody.
        throw unauthorized("invalid_token", "The token names no user.");
      }
      co_await establish_user(req, *verified);
    } else {
      bool api_key = false;
      if (verified.problem().code == "missing_claim" && verified.problem().field == "aud")
        api_key = co_await is_legacy_api_key_jwt(*req.services, token);
      if (!api_key) throw token_error(verified.problem());
    }
  }
  enforce_access(req, auth);
  co_return co_await next(req);
}

}  // namespace forecourt::http
