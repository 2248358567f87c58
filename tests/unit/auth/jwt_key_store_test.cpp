// KeyStore: JWKS loading (what is skipped, what survives a bad document), key rotation,
// the refresh policy, and verification running while keys are swapped.
#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/jws_crypto.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_keys.hpp"
#include "jwt_test_support.hpp"

namespace forecourt::auth {
namespace {

using namespace test;
using Clock = KeyStore::Clock;
using std::chrono::minutes;
using std::chrono::seconds;

const Clock::time_point kStart = Clock::time_point{} + std::chrono::hours{1000};

boost::json::object renamed(boost::json::object jwk, std::string_view kid) {
  jwk["kid"] = kid;
  return jwk;
}

std::string rsa_1024_jwk_n() {
  auto key = jws::adopt_pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  return base64url_encode(jws::bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_N, 0));
}

std::string code_for(const SigningKey& key, const KeyStore& keys) {
  return problem_code(verify_jwt(key.sign(user_claims()), keys, options_at()));
}

KeyStoreOptions no_cache() { return KeyStoreOptions{.verified_token_cache_entries = 0}; }

TEST(JwtKeyStore, LoadsUsableKeysAndSkipsTheRest) {
  const auto ec = es_key_a().public_jwk();
  const auto rsa = rs_key().public_jwk();
  std::string off_curve_y = base64url_decode(ec.at("y").as_string()).value();
  off_curve_y[31] = static_cast<char>(off_curve_y[31] ^ 1);
  auto bare_ec = ec;
  for (const char* member : {"alg", "use", "key_ops"}) bare_ec.erase(member);

  KeyStore keys(no_cache());
  auto loaded = keys.load_jwks(jwks_json({
      ec,
      rsa,
      renamed(bare_ec, "bare-ec"),  // alg, use and key_ops are optional
      boost::json::object{{"kty", "oct"}, {"kid", "hs"}, {"k", b64(kLegacySecret)}},
      with(renamed(ec, "p384"), "crv", "P-384"),
      with(renamed(ec, "off-curve"), "y", b64(off_curve_y)),
      with(renamed(ec, "short-x"), "x", b64("too short")),
      with(renamed(ec, "bad-b64"), "x", "not base64url!"),
      with(renamed(rsa, "rsa-1024"), "n", rsa_1024_jwk_n()),
      with(renamed(rsa, "rsa-e1"), "e", b64(std::string(1, '\x01'))),
      with(renamed(rsa, "rsa-e-even"), "e", b64(std::string(1, '\x04'))),
      without(rsa, "kid"),
      renamed(rsa, ""),
      with(renamed(ec, "kid-number"), "kid", 7),
      with(renamed(ec, "enc"), "use", "enc"),
      with(renamed(ec, "encrypt-only"), "key_ops", boost::json::array{"encrypt"}),
      with(renamed(ec, "key-ops-string"), "key_ops", "verify"),
      with(renamed(rsa, "rs512"), "alg", "RS512"),
      with(renamed(rsa, "rsa-says-es"), "alg", "ES256"),
      with(renamed(ec, "ec-says-rs"), "alg", "RS256"),
      with(renamed(ec, "no-kty"), "kty", nullptr),
      boost::json::object{{"kty", "OKP"},
                          {"crv", "Ed25519"},
                          {"kid", "ed"},
                          {"x", b64(std::string(32, 'a'))}},
      42,
      "a string",
  }));
  ASSERT_TRUE(loaded) << loaded.problem().detail;
  EXPECT_EQ(*loaded, 3u);
  EXPECT_EQ(keys.jwks_key_count(), 3u);
  EXPECT_EQ(code_for(es_key_a(), keys), "ok");
  EXPECT_EQ(code_for(rs_key(), keys), "ok");
  EXPECT_EQ(problem_code(
                verify_jwt(signed_raw(es_key_a(), header_json("ES256", "bare-ec"), user_claims()),
                           keys, options_at())),
            "ok");
  EXPECT_EQ(
      problem_code(verify_jwt(signed_raw(es_key_a(), header_json("ES256", "enc"), user_claims()),
                              keys, options_at())),
      "unknown_kid");
}

TEST(JwtKeyStore, FirstKeyOfADuplicatedKidWins) {
  KeyStore keys(no_cache());
  ASSERT_EQ(keys.load_jwks(jwks_json({renamed(es_key_a().public_jwk(), "dup"),
                                      renamed(es_key_b().public_jwk(), "dup")}))
                .value(),
            1u);
  const auto header = header_json("ES256", "dup");
  EXPECT_EQ(
      problem_code(verify_jwt(signed_raw(es_key_a(), header, user_claims()), keys, options_at())),
      "ok");
  EXPECT_EQ(
      problem_code(verify_jwt(signed_raw(es_key_b(), header, user_claims()), keys, options_at())),
      "bad_signature");
}

TEST(JwtKeyStore, UnreadableDocumentsChangeNothing) {
  KeyStore keys(no_cache());
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart));
  for (std::string_view bad :
       {"", "not json", "[]", "{}", R"({"keys":{}})", R"({"keys":"x"})", R"({"keys":[)", "null"}) {
    SCOPED_TRACE(bad);
    auto result = keys.load_jwks(bad, kStart + minutes{1});
    ASSERT_FALSE(result);
    EXPECT_EQ(result.problem().code, "invalid_jwks");
  }
  EXPECT_EQ(keys.jwks_key_count(), 1u);
  EXPECT_EQ(code_for(es_key_a(), keys), "ok");
}

