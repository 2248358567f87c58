#pragma once
// The auth stage: who is calling, and may they use this route. Runs right after routing
// (it reads Route::access and Route::sensitive):
//   * resolves the client IP (X-Forwarded-For only from TRUSTED_PROXIES);
//   * no token, the anon key, or a Supabase API key (sb_publishable_/sb_secret_) as the
//     bearer: anonymous. Any other bearer must verify (ES256/RS256/HS256, exp/nbf/iat, aud,
//     iss when configured) or the request is refused with 401, on public routes too;
//   * the verified sub maps to profiles.id; the app role (customer/staff/admin) comes from the
//     profile, cached per I/O thread for kRoleCacheTtl;
//   * Route::access decides 401/403; Route::sensitive also needs the client IP in
//     ADMIN_IP_ALLOWLIST and an aal2 token (403 mfa_required).
// /auth/v1/* (the embedded GoTrue API) authenticates in its handlers, in GoTrue's wire format.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "auth/jwt.hpp"
#include "core/result.hpp"
#include "http/errors.hpp"
#include "http/pipeline.hpp"
#include "http/types.hpp"

namespace forecourt::http {

inline constexpr std::chrono::milliseconds kRoleCacheTtl{30'000};

boost::asio::awaitable<Response> auth_stage(Request& req, const Next& next);

// The bearer token of the Authorization header ("" when absent or not "Bearer").
std::string_view bearer_token(const Request& req);

// True for bearers that mean "anonymous": the configured anon key and Supabase API keys.
bool is_anon_key(const Services& services, std::string_view bearer);

// verify_jwt with the process' keys; an unknown kid reloads the keys once (rate-limited): the
// embedded signing keys from the database, or in AUTH_MODE=supabase the project's JWKS, so a
// key rotated in since the last load verifies.
boost::asio::awaitable<Result<auth::VerifiedToken>> verify_bearer(Services& services,
                                                                  std::string_view token);

// Reloads private.auth_signing_keys into the AuthService (periodically and on unknown kids).
boost::asio::awaitable<void> reload_signing_keys(Services& services);

// profiles.role for a user id, "" when there is no profile. Cached per I/O thread.
boost::asio::awaitable<std::string> app_role_for(Services& services, const std::string& user_id);

// The 401 for a refused token, with a code per reason (token_expired, bad_signature,
// wrong_audience, unsupported_alg, malformed_token, unknown_kid, ...).
HttpError token_error(const Problem& problem);

}  // namespace forecourt::http
