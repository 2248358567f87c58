// Email sign-in on the embedded GoTrue API against the real stack: /otp, /magiclink and
// /recover queue an `auth.email` outbox event (read back through the dev mailbox), /verify
// redeems the code or the link once, answers do not tell whether an address has an account,
// failed codes are throttled, redirects stay on allowed URLs; TOTP codes cannot be replayed;
// body-validation failures on /auth/v1 come back in GoTrue's error shape.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "auth/totp.hpp"
#include "cli/pg_blocking.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {
namespace json = boost::json;

constexpr const char* kEmailAnonKey = "sb_publishable_forecourt_email_it";
constexpr const char* kSiteUrl = "http://app.forecourt.test:3000";

std::string code_of(const HttpResult& r) {
  return std::string(json::parse(r.body).at("code").as_string());
}

class AuthEmail : public SharedServerSuite<AuthEmail> {
 public:
  static std::map<std::string, std::string> server_env() {
    return {{"SUPABASE_ANON_KEY", kEmailAnonKey},
            {"DEV_MAILBOX", "true"},
            {"SITE_URL", kSiteUrl},
            {"URI_ALLOW_LIST", "https://dealer.example/auth/*"},
            {"AUTH_EMAIL_RESEND_INTERVAL_S", "0"}};
  }

 protected:
  static int port() { return server_->port(); }

  static HttpResult post(
      const std::string& target, const json::object& body,
      const std::map<std::string, std::string>& headers = gotrue_headers(kEmailAnonKey)) {
    return http_request(port(), "POST", target, headers, json::serialize(body));
  }
  static json::array mailbox(const std::string& email) {
    auto r = http_get(port(), "/auth/v1/dev/mailbox?email=" + email);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body).at("messages").as_array() : json::array{};
  }
  static json::object latest_mail(const std::string& email) {
    auto messages = mailbox(email);
    EXPECT_FALSE(messages.empty()) << "no email queued for " << email;
    return messages.empty() ? json::object{} : messages.at(0).as_object();
  }
  static std::string field(const json::object& o, const char* key) {
    return std::string(o.at(key).as_string());
  }
  // The path and query of the emailed link (its host is the server's public URL).
  static std::string link_target(const json::object& mail) {
    const std::string link = field(mail, "link");
    return link.substr(link.find("/auth/v1/verify"));
  }
};