TEST(JwtKeyStore, EmptyKeySetIsValid) {
  // Legacy HS256-only projects publish {"keys":[]}.
  KeyStore keys(no_cache());
  auto loaded = keys.load_jwks(R"({"keys":[]})");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, 0u);
}

TEST(JwtKeyStore, RotationKeepsARemovedKeyForTheGracePeriod) {
  KeyStore keys(
      KeyStoreOptions{.removed_key_grace = minutes{20}, .verified_token_cache_entries = 0});
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart));
  EXPECT_EQ(code_for(es_key_b(), keys), "unknown_kid");

  // Standby key published, then the old one withdrawn.
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk(), es_key_b().public_jwk()}),
                             kStart + minutes{10}));
  EXPECT_EQ(code_for(es_key_b(), keys), "ok");
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_b().public_jwk()}), kStart + minutes{20}));
  EXPECT_EQ(code_for(es_key_a(), keys), "ok") << "withdrawn keys verify during the grace period";
  EXPECT_EQ(keys.jwks_key_count(), 2u);

  // The grace counts from the first document without the key, not from each reload.
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_b().public_jwk()}), kStart + minutes{30}));
  EXPECT_EQ(code_for(es_key_a(), keys), "ok");
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_b().public_jwk()}), kStart + minutes{40}));
  EXPECT_EQ(code_for(es_key_a(), keys), "unknown_kid");
  EXPECT_EQ(code_for(es_key_b(), keys), "ok");
  EXPECT_EQ(keys.jwks_key_count(), 1u);
}

TEST(JwtKeyStore, AKeyThatReturnsIsNoLongerMissing) {
  KeyStore keys(
      KeyStoreOptions{.removed_key_grace = minutes{20}, .verified_token_cache_entries = 0});
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart));
  ASSERT_TRUE(
      keys.load_jwks(jwks_json({}), kStart + minutes{1}));  // a stale edge served an empty set
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart + minutes{2}));
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart + minutes{60}));
  EXPECT_EQ(code_for(es_key_a(), keys), "ok");
}

TEST(JwtKeyStore, ZeroGraceDropsRemovedKeysAtOnce) {
  KeyStore keys(
      KeyStoreOptions{.removed_key_grace = seconds{0}, .verified_token_cache_entries = 0});
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart));
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_b().public_jwk()}), kStart + seconds{1}));
  EXPECT_EQ(code_for(es_key_a(), keys), "unknown_kid");
}

