// The embedded GoTrue API under /auth/v1 (AUTH_MODE=embedded): the paths, bodies, responses
// and error JSON that @supabase/auth-js expects (shared/guide/supabase-compat.md §1). The
// flows live in api/auth_flows.cpp; this file is the wire format.
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <map>
#include <optional>

#include "api/auth_flows.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "app/services.hpp"
#include "http/error_format.hpp"
#include "http/route.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
namespace json = boost::json;
using auth_flows::AuthFailure;
using http::Request;
using http::Response;

namespace {

Response gotrue_error(const Request& req, const AuthFailure& failure) {
  return http::gotrue_error_response(req, failure.status(), failure.code(), failure.what(),
                                     failure.extra, failure.retry_after);
}

// Every GoTrue handler answers refusals in GoTrue's format, not JSON:API.
http::Handler gotrue(std::function<asio::awaitable<Response>(Request&)> handler) {
  return [handler = std::move(handler)](Request& req) -> asio::awaitable<Response> {
    std::optional<AuthFailure> failure;
    try {
      co_return co_await handler(req);
    } catch (const AuthFailure& f) {
      failure = f;
    }
    co_return gotrue_error(req, *failure);
  };
}

Response session_response(const auth_flows::Session& session) {
  Response res = http::json_response(200, session.body);
  res.set("sb-auth-user-id", session.user_id);
  res.set("sb-auth-session-id", session.session_id);
  res.set(boost::beast::http::field::cache_control, "no-store");
  return res;
}

asio::awaitable<Response> signup(Request& req) {
  auto body = auth_flows::body_object(req);
  auto session = co_await auth_flows::sign_up(req, body);
  co_return session_response(session);
}

asio::awaitable<Response> token(Request& req) {
  auto body = auth_flows::body_object(req);
  if (req.params.string("grant_type") == "refresh_token") {
    auto session = co_await auth_flows::refresh(req, body);
    co_return session_response(session);
  }
  auto session = co_await auth_flows::sign_in_with_password(req, body);
  co_return session_response(session);
}

asio::awaitable<Response> logout(Request& req) {
  auto token = co_await auth_flows::require_user(req);
  const std::string scope = req.params.string("scope", "global");
  co_await auth_flows::logout(req, token, scope);
  co_return http::empty_response(204);
}

asio::awaitable<Response> get_user(Request& req) {
  auto token = co_await auth_flows::require_user(req);
  auto user = co_await auth_flows::user_json(req, token.sub);
  co_return http::json_response(200, json::value(std::move(user)));
}

asio::awaitable<Response> put_user(Request& req) {
  auto token = co_await auth_flows::require_user(req);
  auto body = auth_flows::body_object(req);
  auto user = co_await auth_flows::update_user(req, token, body);
  co_return http::json_response(200, json::value(std::move(user)));
}

asio::awaitable<Response> jwks(Request& req) {
  Response res = http::json_response(200, req.services->auth->jwks_json());
  res.set(boost::beast::http::field::cache_control, "public, max-age=600");
  co_return res;
}

asio::awaitable<Response> settings(Request& /*req*/) {
  static const json::value kSettings = schemas::json(
      R"({"external":{"email":true,"phone":false,"anonymous_users":false},
          "disable_signup":false,"mailer_autoconfirm":true,"phone_autoconfirm":false,
          "sms_provider":"","saml_enabled":false})");
  co_return http::json_response(200, kSettings);
}

asio::awaitable<Response> enroll(Request& req) {
  auto token = co_await auth_flows::require_user(req);
  auto body = auth_flows::body_object(req);
  auto factor = co_await auth_flows::enroll_factor(req, token, body);
  co_return http::json_response(200, json::value(std::move(factor)));
}

asio::awaitable<Response> challenge(Request& req) {
  auto token = co_await auth_flows::require_user(req);
  const std::string factor = req.params.string("factor_id");
  auto challenge = co_await auth_flows::challenge_factor(req, token, factor);
  co_return http::json_response(200, json::value(std::move(challenge)));
}

asio::awaitable<Response> verify(Request& req) {
  auto token = co_await auth_flows::require_user(req);
  auto body = auth_flows::body_object(req);
  const std::string factor = req.params.string("factor_id");
  auto session = co_await auth_flows::verify_factor(req, token, factor, body);
  co_return session_response(session);
}