TEST_F(AuthEmail, OtpCodeCreatesConfirmsAndSignsInOnce) {
  const std::string email = unique_email("otp");
  auto sent = post("/auth/v1/otp", {{"email", email}, {"data", {{"full_name", "Otp Buyer"}}}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.body, "{}");

  auto mail = latest_mail(email);
  EXPECT_EQ(field(mail, "template"), "confirmation");
  const std::string code = field(mail, "otp");
  ASSERT_EQ(code.size(), 6U);
  EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos);

  // The email is an outbox event, and the user row stores only the hash, never the code.
  cli::BlockingPg pg(required_env("MIGRATIONS_DATABASE_URL"));
  auto rows = pg.rows(
      "select o.aggregate_table, u.confirmation_token, u.email_confirmed_at is null "
      "from public.outbox o join auth.users u on u.id = o.aggregate_id "
      "where o.event = 'auth.email' and u.email = $1",
      {email});
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][0], "auth.users");
  EXPECT_EQ(rows[0][1], field(mail, "token_hash"));
  EXPECT_EQ(rows[0][1].find(code), std::string::npos);
  EXPECT_EQ(rows[0][2], "t") << "unconfirmed until the code comes back";

  auto wrong = post(
      "/auth/v1/verify",
      {{"type", "email"}, {"email", email}, {"token", code == "000000" ? "111111" : "000000"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(code_of(wrong), "otp_expired");

  auto verified = post("/auth/v1/verify", {{"type", "email"}, {"email", email}, {"token", code}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  auto session = json::parse(verified.body).as_object();
  EXPECT_EQ(field(session, "token_type"), "bearer");
  auto user = session.at("user").as_object();
  EXPECT_EQ(field(user, "email"), email);
  EXPECT_TRUE(user.at("email_confirmed_at").is_string());
  EXPECT_EQ(user.at("user_metadata").at("full_name"), "Otp Buyer");
  auto me = http_get(port(), "/auth/v1/user",
                     gotrue_headers(kEmailAnonKey, field(session, "access_token")));
  EXPECT_EQ(me.status, 200) << me.body;

  auto again = post("/auth/v1/verify", {{"type", "email"}, {"email", email}, {"token", code}});
  EXPECT_EQ(again.status, 403) << "a code is single-use";
  EXPECT_EQ(code_of(again), "otp_expired");
}

TEST_F(AuthEmail, MagicLinkRedirectsWithTheSessionInTheFragmentOnce) {
  const std::string email = unique_email("link");
  ASSERT_EQ(post("/auth/v1/signup", {{"email", email}, {"password", "link-user-pass"}}).status,
            200);
  auto sent = post("/auth/v1/magiclink", {{"email", email}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  auto mail = latest_mail(email);
  EXPECT_EQ(field(mail, "template"), "magic_link");
  EXPECT_EQ(field(mail, "verify_type"), "magiclink");
  EXPECT_EQ(field(mail, "redirect_to"), kSiteUrl);

  auto followed = http_get(port(), link_target(mail));  // a browser: no apikey, no headers
  ASSERT_EQ(followed.status, 303) << followed.body;
  const std::string location = followed.header("location");
  EXPECT_TRUE(location.starts_with(std::string(kSiteUrl) + "#access_token=")) << location;
  EXPECT_NE(location.find("&refresh_token="), std::string::npos);
  EXPECT_NE(location.find("&token_type=bearer&type=magiclink"), std::string::npos);

  auto reused = http_get(port(), link_target(mail));
  ASSERT_EQ(reused.status, 303);
  EXPECT_EQ(reused.header("location"),
            std::string(kSiteUrl) +
                "#error=access_denied&error_code=otp_expired&error_description=Email%20link%20is%"
                "20invalid%20or%20has%20expired&sb=");
}

TEST_F(AuthEmail, RedirectsOnlyToTheSiteOrTheAllowList) {
  const std::string email = unique_email("redirect");
  const std::string allowed = "https://dealer.example/auth/callback";
  ASSERT_EQ(post("/auth/v1/otp?redirect_to=" + allowed, {{"email", email}}).status, 200);
  EXPECT_EQ(field(latest_mail(email), "redirect_to"), allowed);

  const std::string other = unique_email("redirect");
  ASSERT_EQ(
      post("/auth/v1/otp?redirect_to=https://dealer.example.evil.net/", {{"email", other}}).status,
      200);
  auto mail = latest_mail(other);
  EXPECT_EQ(field(mail, "redirect_to"), kSiteUrl);
  // A redirect_to added to the link by hand is checked again when the link is followed.
  auto followed = http_get(port(), "/auth/v1/verify?token=" + field(mail, "token_hash") +
                                       "&type=signup&redirect_to=https%3A%2F%2Fevil.example%2F");
  ASSERT_EQ(followed.status, 303);
  EXPECT_TRUE(followed.header("location").starts_with(std::string(kSiteUrl) + "#access_token="))
      << followed.header("location");
}

TEST_F(AuthEmail, AnswersDoNotTellWhetherAnAccountExists) {
  const std::string known = unique_email("known");
  ASSERT_EQ(post("/auth/v1/signup", {{"email", known}, {"password", "known-user-pass"}}).status,
            200);
  const std::string unknown = unique_email("unknown");
  for (const char* path : {"/auth/v1/otp", "/auth/v1/recover"}) {
    const json::object no_create{{"create_user", false}};
    json::object a = no_create;
    a["email"] = known;
    json::object b = no_create;
    b["email"] = unknown;
    auto for_known = post(path, a);
    auto for_unknown = post(path, b);
    EXPECT_EQ(for_known.status, 200) << path << for_known.body;
    EXPECT_EQ(for_unknown.status, for_known.status) << path;
    EXPECT_EQ(for_unknown.body, for_known.body) << path;
  }
  EXPECT_EQ(mailbox(known).size(), 2U);
  EXPECT_TRUE(mailbox(unknown).empty()) << "nothing is sent to an address without an account";
  EXPECT_EQ(field(latest_mail(known), "template"), "recovery");

  // Verifying against an unknown address reads exactly like a wrong code.
  auto bad_known = post("/auth/v1/verify", {{"type", "email"}, {"email", known}, {"token", "12"}});
  auto bad_unknown =
      post("/auth/v1/verify", {{"type", "email"}, {"email", unknown}, {"token", "12"}});
  EXPECT_EQ(bad_known.status, 403);
  EXPECT_EQ(bad_unknown.status, bad_known.status);
  EXPECT_EQ(bad_unknown.body, bad_known.body);
}

TEST_F(AuthEmail, RecoveryCodeSignsIn) {
  const std::string email = unique_email("recover");
  ASSERT_EQ(post("/auth/v1/signup", {{"email", email}, {"password", "recover-user-pass"}}).status,
            200);
  ASSERT_EQ(post("/auth/v1/recover", {{"email", email}}).status, 200);
  auto mail = latest_mail(email);
  auto verified =
      post("/auth/v1/verify", {{"type", "recovery"}, {"token_hash", field(mail, "token_hash")}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_TRUE(json::parse(verified.body).as_object().contains("access_token"));
}

TEST_F(AuthEmail, RepeatedWrongCodesAreThrottled) {
  const std::string email = unique_email("throttle");
  ASSERT_EQ(post("/auth/v1/otp", {{"email", email}}).status, 200);
  const std::string code = field(latest_mail(email), "otp");
  const std::string wrong = code == "000000" ? "111111" : "000000";
  int last_status = 0;
  std::string retry_after;
  for (int i = 0; i < 10 && last_status != 429; ++i) {
    auto r = post("/auth/v1/verify", {{"type", "email"}, {"email", email}, {"token", wrong}});
    last_status = r.status;
    if (r.status == 429) {
      EXPECT_EQ(code_of(r), "over_request_rate_limit");
      retry_after = r.header("retry-after");
    } else {
      EXPECT_EQ(r.status, 403) << r.body;
    }
  }
  ASSERT_EQ(last_status, 429) << "the account locks after a few failures";
  ASSERT_FALSE(retry_after.empty());
  // The lock is a backoff, not a burn: once it passes, the right code still works.
  std::this_thread::sleep_for(std::chrono::seconds(std::stoi(retry_after)) +
                              std::chrono::milliseconds(200));
  auto later = post("/auth/v1/verify", {{"type", "email"}, {"email", email}, {"token", code}});
  EXPECT_EQ(later.status, 200) << later.body;
}

TEST_F(AuthEmail, ResendingTooSoonIsRefusedForAnyAddress) {
  ServerProcess strict(
      {{"SUPABASE_ANON_KEY", kEmailAnonKey}, {"AUTH_EMAIL_RESEND_INTERVAL_S", "60"}});
  const std::string email = unique_email("resend");
  const std::string body = json::serialize(json::object{{"email", email}});
  EXPECT_EQ(http_request(strict.port(), "POST", "/auth/v1/otp", gotrue_headers(kEmailAnonKey), body)
                .status,
            200);
  auto again =
      http_request(strict.port(), "POST", "/auth/v1/otp", gotrue_headers(kEmailAnonKey), body);
  EXPECT_EQ(again.status, 429);
  EXPECT_EQ(code_of(again), "over_email_send_rate_limit");
  // The dev mailbox is off unless DEV_MAILBOX=true.
  auto off =
      http_get(strict.port(), "/auth/v1/dev/mailbox?email=" + email, gotrue_headers(kEmailAnonKey));
  EXPECT_EQ(off.status, 404);
}

TEST_F(AuthEmail, BodyValidationErrorsUseGoTrueShape) {
  auto versioned = post("/auth/v1/otp", {{"email", 42}});
  EXPECT_EQ(versioned.status, 422) << versioned.body;
  auto doc = json::parse(versioned.body).as_object();
  EXPECT_EQ(doc.at("code"), "validation_failed");
  EXPECT_NE(std::string(doc.at("message").as_string()).find("email"), std::string::npos)
      << "the message names the field";
  EXPECT_EQ(versioned.header("x-supabase-api-version"), "2024-01-01");
  EXPECT_EQ(versioned.header("x-sb-error-code"), "validation_failed");

  auto legacy = http_request(port(), "POST", "/auth/v1/verify", {{"apikey", kEmailAnonKey}},
                             R"({"type":"nonsense","token":"1"})");
  EXPECT_EQ(legacy.status, 422) << legacy.body;
  auto old = json::parse(legacy.body).as_object();
  EXPECT_EQ(old.at("code"), 422);
  EXPECT_EQ(old.at("error_code"), "validation_failed");
  EXPECT_TRUE(old.at("msg").is_string());
  EXPECT_TRUE(legacy.header("x-supabase-api-version").empty());

  auto bad_json =
      http_request(port(), "POST", "/auth/v1/otp",
                   {{"apikey", kEmailAnonKey}, {"Content-Type", "application/json"}}, "{");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(json::parse(bad_json.body).at("error_code"), "bad_json");
}

TEST_F(AuthEmail, ATotpCodeCannotBeUsedTwice) {
  const std::string email = unique_email("totp-replay");
  auto signup = post("/auth/v1/signup", {{"email", email}, {"password", "replay-user-pass"}});
  ASSERT_EQ(signup.status, 200) << signup.body;
  const std::string token(json::parse(signup.body).at("access_token").as_string());
  auto enrolled =
      post("/auth/v1/factors", {{"factor_type", "totp"}}, gotrue_headers(kEmailAnonKey, token));
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  auto factor = json::parse(enrolled.body).as_object();
  const std::string factor_id = field(factor, "id");
  const std::string qr = field(factor.at("totp").as_object(), "qr_code");
  EXPECT_TRUE(qr.starts_with("<svg")) << qr.substr(0, 40);
  EXPECT_EQ(qr.find('#'), std::string::npos);

  auto secret = auth::base32_decode(field(factor.at("totp").as_object(), "secret"));
  ASSERT_TRUE(secret);
  const auto code = auth::totp(
      *secret, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  auto verify_with = [&](const std::string& c) {
    auto challenge = post("/auth/v1/factors/" + factor_id + "/challenge", {},
                          gotrue_headers(kEmailAnonKey, token));
    EXPECT_EQ(challenge.status, 200) << challenge.body;
    const std::string challenge_id(json::parse(challenge.body).at("id").as_string());
    return post("/auth/v1/factors/" + factor_id + "/verify",
                {{"challenge_id", challenge_id}, {"code", c}},
                gotrue_headers(kEmailAnonKey, token));
  };
  auto first = verify_with(code);
  ASSERT_EQ(first.status, 200) << first.body;
  auto replay = verify_with(code);
  EXPECT_EQ(replay.status, 422) << "RFC 6238 §5.2: one code, one use";
  EXPECT_EQ(code_of(replay), "mfa_verification_failed");
}

}  // namespace
}  // namespace forecourt::testing
