// SigningKey (ES256 / RS256) and sign_hs256: token and JWK shapes, PEM round trips, and
// that what we sign verifies through the same path as Supabase's tokens.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>
#include <vector>

#include "auth/jws_crypto.hpp"
#include "auth/jwt.hpp"
#include "jwt_test_support.hpp"

namespace forecourt::auth {
namespace {

using namespace test;

boost::json::object decode_segment(const std::string& segment) {
  return boost::json::parse(base64url_decode(segment).value()).as_object();
}

std::string pem_of(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr,
                   const char* passphrase = nullptr) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (cipher != nullptr) {
    PEM_write_bio_PKCS8PrivateKey(bio, key, cipher, passphrase,
                                  static_cast<int>(std::strlen(passphrase)), nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  std::string pem(BIO_ctrl_pending(bio), '\0');
  BIO_read(bio, pem.data(), static_cast<int>(pem.size()));
  BIO_free(bio);
  return pem;
}

std::string public_pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  std::string pem(BIO_ctrl_pending(bio), '\0');
  BIO_read(bio, pem.data(), static_cast<int>(pem.size()));
  BIO_free(bio);
  return pem;
}

TEST(JwtSigning, Es256TokenHasTheSupabaseHeaderAndVerifies) {
  const SigningKey& key = es_key_a();
  const std::string token = key.sign(user_claims());
  const Segments s = segments(token);
  EXPECT_EQ(decode_segment(s.header),
            (boost::json::object{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "es-a"}}));
  EXPECT_EQ(decode_segment(s.payload), user_claims());
  EXPECT_EQ(base64url_decode(s.signature).value().size(), 64u) << "JOSE r||s, not DER";

