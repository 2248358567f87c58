#pragma once
// The embedded auth provider's flows (sign-up, password sign-in, refresh-token rotation,
// logout, the user record, TOTP MFA), against the GoTrue-shaped auth.* tables through
// service_role transactions. Both wire formats use them: the GoTrue API under /auth/v1
// (api/gotrue.cpp) and the spec's /auth/login, /auth/refresh, ... (api/auth_routes.cpp).
// A refusal is an AuthFailure carrying GoTrue's status and error code; each API renders it
// in its own error format.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "auth/jwt.hpp"
#include "http/types.hpp"

namespace forecourt::api::auth_flows {

class AuthFailure : public std::runtime_error {
 public:
  AuthFailure(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  [[nodiscard]] int status() const { return status_; }
  [[nodiscard]] const std::string& code() const { return code_; }
  boost::json::object extra;     // e.g. weak_password: {reasons: [...]}
  std::int64_t retry_after = 0;  // seconds, for 429

 private:
  int status_;
  std::string code_;
};

// GoTrue's AccessTokenResponse: {access_token, token_type, expires_in, expires_at,
// refresh_token, user}.
struct Session {
  boost::json::object body;
  std::string user_id;
  std::string session_id;
};

// Brute-force protection for any password sign-in, embedded or proxied to Supabase Auth
// (auth/throttle.hpp): 429 over_request_rate_limit while the account or the client IP is
// locked; failures are counted per account (hash of the e-mail) and per IP.
boost::asio::awaitable<void> refuse_locked_sign_in(http::Request& req, const std::string& email);
boost::asio::awaitable<void> count_failed_sign_in(http::Request& req, const std::string& email);
boost::asio::awaitable<void> forget_failed_sign_ins(http::Request& req, const std::string& email);

boost::asio::awaitable<Session> sign_up(http::Request& req, const boost::json::object& body);
boost::asio::awaitable<Session> sign_in_with_password(http::Request& req,
                                                      const boost::json::object& body);
boost::asio::awaitable<Session> refresh(http::Request& req, const boost::json::object& body);

// The bearer of a GoTrue call, verified and its session still present: 401 no_authorization
// without one, 403 bad_jwt / session_not_found / user_not_found otherwise.
boost::asio::awaitable<auth::VerifiedToken> require_user(http::Request& req);

// scope: global | local | others.
boost::asio::awaitable<void> logout(http::Request& req, const auth::VerifiedToken& token,
                                    std::string_view scope);
// GoTrue's User JSON.
boost::asio::awaitable<boost::json::object> user_json(http::Request& req,
                                                      const std::string& user_id);
boost::asio::awaitable<boost::json::object> update_user(http::Request& req,
                                                        const auth::VerifiedToken& token,
                                                        const boost::json::object& body);

// TOTP MFA.
boost::asio::awaitable<boost::json::object> enroll_factor(http::Request& req,
                                                          const auth::VerifiedToken& token,
                                                          const boost::json::object& body);
boost::asio::awaitable<boost::json::object> challenge_factor(http::Request& req,
                                                             const auth::VerifiedToken& token,
                                                             const std::string& factor_id);
boost::asio::awaitable<Session> verify_factor(http::Request& req, const auth::VerifiedToken& token,
                                              const std::string& factor_id,
                                              const boost::json::object& body);
boost::asio::awaitable<boost::json::object> unenroll_factor(http::Request& req,
                                                            const auth::VerifiedToken& token,
                                                            const std::string& factor_id);

// Email sign-in, as GoTrue: one email carries both a 6-digit code (verifyOtp) and a link to
// GET /auth/v1/verify. The token is stored only as hex(sha224(email + code)), on the user
// row (confirmation_token for unconfirmed users, recovery_token otherwise), expires after
// AUTH_OTP_EXPIRY_S and is spent by its first successful use. The email itself is an
// `auth.email` event in public.outbox, written in the token's transaction. The answer never
// depends on whether the address has an account.
enum class EmailKind { otp, magiclink, recovery };
boost::asio::awaitable<void> send_email_token(http::Request& req, const boost::json::object& body,
                                              EmailKind kind);
// POST /verify {type, email + token | token_hash}: a session, or 403 otp_expired.
boost::asio::awaitable<Session> verify_email_token(http::Request& req,
                                                   const boost::json::object& body);
// GET /verify?token=<token_hash>&type=...: the same check for the emailed link.
boost::asio::awaitable<Session> verify_email_link(http::Request& req, const std::string& token_hash,
                                                  const std::string& type);
// Where a link may redirect: redirect_to when SITE_URL / URI_ALLOW_LIST allow it, else
// SITE_URL.
std::string redirect_target(const http::Request& req, std::string_view requested);
// The dev mailbox (DEV_MAILBOX=true only): the newest auth emails queued for an address.
boost::asio::awaitable<boost::json::array> dev_mailbox(http::Request& req,
                                                       const std::string& email);

// The request body as a JSON object ({} when empty); 400 bad_json otherwise.
boost::json::object body_object(const http::Request& req);

}  // namespace forecourt::api::auth_flows