TEST(JwtKeyStore, AReplacedKeyTakesEffectImmediately) {
  KeyStore keys(no_cache());
  ASSERT_TRUE(keys.load_jwks(jwks_json({renamed(es_key_a().public_jwk(), "current")}), kStart));
  ASSERT_TRUE(keys.load_jwks(jwks_json({renamed(es_key_b().public_jwk(), "current")}),
                             kStart + seconds{1}));
  const auto header = header_json("ES256", "current");
  EXPECT_EQ(
      problem_code(verify_jwt(signed_raw(es_key_a(), header, user_claims()), keys, options_at())),
      "bad_signature");
  EXPECT_EQ(
      problem_code(verify_jwt(signed_raw(es_key_b(), header, user_claims()), keys, options_at())),
      "ok");
}

TEST(JwtKeyStore, ReloadingAnUnchangedKeyKeepsItsRecord) {
  // The record's identity is what keeps cached verifications valid across periodic refreshes.
  KidMap<KeyPtr> fresh;
  fresh.emplace("es-a", key_from_jwk(es_key_a().public_jwk()));
  auto first = merge_jwks({}, fresh, kStart, minutes{20});
  KidMap<KeyPtr> again;
  again.emplace("es-a", key_from_jwk(es_key_a().public_jwk()));
  auto second = merge_jwks(first, again, kStart + minutes{10}, minutes{20});
  EXPECT_EQ(second.at("es-a").key.get(), first.at("es-a").key.get());
  KidMap<KeyPtr> changed;
  changed.emplace("es-a", key_from_jwk(es_key_b().public_jwk()));
  EXPECT_NE(merge_jwks(second, changed, kStart + minutes{11}, minutes{20}).at("es-a").key.get(),
            first.at("es-a").key.get());
}

TEST(JwtKeyStore, UnknownKidRefreshAtMostOncePerInterval) {
  KeyStore keys;
  EXPECT_TRUE(keys.should_refresh_for_unknown_kid(kStart));
  EXPECT_FALSE(keys.should_refresh_for_unknown_kid(kStart));
  EXPECT_FALSE(keys.should_refresh_for_unknown_kid(kStart + seconds{29}));
  EXPECT_TRUE(keys.should_refresh_for_unknown_kid(kStart + seconds{30}));
  EXPECT_FALSE(keys.should_refresh_for_unknown_kid(kStart + seconds{59}));
  EXPECT_FALSE(keys.should_refresh_for_unknown_kid(kStart + seconds{10}))
      << "a clock read before the last attempt";
  EXPECT_TRUE(keys.should_refresh_for_unknown_kid(kStart + seconds{61}));
}

TEST(JwtKeyStore, RefreshIntervalIsConfigurable) {
  KeyStore keys(KeyStoreOptions{.unknown_kid_refresh_interval = seconds{5}});
  EXPECT_TRUE(keys.should_refresh_for_unknown_kid(kStart));
  EXPECT_FALSE(keys.should_refresh_for_unknown_kid(kStart + seconds{4}));
  EXPECT_TRUE(keys.should_refresh_for_unknown_kid(kStart + seconds{5}));
}

TEST(JwtKeyStore, ALoadCountsAsARefresh) {
  KeyStore keys;
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart));
  EXPECT_FALSE(keys.should_refresh_for_unknown_kid(kStart + seconds{10}));
  EXPECT_TRUE(keys.should_refresh_for_unknown_kid(kStart + seconds{30}));
}

TEST(JwtKeyStore, RefreshForAge) {
  KeyStore keys;
  EXPECT_TRUE(keys.should_refresh_for_age(kStart)) << "nothing loaded yet";
  EXPECT_FALSE(keys.should_refresh_for_age(kStart + seconds{1}))
      << "one attempt per interval, even when due";
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart + seconds{2}));
  EXPECT_FALSE(keys.should_refresh_for_age(kStart + minutes{9}));
  EXPECT_TRUE(keys.should_refresh_for_age(kStart + minutes{10} + seconds{2}));
  EXPECT_FALSE(keys.should_refresh_for_age(kStart + minutes{10} + seconds{3}));
  // A failed fetch leaves the JWKS old: the next attempt waits for the interval, not ten minutes.
  EXPECT_TRUE(keys.should_refresh_for_age(kStart + minutes{10} + seconds{32}));
}

