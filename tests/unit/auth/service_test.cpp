// AuthService: installing the embedded provider's stored keys (signer, published JWKS, their
// public halves in the KeyStore), rotation as seen by a verifier, and the reload rate limit.
#include "auth/service.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace forecourt::auth {
namespace {

StoredKey stored(const SigningKey& key, bool signer) {
  return StoredKey{key.kid(), key.private_pem(), boost::json::serialize(key.public_jwk()), signer};
}

boost::json::object claims(std::int64_t exp_offset = 600) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return {{"sub", "00000000-0000-4000-a000-000000000003"},
          {"aud", "authenticated"},
          {"role", "authenticated"},
          {"iat", now},
          {"exp", now + exp_offset}};
}

Config config() {
  Config c;
  c.public_base_url = "http://127.0.0.1:8080";
  c.admin_ip_allowlist = "10.0.0.0/8";
  c.trusted_proxies = "127.0.0.1";
  return c;
}

TEST(AuthService, InstallsTheSignerAndPublishesEveryKey) {
  const Config c = config();
  AuthService service(c);
  EXPECT_EQ(service.signer(), nullptr);
  EXPECT_EQ(service.issuer(), "http://127.0.0.1:8080/auth/v1");
  auto old_key = SigningKey::generate_es256("old-key-0001");
  auto new_key = SigningKey::generate_es256("new-key-0002");
  service.install_signing_keys({stored(new_key, true), stored(old_key, false)});
  ASSERT_NE(service.signer(), nullptr);
  EXPECT_EQ(service.signer()->kid(), "new-key-0002");
  auto jwks = boost::json::parse(service.jwks_json());
  ASSERT_EQ(jwks.at("keys").as_array().size(), 2U);
  for (const auto& jwk : jwks.at("keys").as_array()) {
    EXPECT_FALSE(jwk.as_object().contains("d")) << "a private member leaked into the JWKS";
  }
  // Tokens of both keys verify: the retired key's tokens live out their grace period.
  for (const auto* key : {&old_key, &new_key}) {
    auto verified = verify_jwt(key->sign(claims()), service.keys(), service.verify_options());
    EXPECT_TRUE(verified) << (verified ? "" : verified.problem().detail);
  }
  // A key dropped from the table stops being the signer at once.
  service.install_signing_keys({stored(old_key, true)});
  EXPECT_EQ(service.signer()->kid(), "old-key-0001");
}

TEST(AuthService, ForeignKeysDoNotVerifyAndBadListsStopStartUp) {
  const Config c = config();
  AuthService service(c);
  auto ours = SigningKey::generate_es256("ours-000001");
  service.install_signing_keys({stored(ours, true)});
  auto stranger = SigningKey::generate_es256("ours-000001");  // same kid, other key
  auto refused = verify_jwt(stranger.sign(claims()), service.keys(), service.verify_options());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.problem().code, "bad_signature");

  Config bad = config();
  bad.admin_ip_allowlist = "10.0.0.1/8";
  EXPECT_THROW(AuthService{bad}, std::invalid_argument);
}

TEST(AuthService, KeyReloadsAreRateLimited) {
  const Config c = config();
  AuthService service(c);
  EXPECT_TRUE(service.claim_key_reload());
  EXPECT_FALSE(service.claim_key_reload());
  EXPECT_FALSE(service.claim_key_reload());
}

TEST(AuthService, NewKidsAreDistinctAndUrlSafe) {
  auto a = new_kid();
  auto b = new_kid();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 16U);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

}  // namespace
}  // namespace forecourt::auth