asio::awaitable<Response> unenroll(Request& req) {
  auto token = co_await auth_flows::require_user(req);
  const std::string factor = req.params.string("factor_id");
  auto removed = co_await auth_flows::unenroll_factor(req, token, factor);
  co_return http::json_response(200, json::value(std::move(removed)));
}

// ---------------------------------------------------------------- email sign-in
asio::awaitable<Response> otp(Request& req) {
  auto body = auth_flows::body_object(req);
  co_await auth_flows::send_email_token(req, body, auth_flows::EmailKind::otp);
  co_return http::json_response(200, json::object{});
}

asio::awaitable<Response> magiclink(Request& req) {
  auto body = auth_flows::body_object(req);
  co_await auth_flows::send_email_token(req, body, auth_flows::EmailKind::magiclink);
  co_return http::json_response(200, json::object{});
}

asio::awaitable<Response> recover(Request& req) {
  auto body = auth_flows::body_object(req);
  co_await auth_flows::send_email_token(req, body, auth_flows::EmailKind::recovery);
  co_return http::json_response(200, json::object{});
}

asio::awaitable<Response> verify_otp(Request& req) {
  auto body = auth_flows::body_object(req);
  auto session = co_await auth_flows::verify_email_token(req, body);
  co_return session_response(session);
}

// Go's url.Values.Encode: keys sorted, values escaped; GoTrue's redirects are built so.
std::string encode_fragment(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [key, value] : values) {
    if (!out.empty()) out.push_back('&');
    out.append(key).append("=").append(boost::urls::encode(value, boost::urls::unreserved_chars));
  }
  return out;
}

Response see_other(std::string location, const std::map<std::string, std::string>& fragment) {
  // GoTrue replaces any fragment of redirect_to with its own.
  location.erase(std::min(location.find('#'), location.size()));
  location.append("#").append(encode_fragment(fragment));
  Response res = http::empty_response(303);
  res.set(boost::beast::http::field::location, location);
  res.set(boost::beast::http::field::cache_control, "no-store");
  return res;
}

// The emailed link: a browser arrives without headers and leaves for redirect_to (or
// SITE_URL) with the session, or GoTrue's error, in the URL fragment, which never reaches a
// server.
asio::awaitable<Response> verify_link(Request& req) {
  const std::string type = req.params.string("type");
  const std::string token = req.params.string("token");
  const std::string target = auth_flows::redirect_target(req, req.params.string("redirect_to"));
  std::optional<AuthFailure> failure;
  try {
    auto session = co_await auth_flows::verify_email_link(req, token, type);
    const auto& b = session.body;
    co_return see_other(target, {{"access_token", std::string(b.at("access_token").as_string())},
                                 {"expires_at", std::to_string(b.at("expires_at").as_int64())},
                                 {"expires_in", std::to_string(b.at("expires_in").as_int64())},
                                 {"refresh_token", std::string(b.at("refresh_token").as_string())},
                                 {"sb", ""},
                                 {"token_type", "bearer"},
                                 {"type", type}});
  } catch (const AuthFailure& f) {
    failure = f;
  }
  std::map<std::string, std::string> error{
      {"error_code", failure->code()}, {"error_description", failure->what()}, {"sb", ""}};
  if (failure->status() == 403) error["error"] = "access_denied";
  if (failure->code() == "otp_expired")
    error["error_description"] = "Email link is invalid or has expired";
  co_return see_other(target, error);
}

asio::awaitable<Response> mailbox(Request& req) {
  if (!req.services->config.dev_mailbox)
    throw AuthFailure(404, "not_found", "The dev mailbox is off (DEV_MAILBOX=false)");
  const std::string email = req.params.string("email");
  auto messages = co_await auth_flows::dev_mailbox(req, email);
  co_return http::json_response(200,
                                json::object{{"email", email}, {"messages", std::move(messages)}});
}