TEST(JwtKeyStore, FailedLoadDoesNotResetTheAge) {
  KeyStore keys(KeyStoreOptions{.max_jwks_age = minutes{10}});
  ASSERT_TRUE(keys.load_jwks(jwks_json({es_key_a().public_jwk()}), kStart));
  ASSERT_FALSE(keys.load_jwks("garbage", kStart + minutes{10}));
  EXPECT_TRUE(keys.should_refresh_for_age(kStart + minutes{10}));
}

TEST(JwtKeyStore, ConcurrentCallersGetOneRefresh) {
  KeyStore keys;
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  threads.reserve(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) {
        if (keys.should_refresh_for_unknown_kid(kStart + seconds{j % 3})) ++granted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 1);
}

TEST(JwtKeyStore, VerificationRunsWhileKeysAreSwapped) {
  KeyStore keys(KeyStoreOptions{.verified_token_cache_entries = 128});
  keys.set_legacy_hs256_secret(kLegacySecret);
  const std::string both = jwks_json({es_key_a().public_jwk(), rs_key().public_jwk()});
  const std::string rsa_first = jwks_json({rs_key().public_jwk(), es_key_a().public_jwk()});
  ASSERT_TRUE(keys.load_jwks(both));
  const std::vector<std::string> tokens{es_key_a().sign(user_claims()),
                                        rs_key().sign(user_claims()),
                                        sign_hs256(user_claims(), kLegacySecret)};
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if (!keys.load_jwks(i % 2 == 0 ? both : rsa_first)) ++failures;
      if (i % 5 == 0) keys.clear_verified_cache();
    }
  });
  std::vector<std::thread> readers;
  readers.reserve(3);
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      for (int i = 0; i < 300; ++i) {
        if (!verify_jwt(tokens[static_cast<std::size_t>(i + r) % tokens.size()], keys,
                        options_at()))
          ++failures;
      }
    });
  }
  for (auto& t : readers) t.join();
  stop = true;
  writer.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(JwtKeyStore, RefusesWeakOrNamelessSecrets) {
  KeyStore keys;
  EXPECT_THROW(keys.set_legacy_hs256_secret(""), std::invalid_argument);
  EXPECT_THROW(keys.set_legacy_hs256_secret(std::string(31, 'x')), std::invalid_argument);
  EXPECT_NO_THROW(keys.set_legacy_hs256_secret(std::string(32, 'x')));
  EXPECT_THROW(keys.add_hs256_secret("", kKidSecret), std::invalid_argument);
  EXPECT_THROW(keys.add_hs256_secret("short", "123"), std::invalid_argument);
}

TEST(JwtKeyStore, LegacySecretWithAKid) {
  KeyStore keys(no_cache());
  keys.set_legacy_hs256_secret(kLegacySecret, "legacy-kid");
  EXPECT_EQ(problem_code(verify_jwt(sign_hs256(user_claims(), kLegacySecret, "legacy-kid"), keys,
                                    options_at())),
            "ok");
  EXPECT_EQ(problem_code(verify_jwt(sign_hs256(user_claims(), kLegacySecret), keys, options_at())),
            "ok");
  EXPECT_EQ(problem_code(
                verify_jwt(sign_hs256(user_claims(), kLegacySecret, "other"), keys, options_at())),
            "ok");
}

TEST(JwtKeyStore, ReplacingTheLegacySecretRetiresTheOldOne) {
  KeyStore keys;  // cache on: a cached verification must not outlive its secret
  keys.set_legacy_hs256_secret(kLegacySecret);
  const std::string token = sign_hs256(user_claims(), kLegacySecret);
  ASSERT_EQ(problem_code(verify_jwt(token, keys, options_at())), "ok");
  keys.set_legacy_hs256_secret(kKidSecret);
  EXPECT_EQ(problem_code(verify_jwt(token, keys, options_at())), "bad_signature");
}

}  // namespace
}  // namespace forecourt::auth
