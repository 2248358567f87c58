// verify_jwt over a table of good and bad tokens, run with the verified-token cache off and on
// (every token verified twice, so the cached path must give the same answers).
#include <gtest/gtest.h>

#include <vector>

#include "auth/jws_crypto.hpp"
#include "auth/jwt.hpp"
#include "jwt_test_support.hpp"

namespace forecourt::auth {
namespace {

using namespace test;

struct Case {
  std::string name;
  std::string token;
  std::string expected;  // "ok" or a Problem code
  VerifyOptions options = options_at();
};

class JwtVerify : public ::testing::TestWithParam<std::size_t> {
 protected:
  void SetUp() override {
    keys_.set_legacy_hs256_secret(kLegacySecret);
    keys_.add_hs256_secret("hs-kid", kKidSecret);
    ASSERT_TRUE(keys_.load_jwks(jwks_json({es_key_a().public_jwk(), rs_key().public_jwk()})));
  }

  void expect_all(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      SCOPED_TRACE(c.name);
      EXPECT_EQ(problem_code(verify_jwt(c.token, keys_, c.options)), c.expected);
      EXPECT_EQ(problem_code(verify_jwt(c.token, keys_, c.options)), c.expected)
          << "second, possibly cached, call";
    }
  }

  KeyStore keys_{KeyStoreOptions{.verified_token_cache_entries = GetParam()}};
};

INSTANTIATE_TEST_SUITE_P(CacheOffAndOn, JwtVerify,
                         ::testing::Values(std::size_t{0}, std::size_t{64}));

std::string flip_signature_bit(const std::string& token) {
  Segments s = segments(token);
  std::string signature = base64url_decode(s.signature).value();
  signature[signature.size() / 2] = static_cast<char>(signature[signature.size() / 2] ^ 0x01);
  s.signature = b64(signature);
  return join(s);
}

std::string replace_payload(const std::string& token, const boost::json::object& claims) {
  Segments s = segments(token);
  s.payload = b64(boost::json::serialize(claims));
  return join(s);
}

std::string replace_signature(const std::string& token, std::string_view signature_bytes) {
  Segments s = segments(token);
  s.signature = b64(signature_bytes);
  return join(s);
}

TEST_P(JwtVerify, AcceptsEachSupportedAlgorithm) {
  const auto claims = user_claims();
  expect_all({
      {"ES256 by kid", es_key_a().sign(claims), "ok"},
      {"RS256 by kid", rs_key().sign(claims), "ok"},
      {"HS256 legacy secret, no kid", sign_hs256(claims, kLegacySecret), "ok"},
      {"HS256 unknown kid falls back to the legacy secret",
       sign_hs256(claims, kLegacySecret, "retired-kid"), "ok"},
      {"HS256 secret chosen by kid", sign_hs256(claims, kKidSecret, "hs-kid"), "ok"},
  });
}

TEST_P(JwtVerify, ExtractsSupabaseClaims) {
  auto claims = with(user_claims(), "is_anonymous", true);
  claims["aal"] = "aal2";
  auto result = verify_jwt(es_key_a().sign(claims), keys_, options_at());
  ASSERT_TRUE(result) << result.problem().code;
  EXPECT_EQ(result->sub, "6f1c2b8e-4a57-4f5e-9d0b-2c7a1f3e8d90");
  EXPECT_EQ(result->role, "authenticated");
  EXPECT_EQ(result->aal, "aal2");
  EXPECT_EQ(result->session_id, "0d9f7c1e-6b2a-4c3d-8e5f-a1b2c3d4e5f6");
  EXPECT_EQ(result->email, "jane@example.com");
  EXPECT_EQ(result->exp, kNow + 3600);
  EXPECT_TRUE(result->is_anonymous);
  EXPECT_EQ(result->claims, claims);
}

TEST_P(JwtVerify, OptionalSupabaseClaimsDefaultToEmpty) {
  auto claims = boost::json::object{{"aud", "authenticated"}, {"exp", kNow + 60}};
  auto result = verify_jwt(sign_hs256(claims, kLegacySecret), keys_, options_at());
  ASSERT_TRUE(result) << result.problem().code;
  EXPECT_EQ(result->sub, "");
  EXPECT_EQ(result->role, "");
  EXPECT_EQ(result->aal, "");
  EXPECT_FALSE(result->is_anonymous);
}

TEST_P(JwtVerify, RefusesMalformedTokens) {
  const std::string good = sign_hs256(user_claims(), kLegacySecret);
  const Segments s = segments(good);
  std::string noncanonical = good;
  // The last character of a 32-byte signature carries 2 unused bits: flip one of them.
  const std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  noncanonical.back() = alphabet[alphabet.find(noncanonical.back()) ^ 1];
  expect_all({
      {"empty", "", "malformed_token"},
      {"one part", "abc", "malformed_token"},
      {"two parts", s.header + '.' + s.payload, "malformed_token"},
      {"four parts", good + ".x", "malformed_token"},
      {"only dots", "..", "malformed_token"},
      {"empty header", '.' + s.payload + '.' + s.signature, "malformed_token"},
      {"empty payload", s.header + ".." + s.signature, "malformed_token"},
      {"padded header", s.header + "==." + s.payload + '.' + s.signature, "malformed_token"},
      {"standard base64 alphabet", s.header + '.' + s.payload + "+/." + s.signature,
       "malformed_token"},
      {"trailing newline", good + "\n", "malformed_token"},
      {"leading space", " " + good, "malformed_token"},
      {"non-canonical signature encoding", noncanonical, "malformed_token"},
      {"oversized",
       hs256_raw(header_json("HS256"), with(user_claims(), "pad", std::string(20000, 'x')),
                 kLegacySecret),
       "malformed_token"},
      {"header not JSON", hs256_raw("not json", user_claims(), kLegacySecret), "malformed_token"},
      {"header is an array", hs256_raw("[\"HS256\"]", user_claims(), kLegacySecret),
       "malformed_token"},
      {"header without alg", hs256_raw(R"({"typ":"JWT"})", user_claims(), kLegacySecret),
       "malformed_token"},
      {"alg not a string", hs256_raw(R"({"alg":256})", user_claims(), kLegacySecret),
       "malformed_token"},
      {"kid not a string", hs256_raw(R"({"alg":"HS256","kid":7})", user_claims(), kLegacySecret),
       "malformed_token"},
      {"crit extension",
       hs256_raw(R"({"alg":"HS256","crit":["b64"],"b64":false})", user_claims(), kLegacySecret),
       "malformed_token"},
      {"payload not JSON",
       hs256_raw(header_json("HS256"), std::string_view("not json"), kLegacySecret),
       "malformed_token"},
      {"payload is an array",
       hs256_raw(header_json("HS256"), std::string_view("[1,2]"), kLegacySecret),
       "malformed_token"},
  });
}

TEST_P(JwtVerify, RefusesAlgorithmsOutsideTheAllowList) {
  const auto claims = boost::json::serialize(user_claims());
  std::vector<Case> cases{
      {"alg none, empty signature", b64(R"({"alg":"none","typ":"JWT"})") + '.' + b64(claims) + '.',
       "unsupported_alg"},
      {"alg none naming a real kid",
       b64(R"({"alg":"none","kid":"es-a"})") + '.' + b64(claims) + '.', "unsupported_alg"},
  };
  for (std::string_view alg : {"none", "None", "NONE", "nOnE", "hs256", "HS384", "HS512", "RS384",
                               "RS512", "PS256", "ES384", "ES512", "EdDSA", ""}) {
    cases.push_back({"alg " + std::string(alg), hs256_raw(header_json(alg), claims, kLegacySecret),
                     "unsupported_alg"});
  }
  expect_all(cases);
}

TEST_P(JwtVerify, SelectsKeysStrictlyByKid) {
  const auto claims = user_claims();
  expect_all({
      {"ES256 with a kid nobody published", es_key_b().sign(claims), "unknown_kid"},
      {"ES256 without kid", signed_raw(es_key_a(), header_json("ES256"), claims), "unknown_kid"},
      {"RS256 without kid", signed_raw(rs_key(), header_json("RS256"), claims), "unknown_kid"},
      {"ES256 signed by another key under a known kid",
       signed_raw(es_key_b(), header_json("ES256", "es-a"), claims), "bad_signature"},
      {"RS256 header naming the EC key", signed_raw(rs_key(), header_json("RS256", "es-a"), claims),
       "unsupported_alg"},
      {"ES256 header naming the RSA key",
       signed_raw(es_key_a(), header_json("ES256", "rs-1"), claims), "unsupported_alg"},
      {"ES256 header naming an HS256 secret",
       signed_raw(es_key_a(), header_json("ES256", "hs-kid"), claims), "unsupported_alg"},
      {"HS256 signed with the kid secret under another kid",
       sign_hs256(claims, kKidSecret, "retired-kid"), "bad_signature"},
  });
}

// The classic attack: take the server's RSA/EC public key (it is public), use its bytes as an
// HMAC secret, and hope the verifier hands the "key" to HMAC because the header says HS256.
TEST_P(JwtVerify, RefusesAlgorithmConfusion) {
  const auto claims = with(user_claims(), "role", "service_role");
  const std::string rsa_jwk_text = boost::json::serialize(rs_key().public_jwk());
  const std::string ec_jwk_text = boost::json::serialize(es_key_a().public_jwk());
  const std::string ec_point = base64url_decode(es_key_a().public_jwk()["x"].as_string()).value() +
                               base64url_decode(es_key_a().public_jwk()["y"].as_string()).value();
  expect_all({
      {"HS256 naming the RSA kid, keyed with its JWK",
       hs256_raw(header_json("HS256", "rs-1"), claims, rsa_jwk_text), "unsupported_alg"},
      {"HS256 naming the EC kid, keyed with its point",
       hs256_raw(header_json("HS256", "es-a"), claims, ec_point), "unsupported_alg"},
      {"HS256 without kid, keyed with the RSA JWK",
       hs256_raw(header_json("HS256"), claims, rsa_jwk_text), "bad_signature"},
      {"HS256 without kid, keyed with the EC JWK",
       hs256_raw(header_json("HS256"), claims, ec_jwk_text), "bad_signature"},
  });
}

TEST_P(JwtVerify, RefusesBadSignatures) {
  const auto claims = user_claims();
  const auto elevated = with(claims, "role", "service_role");
  const std::string es = es_key_a().sign(claims);
  const std::string rs = rs_key().sign(claims);
  const std::string hs = sign_hs256(claims, kLegacySecret);
  const std::string es_signature = base64url_decode(segments(es).signature).value();
  expect_all({
      {"ES256 payload changed", replace_payload(es, elevated), "bad_signature"},
      {"RS256 payload changed", replace_payload(rs, elevated), "bad_signature"},
      {"HS256 payload changed", replace_payload(hs, elevated), "bad_signature"},
      {"ES256 signature bit flipped", flip_signature_bit(es), "bad_signature"},
      {"RS256 signature bit flipped", flip_signature_bit(rs), "bad_signature"},
      {"HS256 signature bit flipped", flip_signature_bit(hs), "bad_signature"},
      {"HS256 with the wrong secret",
       sign_hs256(claims, "a-completely-different-secret-of-sufficient-length"), "bad_signature"},
      {"ES256 signature in DER instead of r||s",
       replace_signature(es, jws::ecdsa_jose_to_der(es_signature)), "bad_signature"},
      {"ES256 signature truncated", replace_signature(es, es_signature.substr(0, 63)),
       "bad_signature"},
      {"ES256 signature of zeros", replace_signature(es, std::string(64, '\0')), "bad_signature"},
      {"ES256 signature empty", replace_signature(es, ""), "bad_signature"},
      {"RS256 signature empty", replace_signature(rs, ""), "bad_signature"},
      {"HS256 signature empty", replace_signature(hs, ""), "bad_signature"},
      {"RS256 signature one byte short",
       replace_signature(rs, base64url_decode(segments(rs).signature).value().substr(1)),
       "bad_signature"},
  });
}

TEST_P(JwtVerify, ChecksExpiryWithLeeway) {
  auto at_exp = [](std::int64_t exp) {
    return sign_hs256(with(user_claims(), "exp", exp), kLegacySecret);
  };
  VerifyOptions strict = options_at();
  strict.leeway = std::chrono::seconds{0};
  expect_all({
      {"expired beyond the 30 s leeway", at_exp(kNow - 31), "token_expired"},
      {"expired exactly at the leeway", at_exp(kNow - 30), "token_expired"},
      {"expired within the leeway", at_exp(kNow - 29), "ok"},
      {"no leeway: exp == now is expired", at_exp(kNow), "token_expired", strict},
      {"no leeway: exp == now + 1 is valid", at_exp(kNow + 1), "ok", strict},
      {"long expired", at_exp(1), "token_expired"},
      {"fractional exp",
       sign_hs256(with(user_claims(), "exp", static_cast<double>(kNow) + 60.5), kLegacySecret),
       "ok"},
      {"exp missing", sign_hs256(without(user_claims(), "exp"), kLegacySecret), "missing_claim"},
      {"exp a string", sign_hs256(with(user_claims(), "exp", "2099-01-01"), kLegacySecret),
       "malformed_token"},
      {"exp a boolean", sign_hs256(with(user_claims(), "exp", true), kLegacySecret),
       "malformed_token"},
      {"exp absurdly large", sign_hs256(with(user_claims(), "exp", 1e300), kLegacySecret),
       "malformed_token"},
      {"exp INT64_MAX", sign_hs256(with(user_claims(), "exp", INT64_MAX), kLegacySecret),
       "malformed_token"},
      {"exp huge unsigned", sign_hs256(with(user_claims(), "exp", UINT64_MAX), kLegacySecret),
       "malformed_token"},
  });
}

TEST_P(JwtVerify, ChecksNotBeforeAndIssuedAtWithLeeway) {
  auto token = [](std::string_view claim, std::int64_t t) {
    return sign_hs256(with(user_claims(), claim, t), kLegacySecret);
  };
  expect_all({
      {"nbf beyond the leeway", token("nbf", kNow + 31), "token_not_yet_valid"},
      {"nbf at the leeway", token("nbf", kNow + 30), "ok"},
      {"nbf in the past", token("nbf", kNow - 100), "ok"},
      {"iat in the future beyond the leeway", token("iat", kNow + 31), "token_not_yet_valid"},
      {"iat in the future within the leeway", token("iat", kNow + 30), "ok"},
      {"iat absent", sign_hs256(without(user_claims(), "iat"), kLegacySecret), "ok"},
      {"nbf a string", sign_hs256(with(user_claims(), "nbf", "soon"), kLegacySecret),
       "malformed_token"},
      {"iat null", sign_hs256(with(user_claims(), "iat", nullptr), kLegacySecret),
       "malformed_token"},
  });
}

TEST_P(JwtVerify, ChecksAudience) {
  auto aud = [](boost::json::value a) {
    return sign_hs256(with(user_claims(), "aud", std::move(a)), kLegacySecret);
  };
  VerifyOptions custom = options_at();
  custom.audience = "dealer-portal";
  expect_all({
      {"wrong audience", aud("anon"), "wrong_audience"},
      {"audience differs in case", aud("Authenticated"), "wrong_audience"},
      {"array without the audience", aud(boost::json::array{"a", "b"}), "wrong_audience"},
      {"empty array", aud(boost::json::array{}), "wrong_audience"},
      {"array containing the audience", aud(boost::json::array{"other", "authenticated"}), "ok"},
      {"missing aud", sign_hs256(without(user_claims(), "aud"), kLegacySecret), "missing_claim"},
      {"aud a number", aud(5), "malformed_token"},
      {"aud array with a number", aud(boost::json::array{"authenticated", 5}), "malformed_token"},
      {"configured audience", aud("dealer-portal"), "ok", custom},
      {"default audience refused when another is configured", aud("authenticated"),
       "wrong_audience", custom},
  });
}

TEST_P(JwtVerify, ChecksIssuerWhenConfigured) {
  VerifyOptions with_issuer = options_at();
  with_issuer.issuer = kIssuer;
  expect_all({
      {"matching issuer", sign_hs256(user_claims(), kLegacySecret), "ok", with_issuer},
      {"another project's issuer",
       sign_hs256(with(user_claims(), "iss", "https://otherproject.supabase.co/auth/v1"),
                  kLegacySecret),
       "wrong_issuer", with_issuer},
      {"issuer with a trailing slash",
       sign_hs256(with(user_claims(), "iss", kIssuer + "/"), kLegacySecret), "wrong_issuer",
       with_issuer},
      {"missing issuer", sign_hs256(without(user_claims(), "iss"), kLegacySecret), "missing_claim",
       with_issuer},
      {"issuer not checked unless configured",
       sign_hs256(with(user_claims(), "iss", "anyone"), kLegacySecret), "ok"},
      {"iss a number", sign_hs256(with(user_claims(), "iss", 1), kLegacySecret), "malformed_token"},
  });
}

TEST_P(JwtVerify, RefusesMistypedSupabaseClaims) {
  auto token = [](std::string_view claim, boost::json::value v) {
    return sign_hs256(with(user_claims(), claim, std::move(v)), kLegacySecret);
  };
  expect_all({
      {"sub a number", token("sub", 42), "malformed_token"},
      {"role an object", token("role", boost::json::object{{"admin", true}}), "malformed_token"},
      {"aal an array", token("aal", boost::json::array{"aal2"}), "malformed_token"},
      {"session_id null", token("session_id", nullptr), "malformed_token"},
      {"email a number", token("email", 1), "malformed_token"},
      {"is_anonymous a string", token("is_anonymous", "false"), "malformed_token"},
  });
}

// supabase-js sends the legacy anon key as the bearer when nobody is signed in: an HS256 JWT
// with no sub and no aud. The caller accepts it by switching the audience check off.
TEST_P(JwtVerify, LegacyApiKeyJwtNeedsTheAudienceCheckOff) {
  const boost::json::object anon{{"iss", "supabase"},
                                 {"ref", "abcdefghijklmnop"},
                                 {"role", "anon"},
                                 {"iat", kNow - 1000},
                                 {"exp", kNow + 10'000'000}};
  const std::string token = sign_hs256(anon, kLegacySecret);
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, options_at())), "missing_claim");
  VerifyOptions no_audience = options_at();
  no_audience.audience.clear();
  auto result = verify_jwt(token, keys_, no_audience);
  ASSERT_TRUE(result) << result.problem().code;
  EXPECT_EQ(result->role, "anon");
  EXPECT_EQ(result->sub, "");
}