// ---------------------------------------------------------------- documentation
const json::value& user_schema() {
  static const auto s = schemas::json(R"({"type":"object","required":["id","aud","role","email",
    "app_metadata","user_metadata","identities","created_at","updated_at","is_anonymous"],
    "properties":{"id":{"type":"string","format":"uuid"},"aud":{"type":"string"},"role":{"type":"string"},
    "email":{"type":"string"},"phone":{"type":"string"},"email_confirmed_at":{"type":["string","null"]},
    "last_sign_in_at":{"type":["string","null"]},"app_metadata":{"type":"object"},
    "user_metadata":{"type":"object"},"identities":{"type":"array"},"factors":{"type":["array","null"]},
    "created_at":{"type":"string"},"updated_at":{"type":"string"},"is_anonymous":{"type":"boolean"}}})");
  return s;
}

const json::value& user_example() {
  static const auto e = schemas::json(R"({"id":"00000000-0000-4000-a000-000000000003",
    "aud":"authenticated","role":"authenticated","email":"customer@forecourt.local","phone":"",
    "email_confirmed_at":"2026-05-09T12:00:00+00:00","last_sign_in_at":"2026-11-25T09:00:00+00:00",
    "app_metadata":{"provider":"email","providers":["email"]},"user_metadata":{"full_name":"Casey Customer"},
    "identities":[],"factors":null,"created_at":"2026-05-09T12:00:00+00:00",
    "updated_at":"2026-11-25T09:00:00+00:00","is_anonymous":false})");
  return e;
}

json::value session_schema() {
  json::value s = schemas::json(R"({"type":"object","required":["access_token","token_type",
    "expires_in","expires_at","refresh_token","user"],"properties":{
    "access_token":{"type":"string","description":"ES256 JWT"},"token_type":{"const":"bearer"},
    "expires_in":{"type":"integer"},"expires_at":{"type":"integer"},"refresh_token":{"type":"string"}}})");
  s.at("properties").as_object()["user"] = user_schema();
  return s;
}

json::value session_example() {
  json::value e = schemas::json(R"({"access_token":"eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.e30.sig",
    "token_type":"bearer","expires_in":3600,"expires_at":1795000000,
    "refresh_token":"k3v9q0x2m4n8p1r5t7w6"})");
  e.as_object()["user"] = user_example();
  return e;
}

const json::value& error_schema() {
  static const auto s = schemas::json(
      R"({"type":"object","description":"GoTrue error: {code, message} with X-Supabase-Api-Version, else {code:<status>, error_code, msg}",
    "properties":{"code":{"type":["string","integer"]},"message":{"type":"string"},
    "error_code":{"type":"string"},"msg":{"type":"string"}}})");
  return s;
}

// GoTrue's errors are plain JSON (gotrue_error), not JSON:API documents.
http::ResponseSpec error(int status, const char* code, const char* message) {
  return {status, std::string(code) + ": " + message, error_schema(),
          json::value{{"code", code}, {"message", message}}, "application/json"};
}

http::ParamSpec redirect_to() {
  return http::ParamSpec{.name = "redirect_to",
                         .description =
                             "Where email links lead (accepted; password sign-ups are "
                             "confirmed at once).",
                         .maximum = 2048,
                         .example = "http://localhost:3000/welcome"};
}

http::ParamSpec factor_id() {
  return http::ParamSpec{.name = "factor_id",
                         .in = http::ParamIn::path,
                         .type = http::ParamType::uuid,
                         .required = true,
                         .description = "The MFA factor.",
                         .example = "5f0c2b8e-1d3a-4e5f-8a9b-0c1d2e3f4a5b"};
}

http::Route gotrue_route(http::Verb method, std::string path,
                         std::function<asio::awaitable<Response>(Request&)> handler,
                         std::string operation_id, std::string summary, std::string description) {
  return http::Route{.method = method,
                     .path = std::move(path),
                     .handler = gotrue(std::move(handler)),
                     .operation_id = std::move(operation_id),
                     .summary = std::move(summary),
                     .description = std::move(description),
                     .tags = {"auth (GoTrue)"},
                     .access = http::Access::public_,
                     .cache = http::CachePolicy::no_store,
                     .rate_class = "auth"};
}

}  // namespace

