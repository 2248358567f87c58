// The embedded GoTrue API under /auth/v1 (AUTH_MODE=embedded): the paths, bodies, responses
// and error JSON that @supabase/auth-js expects (shared/guide/supabase-compat.md §1). The
// flows live in api/auth_flows.cpp; this file is the wire format.
#include <boost/json.hpp>

#include "api/auth_flows.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "app/services.hpp"
#include "http/route.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
namespace json = boost::json;
using auth_flows::AuthFailure;
using http::Request;
using http::Response;

namespace {

// GoTrue's error JSON: {code, message} when the client sent X-Supabase-Api-Version (auth-js
// always does; the header is echoed), the legacy {code: <status>, error_code, msg} otherwise.
Response gotrue_error(const Request& req, const AuthFailure& failure) {
  const bool versioned = !req.header("X-Supabase-Api-Version").empty();
  json::object body;
  if (versioned) {
    body = {{"code", failure.code()}, {"message", failure.what()}};
  } else {
    body = {{"code", failure.status()}, {"error_code", failure.code()}, {"msg", failure.what()}};
  }
  for (const auto& kv : failure.extra) body[kv.key()] = kv.value();
  Response res = http::json_response(failure.status(), body);
  if (versioned) res.set("X-Supabase-Api-Version", "2024-01-01");
  res.set("x-sb-error-code", failure.code());
  if (failure.retry_after > 0) res.set("Retry-After", std::to_string(failure.retry_after));
  res.set(boost::beast::http::field::cache_control, "no-store");
  return res;
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
                             "Where email links lead (accepted; local sign-ups are "
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
    "password":{"type":"string","description":"At least 6 characters; a shorter one is refused: 422 weak_password"},"data":{"type":"object"}}})");
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
         "totp":{"type":"object","properties":{"qr_code":{"type":"string"},
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
