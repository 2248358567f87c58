#pragma once
// OpenSSL primitives behind JWS signing and verification. Internal to src/auth/: the
// public API (jwt.hpp) never exposes OpenSSL types.
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace forecourt::auth::jws {

using Sha256Digest = std::array<unsigned char, 32>;

// Shared because a key is referenced by every key snapshot and cache entry that uses it.
using PkeyPtr = std::shared_ptr<EVP_PKEY>;
PkeyPtr adopt_pkey(EVP_PKEY* key);

// SHA-256 fetched once: OpenSSL 3 re-fetches implicitly named algorithms on every call,
// which costs microseconds per token.
const EVP_MD* sha256_md();
Sha256Digest sha256(std::string_view data);

// An HMAC-SHA256 key set up once; mac() starts from the keyed state instead of re-deriving
// the inner and outer pads. Safe to use from many threads at once: each thread keeps its
// own working copy of the keyed state.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view secret);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // Throws on an OpenSSL failure: returning a predictable MAC would let anyone forge one.
  [[nodiscard]] Sha256Digest mac(std::string_view data) const;

 private:
  // This thread's working copy of keyed_ (made on first use).
  [[nodiscard]] EVP_MAC_CTX* working_context() const;

  EVP_MAC_CTX* keyed_ = nullptr;
  std::uint64_t serial_;  // tells this key's working copies from other keys', even at one address
};

bool verify_hs256(const HmacSha256Key& key, std::string_view signing_input,
                  std::string_view signature);
bool verify_rs256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature);
// `signature` is the JOSE form, raw r||s (RFC 7518 §3.4), not DER.
bool verify_es256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature);

// Signatures in JOSE form; throw on an OpenSSL failure.
std::string sign_rs256(EVP_PKEY* key, std::string_view signing_input);
std::string sign_es256(EVP_PKEY* key, std::string_view signing_input);

// ECDSA P-256 signature conversions between JOSE (64 bytes r||s) and DER (what OpenSSL
// speaks). Empty string when the input is not a well-formed signature.
std::string ecdsa_jose_to_der(std::string_view jose);
std::string ecdsa_der_to_jose(std::string_view der);

// Public keys from JWK members (already base64url-decoded). nullptr when the material is
// not an acceptable key: a point off the curve, an RSA modulus under 2048 or over 8192 bits,
// an even or tiny public exponent.
PkeyPtr ec_p256_public_key(std::string_view x, std::string_view y);
PkeyPtr rsa_public_key(std::string_view n, std::string_view e);

// Big-endian bytes of a BIGNUM parameter of `key`, left-padded to `width` (0 = minimal).
std::string bignum_param(const EVP_PKEY* key, const char* name, int width);

}  // namespace forecourt::auth::jws