void register_gotrue_routes(http::Router& router) {
  using http::Verb;
  const auto bearer = error(401, "no_authorization", "This endpoint requires a valid Bearer token");
  const auto bad_jwt = error(403, "bad_jwt", "invalid JWT: unable to parse or verify signature");

  auto r = gotrue_route(Verb::post, "/auth/v1/signup", signup, "gotrueSignUp", "Sign up",
                        "Creates a user with email and password (argon2id) and, as sign-ups are "
                        "confirmed at once locally, returns a session. A customer profile is "
                        "created with the user.");
  r.params = {redirect_to()};
  r.body_schema = schemas::json(R"({"type":"object","required":["email","password"],"properties":{
    "email":{"type":"string","format":"email"},"password":{"type":"string","description":"At least 6 characters; a shorter one is refused: 422 weak_password"},
    "data":{"type":"object","description":"user_metadata"},
    "gotrue_meta_security":{"type":"object","description":"captcha_token, sent by auth-js"},
    "code_challenge":{"type":["string","null"],"description":"PKCE, sent by auth-js"},
    "code_challenge_method":{"type":["string","null"]}}})");
  r.body_example = schemas::json(
      R"({"email":"new.buyer@example.com","password":"correct horse","data":{"full_name":"New Buyer"}})");
  r.responses = {
      {200, "The new session.", session_schema(), session_example()},
      error(400, "validation_failed", "Unable to validate email address: invalid format"),
      error(422, "user_already_exists", "User already registered"),
      error(422, "weak_password", "Password should be at least 6 characters.")};
  router.add(std::move(r));

  r = gotrue_route(Verb::post, "/auth/v1/token", token, "gotrueToken", "Sign in or refresh",
                   "grant_type=password signs in with email and password; "
                   "grant_type=refresh_token exchanges a refresh token for a new session. Refresh "
                   "tokens are single-use: each refresh rotates it, and presenting a spent one "
                   "ends the whole session.");
  r.params = {http::ParamSpec{.name = "grant_type",
                              .type = http::ParamType::enumeration,
                              .required = true,
                              .description = "The OAuth grant.",
                              .values = {"password", "refresh_token"},
                              .example = "password"}};
  r.body_schema = schemas::json(R"({"type":"object","properties":{
    "email":{"type":"string"},"password":{"type":"string"},"refresh_token":{"type":"string"},
    "gotrue_meta_security":{"type":"object","description":"captcha_token, sent by auth-js"}}})");
  r.body_example =
      schemas::json(R"({"email":"customer@forecourt.local","password":"forecourt-demo"})");
  r.responses = {
      {200, "A session.", session_schema(), session_example()},
      error(400, "invalid_credentials", "Invalid login credentials"),
      error(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"),
      error(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")};
  router.add(std::move(r));

  r = gotrue_route(Verb::post, "/auth/v1/logout", logout, "gotrueLogout", "Sign out",
                   "Ends sessions of the caller: global (all), local (this one) or others (all "
                   "but this one). Access tokens already issued stay valid until they expire.");
  r.params = {http::ParamSpec{.name = "scope",
                              .type = http::ParamType::enumeration,
                              .description = "Which sessions end.",
                              .values = {"global", "local", "others"},
                              .default_value = "global",
                              .example = "local"}};
  r.responses = {{204, "Signed out.", nullptr, nullptr}, bearer, bad_jwt};
  router.add(std::move(r));

  r = gotrue_route(Verb::get, "/auth/v1/user", get_user, "gotrueGetUser", "The signed-in user",
                   "The caller's user record, with identities and MFA factors.");
  r.responses = {
      {200, "The user.", user_schema(), user_example()},
      bearer,
      bad_jwt,
      error(403, "session_not_found", "Session from session_id claim in JWT does not exist")};
  router.add(std::move(r));

  r = gotrue_route(Verb::put, "/auth/v1/user", put_user, "gotrueUpdateUser", "Update the user",
                   "Changes user_metadata (data), the password or the email. With a verified MFA "
                   "factor, a password change needs an aal2 session.");
  r.params = {redirect_to()};
  r.body_schema = schemas::json(R"({"type":"object","properties":{"email":{"type":"string"},
    "password":{"type":"string","description":"At least 6 characters; a shorter one is refused: 422 weak_password"},"data":{"type":"object"},
    "code_challenge":{"type":["string","null"],"description":"PKCE, sent (null) by auth-js"},
    "code_challenge_method":{"type":["string","null"]}}})");
  r.body_example = schemas::json(R"({"data":{"full_name":"Casey C. Customer"}})");
  r.responses = {
      {200, "The updated user.", user_schema(), user_example()},
      bearer,
      bad_jwt,
      error(403, "not_admin", "User not allowed to update app_metadata"),
      error(422, "same_password", "New password should be different from the old password.")};
  router.add(std::move(r));

  r = gotrue_route(Verb::get, "/auth/v1/.well-known/jwks.json", jwks, "gotrueJwks",
                   "Public signing keys",
                   "The JWKS of the keys that sign access tokens, including retired keys during "
                   "their grace period.");
  r.responses = {
      {200, "The JWKS.",
       schemas::json(
           R"({"type":"object","required":["keys"],"properties":{"keys":{"type":"array","items":{"type":"object"}}}})"),
       schemas::json(
           R"({"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"q1w2e3r4t5y6u7i8","alg":"ES256","use":"sig","key_ops":["verify"]}]})")}};
  router.add(std::move(r));

  r = gotrue_route(Verb::get, "/auth/v1/settings", settings, "gotrueSettings",
                   "Auth server settings", "Which sign-in methods this server offers.");
  r.responses = {
      {200, "The settings.", schemas::json(R"({"type":"object"})"),
       schemas::json(
           R"({"external":{"email":true},"disable_signup":false,"mailer_autoconfirm":true})")}};
  router.add(std::move(r));

  const auto email_sent = http::ResponseSpec{
      200, "Accepted. The same answer whether or not the address has an account.",
      schemas::json(R"({"type":"object","additionalProperties":false})"), json::object{}};
  const auto resend = error(429, "over_email_send_rate_limit",
                            "For security purposes, you can only request this after 60 seconds.");
  const auto otp_body = schemas::json(R"({"type":"object","required":["email"],"properties":{
    "email":{"type":"string","maxLength":255},"phone":{"type":"string"},
    "data":{"type":["object","null"],"description":"user_metadata of a user created by this sign-in"},
    "create_user":{"type":"boolean","default":true,"description":"false: never create a user; the answer is still 200 {}"},
    "channel":{"type":["string","null"]},
    "gotrue_meta_security":{"type":"object","description":"captcha_token, sent by auth-js"},
    "code_challenge":{"type":["string","null"],"description":"PKCE: not supported, refused with 400"},
    "code_challenge_method":{"type":["string","null"]}}})");
  http::ParamSpec email_redirect = redirect_to();
  email_redirect.description =
      "Where the emailed link leads after verification: honoured on SITE_URL's origin or "
      "when it matches URI_ALLOW_LIST, else SITE_URL.";

  r = gotrue_route(Verb::post, "/auth/v1/otp", otp, "gotrueOtp", "Email a sign-in code and link",
                   "signInWithOtp: emails a 6-digit code and a magic link (one token, valid "
                   "AUTH_OTP_EXPIRY_S, single use) and creates the user unless create_user is "
                   "false. The email is queued in the notification outbox; locally the dev "
                   "mailbox shows it.");
  r.params = {email_redirect};
  r.body_schema = otp_body;
  r.body_example = schemas::json(
      R"({"email":"buyer@example.com","create_user":true,"data":{"full_name":"New Buyer"}})");
  r.responses = {
      email_sent,
      error(400, "validation_failed", "Unable to validate email address: invalid format"), resend};
  router.add(std::move(r));

  r = gotrue_route(Verb::post, "/auth/v1/magiclink", magiclink, "gotrueMagicLink",
                   "Email a magic link (legacy)",
                   "GoTrue's older entry point of the same email as /auth/v1/otp.");
  r.params = {email_redirect};
  r.body_schema = otp_body;
  r.body_example = schemas::json(R"({"email":"buyer@example.com"})");
  r.responses = {email_sent, resend};
  router.add(std::move(r));

  r = gotrue_route(Verb::post, "/auth/v1/recover", recover, "gotrueRecover",
                   "Email a password-recovery link",
                   "resetPasswordForEmail: emails a recovery code and link; verifying it signs "
                   "the user in (type recovery) so the app can set a new password with PUT "
                   "/auth/v1/user. Never creates a user.");
  r.params = {email_redirect};
  r.body_schema = otp_body;
  r.body_example = schemas::json(R"({"email":"customer@forecourt.local"})");
  r.responses = {email_sent, resend};
  router.add(std::move(r));

  r = gotrue_route(Verb::post, "/auth/v1/verify", verify_otp, "gotrueVerifyOtp",
                   "Verify an emailed code or token hash",
                   "verifyOtp: email + token (the 6-digit code) or token_hash alone; returns a "
                   "session. Failures count towards the per-account and per-IP sign-in "
                   "throttle.");
  r.params = {redirect_to()};
  r.body_schema = schemas::json(R"({"type":"object","required":["type"],"properties":{
    "type":{"enum":["email","magiclink","signup","recovery","invite","email_change","sms","phone_change"]},
    "email":{"type":"string","maxLength":255},"phone":{"type":"string"},
    "token":{"type":"string","maxLength":64},"token_hash":{"type":"string","maxLength":128},
    "options":{"type":"object","description":"sent by auth-js along with the parameters; ignored"},
    "gotrue_meta_security":{"type":"object","description":"captcha_token, sent by auth-js"}}})");
  r.body_example =
      schemas::json(R"({"type":"email","email":"buyer@example.com","token":"123456"})");
  r.responses = {
      {200, "The session.", session_schema(), session_example()},
      error(400, "validation_failed", "Verify requires either a token or a token hash"),
      error(403, "otp_expired", "Token has expired or is invalid"),
      error(429, "over_request_rate_limit", "Too many sign-in attempts. Retry after 2 seconds.")};
  router.add(std::move(r));

  r = gotrue_route(Verb::get, "/auth/v1/verify", verify_link, "gotrueVerifyLink",
                   "Follow an emailed link",
                   "The magic/recovery/confirmation link: 303 to redirect_to (if allowed, else "
                   "SITE_URL) with the session in the URL fragment (access_token, expires_at, "
                   "expires_in, refresh_token, token_type, type), or error, error_code and "
                   "error_description there when the link is invalid or expired.");
  r.params = {
      http::ParamSpec{.name = "token",
                      .required = true,
                      .description = "The token hash from the email.",
                      .maximum = 128,
                      .example = "5d2f0c5f4f0e3c1b0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"},
      http::ParamSpec{.name = "type",
                      .type = http::ParamType::enumeration,
                      .required = true,
                      .description = "What the link confirms.",
                      .values = {"magiclink", "signup", "recovery", "invite", "email_change"},
                      .example = "magiclink"},
      email_redirect};
  r.responses = {
      {303, "To redirect_to, the session or the error in the fragment.", nullptr, nullptr},
      error(400, "validation_failed", "token: is required")};
  router.add(std::move(r));

  r = gotrue_route(Verb::get, "/auth/v1/dev/mailbox", mailbox, "gotrueDevMailbox",
                   "Dev mailbox (local only)",
                   "The newest sign-in emails queued for an address, codes and links included. "
                   "Served only with DEV_MAILBOX=true (make run's default); 404 otherwise. "
                   "Never turn it on in production: it hands out sign-in codes.");
  r.params = {http::ParamSpec{.name = "email",
                              .required = true,
                              .description = "The recipient.",
                              .maximum = 255,
                              .example = "buyer@example.com"}};
  r.responses = {{200, "The messages, newest first.",
                  schemas::json(R"({"type":"object","required":["email","messages"],"properties":{
         "email":{"type":"string"},"messages":{"type":"array","items":{"type":"object"}}}})"),
                  schemas::json(R"({"email":"buyer@example.com","messages":[{"id":42,
         "created_at":"2026-11-25T09:00:00Z","template":"magic_link","subject":"Your sign-in link",
         "email":"buyer@example.com","otp":"123456","token_hash":"5d2f...","verify_type":"magiclink",
         "link":"http://127.0.0.1:8080/auth/v1/verify?token=5d2f...&type=magiclink&redirect_to=http%3A%2F%2F127.0.0.1%3A8080",
         "redirect_to":"http://127.0.0.1:8080","expires_at":1795003600}]})")},
                 error(404, "not_found", "The dev mailbox is off (DEV_MAILBOX=false)")};
  r.rate_class = "default";  // a developer's page, not a credential check
  router.add(std::move(r));

  r = gotrue_route(Verb::post, "/auth/v1/factors", enroll, "gotrueEnrollFactor",
                   "Enroll a TOTP factor",
                   "Creates an unverified TOTP factor and returns its secret and otpauth URI.");
  r.body_schema = schemas::json(R"({"type":"object","required":["factor_type"],"properties":{
    "factor_type":{"enum":["totp"]},"friendly_name":{"type":"string"},"issuer":{"type":"string"}}})");
  r.body_example = schemas::json(R"({"factor_type":"totp","friendly_name":"phone"})");
  r.responses = {
      {200, "The new factor.",
       schemas::json(R"({"type":"object","required":["id","type","totp"],"properties":{
         "id":{"type":"string","format":"uuid"},"type":{"enum":["totp"]},
         "friendly_name":{"type":["string","null"]},
         "totp":{"type":"object","properties":{"qr_code":{"type":"string","description":"QR code of uri as raw SVG; auth-js makes it a data: URL"},
           "secret":{"type":"string"},"uri":{"type":"string"}}}}})"),
       schemas::json(
           R"({"id":"5f0c2b8e-1d3a-4e5f-8a9b-0c1d2e3f4a5b","type":"totp","friendly_name":"phone",
                    "totp":{"qr_code":"<svg/>","secret":"JBSWY3DPEHPK3PXP","uri":"otpauth://totp/Forecourt:customer%40forecourt.local?secret=JBSWY3DPEHPK3PXP"}})")},
      bearer,
      error(403, "insufficient_aal", "AAL2 required to enroll a new factor"),
      error(422, "validation_failed", "factor_type needs to be totp")};
  router.add(std::move(r));

  r = gotrue_route(Verb::post, "/auth/v1/factors/{factor_id}/challenge", challenge,
                   "gotrueChallengeFactor", "Challenge a factor",
                   "Opens a challenge (valid 5 minutes) to verify a TOTP code against.");
  r.params = {factor_id()};
  r.responses = {
      {200, "The challenge.",
       schemas::json(R"({"type":"object","required":["id","type","expires_at"],"properties":{
         "id":{"type":"string","format":"uuid"},"type":{"enum":["totp"]},
         "expires_at":{"type":"integer","description":"Unix seconds."}}})"),
       schemas::json(
           R"({"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","type":"totp","expires_at":1795000300})")},
      bearer,
      error(404, "mfa_factor_not_found", "Factor not found")};
  router.add(std::move(r));

  r = gotrue_route(Verb::post, "/auth/v1/factors/{factor_id}/verify", verify, "gotrueVerifyFactor",
                   "Verify a TOTP code",
                   "Checks the code against the challenge; on success the factor is verified and "
                   "the session is raised to aal2 (a new session response).");
  r.params = {factor_id()};
  r.body_schema =
      schemas::json(R"({"type":"object","required":["challenge_id","code"],"properties":{
    "challenge_id":{"type":"string","format":"uuid"},"code":{"type":"string","pattern":"^[0-9]{6}$"}}})");
  r.body_example =
      schemas::json(R"({"challenge_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","code":"123456"})");
  r.responses = {{200, "The aal2 session.", session_schema(), session_example()},
                 bearer,
                 error(404, "mfa_factor_not_found", "Factor not found"),
                 error(422, "mfa_verification_failed", "Invalid TOTP code entered"),
                 error(422, "mfa_challenge_expired", "MFA challenge has expired")};
  router.add(std::move(r));

  r = gotrue_route(Verb::delete_, "/auth/v1/factors/{factor_id}", unenroll, "gotrueUnenrollFactor",
                   "Remove a factor",
                   "Deletes a factor; a verified one only from an aal2 session.");
  r.params = {factor_id()};
  r.responses = {
      {200, "Removed.", schemas::json(R"({"type":"object","required":["id"],"properties":{
                    "id":{"type":"string","format":"uuid"}}})"),
       schemas::json(R"({"id":"5f0c2b8e-1d3a-4e5f-8a9b-0c1d2e3f4a5b"})")},
      bearer,
      error(404, "mfa_factor_not_found", "Factor not found"),
      error(422, "insufficient_aal", "AAL2 required to unenroll verified factor")};
  router.add(std::move(r));
}

}  // namespace forecourt::api
