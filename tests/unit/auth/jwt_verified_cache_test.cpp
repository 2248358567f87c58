// The verified-token cache: a hit skips only the signature check; claims are re-checked on
// every call and an entry dies with its key.
#include <gtest/gtest.h>

#include "auth/jwt.hpp"
#include "jwt_test_support.hpp"

namespace forecourt::auth {
namespace {

using namespace test;
using std::chrono::minutes;
using std::chrono::seconds;

const KeyStore::Clock::time_point kCacheStart =
    KeyStore::Clock::time_point{} + std::chrono::hours{1000};

boost::json::object renamed_kid(boost::json::object jwk) {
  jwk["kid"] = "es-a";  // another key published under the cached token's kid
  return jwk;
}

class JwtVerifiedCache : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_.set_legacy_hs256_secret(kLegacySecret);
    ASSERT_TRUE(
        keys_.load_jwks(jwks_json({es_key_a().public_jwk(), rs_key().public_jwk()}), kCacheStart));
  }
  KeyStore keys_{
      KeyStoreOptions{.removed_key_grace = seconds{0}, .verified_token_cache_entries = 64}};
};

TEST_F(JwtVerifiedCache, RepeatTokenIsServedFromTheCache) {
  const std::string token = es_key_a().sign(user_claims());
  auto first = verify_jwt(token, keys_, options_at());
  ASSERT_TRUE(first);
  EXPECT_EQ(keys_.verified_cache_size(), 1u);
  auto second = verify_jwt(token, keys_, options_at());
  ASSERT_TRUE(second);
  EXPECT_EQ(keys_.verified_cache_size(), 1u);
  EXPECT_EQ(second->claims, first->claims);
  EXPECT_EQ(second->sub, first->sub);
}

TEST_F(JwtVerifiedCache, ExpiryIsCheckedOnEveryHitAndEndsTheEntry) {
  const std::string token = es_key_a().sign(user_claims());
  ASSERT_TRUE(verify_jwt(token, keys_, options_at()));
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, options_at(kNow + 3600 + 30))), "token_expired");
  EXPECT_EQ(keys_.verified_cache_size(), 0u);
}

TEST_F(JwtVerifiedCache, NotBeforeIsCheckedOnEveryHit) {
  const std::string token = sign_hs256(with(user_claims(), "nbf", kNow), kLegacySecret);
  ASSERT_TRUE(verify_jwt(token, keys_, options_at()));
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, options_at(kNow - 60))), "token_not_yet_valid");
}

TEST_F(JwtVerifiedCache, AudienceAndIssuerAreCheckedOnEveryHit) {
  const std::string token = es_key_a().sign(user_claims());
  ASSERT_TRUE(verify_jwt(token, keys_, options_at()));
  VerifyOptions other_audience = options_at();
  other_audience.audience = "dealer-portal";
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, other_audience)), "wrong_audience");
  VerifyOptions other_issuer = options_at();
  other_issuer.issuer = "https://someone-else.supabase.co/auth/v1";
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, other_issuer)), "wrong_issuer");
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, options_at())), "ok");
}

TEST_F(JwtVerifiedCache, RemovingTheKeyInvalidatesCachedTokens) {
  const std::string token = es_key_a().sign(user_claims());
  ASSERT_TRUE(verify_jwt(token, keys_, options_at()));
  ASSERT_TRUE(keys_.load_jwks(jwks_json({rs_key().public_jwk()}), kCacheStart + minutes{1}));
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, options_at())), "unknown_kid");
}

TEST_F(JwtVerifiedCache, ReplacingTheKeyInvalidatesCachedTokens) {
  const std::string token = es_key_a().sign(user_claims());
  ASSERT_TRUE(verify_jwt(token, keys_, options_at()));
  ASSERT_TRUE(
      keys_.load_jwks(jwks_json({renamed_kid(es_key_b().public_jwk())}), kCacheStart + minutes{1}));
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, options_at())), "bad_signature");
}

TEST_F(JwtVerifiedCache, ReloadingTheSameKeysKeepsCachedTokensValid) {
  const std::string token = es_key_a().sign(user_claims());
  ASSERT_TRUE(verify_jwt(token, keys_, options_at()));
  ASSERT_TRUE(keys_.load_jwks(jwks_json({es_key_a().public_jwk(), rs_key().public_jwk()}),
                              kCacheStart + minutes{10}));
  EXPECT_EQ(problem_code(verify_jwt(token, keys_, options_at())), "ok");
  EXPECT_EQ(keys_.verified_cache_size(), 1u);
}

TEST_F(JwtVerifiedCache, FailuresAreNotCached) {
  const std::string good = es_key_a().sign(user_claims());
  std::string tampered = good;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_jwt(tampered, keys_, options_at()));
  EXPECT_FALSE(verify_jwt(es_key_b().sign(user_claims()), keys_, options_at()));
  EXPECT_FALSE(
      verify_jwt(sign_hs256(without(user_claims(), "exp"), kLegacySecret), keys_, options_at()));
  EXPECT_FALSE(verify_jwt(es_key_a().sign(user_claims(kNow - 7200)), keys_, options_at()));
  EXPECT_EQ(keys_.verified_cache_size(), 0u);
}

TEST_F(JwtVerifiedCache, SizeIsBounded) {
  KeyStore small{KeyStoreOptions{.verified_token_cache_entries = 32}};
  small.set_legacy_hs256_secret(kLegacySecret);
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(
        verify_jwt(sign_hs256(with(user_claims(), "n", i), kLegacySecret), small, options_at()));
  }
  EXPECT_LE(small.verified_cache_size(), 32u);
  EXPECT_GT(small.verified_cache_size(), 0u);
  small.clear_verified_cache();
  EXPECT_EQ(small.verified_cache_size(), 0u);
}

TEST_F(JwtVerifiedCache, CanBeTurnedOff) {
  KeyStore uncached{KeyStoreOptions{.verified_token_cache_entries = 0}};
  uncached.set_legacy_hs256_secret(kLegacySecret);
  ASSERT_TRUE(verify_jwt(sign_hs256(user_claims(), kLegacySecret), uncached, options_at()));
  EXPECT_EQ(uncached.verified_cache_size(), 0u);
}

}  // namespace
}  // namespace forecourt::auth