TEST_P(JwtVerify, NoLegacySecretMeansHs256NeedsAKnownKid) {
  KeyStore only_kid{KeyStoreOptions{.verified_token_cache_entries = GetParam()}};
  only_kid.add_hs256_secret("hs-kid", kKidSecret);
  EXPECT_EQ(problem_code(verify_jwt(sign_hs256(user_claims(), kKidSecret), only_kid, options_at())),
            "unknown_kid");
  EXPECT_EQ(problem_code(verify_jwt(sign_hs256(user_claims(), kKidSecret, "hs-kid"), only_kid,
                                    options_at())),
            "ok");
}

TEST_P(JwtVerify, EmptyStoreKnowsNoKeys) {
  KeyStore empty{KeyStoreOptions{.verified_token_cache_entries = GetParam()}};
  EXPECT_EQ(problem_code(verify_jwt(es_key_a().sign(user_claims()), empty, options_at())),
            "unknown_kid");
  EXPECT_EQ(problem_code(verify_jwt(sign_hs256(user_claims(), kLegacySecret), empty, options_at())),
            "unknown_kid");
}

TEST_P(JwtVerify, UsesTheSystemClockByDefault) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const std::string fresh = sign_hs256(user_claims(now.count()), kLegacySecret);
  const std::string stale = sign_hs256(user_claims(now.count() - 7200), kLegacySecret);
  EXPECT_EQ(problem_code(verify_jwt(fresh, keys_, VerifyOptions{})), "ok");
  EXPECT_EQ(problem_code(verify_jwt(stale, keys_, VerifyOptions{})), "token_expired");
}