  KeyStore keys;
  ASSERT_EQ(keys.load_jwks(jwks_json({key.public_jwk()})).value(), 1u);
  EXPECT_EQ(problem_code(verify_jwt(token, keys, options_at())), "ok");
}

TEST(JwtSigning, Es256PublicJwkShape) {
  const auto jwk = es_key_a().public_jwk();
  EXPECT_EQ(jwk.at("kty"), "EC");
  EXPECT_EQ(jwk.at("crv"), "P-256");
  EXPECT_EQ(jwk.at("kid"), "es-a");
  EXPECT_EQ(jwk.at("alg"), "ES256");
  EXPECT_EQ(jwk.at("use"), "sig");
  EXPECT_EQ(jwk.at("key_ops"), (boost::json::array{"verify"}));
  EXPECT_EQ(base64url_decode(jwk.at("x").as_string()).value().size(), 32u);
  EXPECT_EQ(base64url_decode(jwk.at("y").as_string()).value().size(), 32u);
  EXPECT_FALSE(jwk.contains("d")) << "the private scalar must never be published";
  EXPECT_EQ(jwk.size(), 8u);
}

TEST(JwtSigning, Rs256KeySignsAndPublishesNAndE) {
  const SigningKey& key = rs_key();
  EXPECT_EQ(key.algorithm(), JwsAlgorithm::rs256);
  const auto jwk = key.public_jwk();
  EXPECT_EQ(jwk.at("kty"), "RSA");
  EXPECT_EQ(jwk.at("alg"), "RS256");
  EXPECT_EQ(jwk.at("e"), "AQAB");
  EXPECT_EQ(base64url_decode(jwk.at("n").as_string()).value().size(), 256u);
  EXPECT_FALSE(jwk.contains("d"));
  const std::string token = key.sign(user_claims());
  EXPECT_EQ(decode_segment(segments(token).header).at("alg"), "RS256");
  KeyStore keys;
  ASSERT_TRUE(keys.load_jwks(jwks_json({jwk})));
  EXPECT_EQ(problem_code(verify_jwt(token, keys, options_at())), "ok");
}

TEST(JwtSigning, EachEs256SignatureIsFresh) {
  // ECDSA draws a new nonce per signature; equal signatures would mean a broken RNG.
  EXPECT_NE(es_key_a().sign(user_claims()), es_key_a().sign(user_claims()));
}

TEST(JwtSigning, PemRoundTripKeepsTheKey) {
  for (const SigningKey* original : {&es_key_a(), &rs_key()}) {
    const std::string pem = original->private_pem();
    EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----")) << pem.substr(0, 40);
    auto reloaded = SigningKey::from_pem(pem, original->kid());
    ASSERT_TRUE(reloaded) << reloaded.problem().detail;
    EXPECT_EQ(reloaded->algorithm(), original->algorithm());
    EXPECT_EQ(reloaded->public_jwk(), original->public_jwk());
    KeyStore keys;
    ASSERT_TRUE(keys.load_jwks(jwks_json({original->public_jwk()})));
    EXPECT_EQ(problem_code(verify_jwt(reloaded->sign(user_claims()), keys, options_at())), "ok");
  }
}

TEST(JwtSigning, GeneratedKeysDiffer) {
  EXPECT_NE(es_key_a().public_jwk().at("x"), es_key_b().public_jwk().at("x"));
}

TEST(JwtSigning, FromPemRefusesUnusableKeys) {
  auto p384 = jws::adopt_pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  auto rsa1024 = jws::adopt_pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  auto ed25519 = jws::adopt_pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  auto p256 = jws::adopt_pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(p384 && rsa1024 && ed25519 && p256);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"empty", ""},
      {"garbage", "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n"},
      {"P-384", pem_of(p384.get())},
      {"RSA 1024", pem_of(rsa1024.get())},
      {"Ed25519", pem_of(ed25519.get())},
      {"public key only", public_pem_of(p256.get())},
      {"encrypted (must not prompt for a passphrase)",
       pem_of(p256.get(), EVP_aes_256_cbc(), "passphrase")},
  };
  for (const auto& [name, pem] : cases) {
    SCOPED_TRACE(name);
    auto key = SigningKey::from_pem(pem, "k");
    ASSERT_FALSE(key);
    EXPECT_EQ(key.problem().code, "invalid_signing_key");
  }
  EXPECT_TRUE(SigningKey::from_pem(pem_of(p256.get()), "k"));
}

TEST(JwtSigning, Hs256HeaderAndMacMatchAnIndependentHmac) {
  const std::string token = sign_hs256(user_claims(), kLegacySecret, "kid-1");
  const Segments s = segments(token);
  EXPECT_EQ(decode_segment(s.header),
            (boost::json::object{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "kid-1"}}));
  EXPECT_EQ(base64url_decode(s.signature).value(),
            hmac_sha256(kLegacySecret, s.header + '.' + s.payload));
  const Segments no_kid = segments(sign_hs256(user_claims(), kLegacySecret));
  EXPECT_EQ(decode_segment(no_kid.header), (boost::json::object{{"alg", "HS256"}, {"typ", "JWT"}}));
}

TEST(JwtSigning, Hs256RefusesAnEmptySecret) {
  EXPECT_THROW(static_cast<void>(sign_hs256(user_claims(), "")), std::invalid_argument);
}

TEST(JwtSigning, StorageStyleSignedUrlToken) {
  // Storage signed URLs carry {url, scope, iat, exp}: no aud, checked with the audience off.
  const boost::json::object claims{{"url", "vehicle-photos/abc/1.jpg"},
                                   {"scope", "download"},
                                   {"iat", kNow},
                                   {"exp", kNow + 600}};
  KeyStore keys;
  keys.set_legacy_hs256_secret(kLegacySecret);
  VerifyOptions options = options_at();
  options.audience.clear();
  auto result = verify_jwt(sign_hs256(claims, kLegacySecret), keys, options);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->claims.at("url"), "vehicle-photos/abc/1.jpg");
}

}  // namespace
}  // namespace forecourt::auth
