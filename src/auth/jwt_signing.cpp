// SigningKey and sign_hs256: tokens issued by the embedded auth server.
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/jws_crypto.hpp"
#include "auth/jwt.hpp"

namespace forecourt::auth {

struct SigningKey::Material {
  jws::PkeyPtr key;
  JwsAlgorithm alg = JwsAlgorithm::es256;
};

namespace {

constexpr int kRsaSigningBits = 2048;

struct BioFree {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

// Never prompt on a terminal for an encrypted PEM: refuse it.
int refuse_passphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return 0; }

std::string signing_input(const boost::json::object& header, const boost::json::object& claims) {
  return base64url_encode(boost::json::serialize(header)) + '.' +
         base64url_encode(boost::json::serialize(claims));
}

boost::json::object jws_header(JwsAlgorithm alg, const std::optional<std::string>& kid) {
  boost::json::object header{{"alg", algorithm_name(alg)}, {"typ", "JWT"}};
  if (kid) header["kid"] = *kid;
  return header;
}

jws::PkeyPtr generate(const char* type, const char* curve_or_null) {
  EVP_PKEY* raw =
      curve_or_null != nullptr
          ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve_or_null)
          : EVP_PKEY_Q_keygen(nullptr, nullptr, type, static_cast<std::size_t>(kRsaSigningBits));
  if (raw == nullptr) {
    ERR_clear_error();
    throw std::runtime_error("key generation failed");
  }
  return jws::adopt_pkey(raw);
}

bool is_p256(EVP_PKEY* key) {
  char group[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &length) != 1)
    return false;
  const std::string_view name(group, length);
  return name == "prime256v1" || name == "P-256";
}

std::optional<JwsAlgorithm> signing_algorithm(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC") == 1 && is_p256(key)) return JwsAlgorithm::es256;
  if (EVP_PKEY_is_a(key, "RSA") == 1 && EVP_PKEY_get_bits(key) >= kRsaSigningBits)
    return JwsAlgorithm::rs256;
  return std::nullopt;
}

}  // namespace

SigningKey::SigningKey(std::shared_ptr<const Material> material, std::string kid)
    : material_(std::move(material)), kid_(std::move(kid)) {}

SigningKey SigningKey::generate_es256(std::string kid) {
  return SigningKey(
      std::make_shared<const Material>(Material{generate("EC", "P-256"), JwsAlgorithm::es256}),
      std::move(kid));
}

SigningKey SigningKey::generate_rs256(std::string kid) {
  return SigningKey(
      std::make_shared<const Material>(Material{generate("RSA", nullptr), JwsAlgorithm::rs256}),
      std::move(kid));
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem, std::string kid) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  jws::PkeyPtr key = jws::adopt_pkey(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr) : nullptr);
  ERR_clear_error();
  if (!key) return Problem{"invalid_signing_key", "not an unencrypted PEM private key", ""};
  auto alg = signing_algorithm(key.get());
  if (!alg)
    return Problem{"invalid_signing_key",
                   "signing keys must be EC P-256 or RSA of at least 2048 bits", ""};
  return SigningKey(std::make_shared<const Material>(Material{std::move(key), *alg}),
                    std::move(kid));
}

const std::string& SigningKey::kid() const { return kid_; }

JwsAlgorithm SigningKey::algorithm() const { return material_->alg; }

std::string SigningKey::private_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), material_->key.get(), nullptr, nullptr, 0,
                                       nullptr, nullptr) != 1) {
    ERR_clear_error();
    throw std::runtime_error("PEM encoding failed");
  }
  std::string pem(BIO_ctrl_pending(bio.get()), '\0');
  if (BIO_read(bio.get(), pem.data(), static_cast<int>(pem.size())) !=
      static_cast<int>(pem.size())) {
    throw std::runtime_error("PEM encoding failed");
  }
  return pem;
}

boost::json::object SigningKey::public_jwk() const {
  const EVP_PKEY* key = material_->key.get();
  boost::json::object jwk;
  if (material_->alg == JwsAlgorithm::es256) {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = base64url_encode(jws::bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_X, 32));
    jwk["y"] = base64url_encode(jws::bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32));
  } else {
    jwk["kty"] = "RSA";
    jwk["n"] = base64url_encode(jws::bignum_param(key, OSSL_PKEY_PARAM_RSA_N, 0));
    jwk["e"] = base64url_encode(jws::bignum_param(key, OSSL_PKEY_PARAM_RSA_E, 0));
  }
  jwk["kid"] = kid_;
  jwk["alg"] = algorithm_name(material_->alg);
  jwk["use"] = "sig";
  jwk["key_ops"] = boost::json::array{"verify"};
  return jwk;
}

std::string SigningKey::jws_signature(std::string_view input) const {
  return material_->alg == JwsAlgorithm::es256 ? jws::sign_es256(material_->key.get(), input)
                                               : jws::sign_rs256(material_->key.get(), input);
}

std::string SigningKey::sign(const boost::json::object& claims) const {
  std::string token = signing_input(jws_header(material_->alg, kid_), claims);
  const std::string signature = jws_signature(token);
  return token + '.' + base64url_encode(signature);
}

std::string sign_hs256(const boost::json::object& claims, std::string_view secret,
                       const std::optional<std::string>& kid) {
  if (secret.empty()) throw std::invalid_argument("HS256 needs a non-empty secret");
  std::string token = signing_input(jws_header(JwsAlgorithm::hs256, kid), claims);
  const auto mac = jws::HmacSha256Key(secret).mac(token);
  return token + '.' +
         base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace forecourt::auth