// RFC 7515 Appendix A.1: an HS256 JWS made by someone else's implementation.
TEST(JwtKnownAnswer, Rfc7515AppendixA1Hs256) {
  const std::string token =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  KeyStore keys;
  keys.set_legacy_hs256_secret(
      base64url_decode(
          "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
          .value());
  VerifyOptions options = options_at(1300819380 - 60);
  options.audience.clear();  // the example has no aud
  auto result = verify_jwt(token, keys, options);
  ASSERT_TRUE(result) << result.problem().code;
  EXPECT_EQ(result->claims.at("iss"), "joe");
  EXPECT_EQ(result->claims.at("http://example.com/is_root"), true);
  EXPECT_EQ(result->exp, 1300819380);
  EXPECT_EQ(problem_code(verify_jwt(token, keys, options_at(1300819380 + 30))), "token_expired");
}

TEST(JwtKnownAnswer, Rfc7515AppendixA3Es256) {
  const std::string input =
      "eyJhbGciOiJFUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ";
  const std::string signature =
      "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
  const boost::json::object jwk{{"kty", "EC"},
                                {"crv", "P-256"},
                                {"kid", "rfc7515"},
                                {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                                {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
  auto key = jws::ec_p256_public_key(base64url_decode(jwk.at("x").as_string()).value(),
                                     base64url_decode(jwk.at("y").as_string()).value());
  ASSERT_TRUE(key);
  EXPECT_TRUE(jws::verify_es256(key.get(), input, base64url_decode(signature).value()));
  EXPECT_FALSE(jws::verify_es256(key.get(), input + "x", base64url_decode(signature).value()));

  // Through verify_jwt the example is refused only because its header names no kid.
  KeyStore keys;
  ASSERT_EQ(keys.load_jwks(jwks_json({jwk})).value(), 1u);
  VerifyOptions options = options_at(1300819380 - 60);
  options.audience.clear();
  EXPECT_EQ(problem_code(verify_jwt(input + '.' + signature, keys, options)), "unknown_kid");
}

TEST(JwtApiKey, RecognisesSupabaseApiKeys) {
  EXPECT_TRUE(looks_like_api_key("sb_publishable_Abc123_xyz"));
  EXPECT_TRUE(looks_like_api_key("sb_secret_Abc123_xyz"));
  EXPECT_FALSE(looks_like_api_key(sign_hs256(user_claims(), kLegacySecret)));
  EXPECT_FALSE(looks_like_api_key("sb_publishable"));
  EXPECT_FALSE(looks_like_api_key("SB_SECRET_abc"));
  EXPECT_FALSE(looks_like_api_key(""));
}

}  // namespace
}  // namespace forecourt::auth
