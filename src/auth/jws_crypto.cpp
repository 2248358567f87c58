#include "auth/jws_crypto.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <array>
#include <atomic>
#include <stdexcept>

namespace forecourt::auth::jws {
namespace {

template <auto Free>
struct FreeWith {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
template <class T, auto Free>
using Owned = std::unique_ptr<T, FreeWith<Free>>;

const unsigned char* bytes(std::string_view s) {
  // The bytes belong to whatever the view looks at, not to the view: nothing dangles.
  // cppcheck-suppress returnDanglingLifetime
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// A failed verification leaves entries on OpenSSL's per-thread error queue; TLS code on
// the same I/O thread reads that queue, so stale entries must not outlive the call.
bool succeeded_or_clear(bool ok) {
  if (!ok) ERR_clear_error();
  return ok;
}

[[noreturn]] void fail(const char* what) {
  ERR_clear_error();
  throw std::runtime_error(what);
}

EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);  // process lifetime
  return mac;
}

bool digest_verify(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  Owned<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, sha256_md(), nullptr, key) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(input),
                          input.size()) == 1;
}

std::string digest_sign(EVP_PKEY* key, std::string_view input) {
  Owned<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, sha256_md(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes(input), input.size()) != 1) {
    fail("EVP_DigestSign setup failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), bytes(signature), &length, bytes(input), input.size()) != 1)
    fail("EVP_DigestSign failed");
  signature.resize(length);
  return signature;
}

// DER INTEGER for an unsigned big-endian value: minimal, with a 0x00 in front when the top
// bit is set so it does not read as negative.
void append_der_integer(std::string& out, std::string_view value) {
  while (value.size() > 1 && value.front() == '\0') value.remove_prefix(1);
  const bool needs_zero = (static_cast<unsigned char>(value.front()) & 0x80) != 0;
  out.push_back('\x02');
  out.push_back(static_cast<char>(value.size() + (needs_zero ? 1 : 0)));
  if (needs_zero) out.push_back('\0');
  out.append(value);
}

PkeyPtr public_key_from_params(const char* type, const OSSL_PARAM* params) {
  Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  // fromdata takes a non-const array but only reads it.
  auto* mutable_params = const_cast<OSSL_PARAM*>(params);
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, mutable_params) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  PkeyPtr key = adopt_pkey(raw);
  Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return key;
}

Owned<BIGNUM, BN_free> to_bignum(std::string_view big_endian) {
  return Owned<BIGNUM, BN_free>(
      BN_bin2bn(bytes(big_endian), static_cast<int>(big_endian.size()), nullptr));
}

}  // namespace

PkeyPtr adopt_pkey(EVP_PKEY* key) {
  if (key == nullptr) return nullptr;
  return {key, EVP_PKEY_free};
}

const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);  // process lifetime
  return md;
}

Sha256Digest sha256(std::string_view data) {
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, sha256_md(), nullptr) != 1 ||
      length != digest.size()) {
    fail("SHA-256 failed");
  }
  return digest;
}

namespace {
std::atomic<std::uint64_t> next_hmac_key_serial{1};
}  // namespace

HmacSha256Key::HmacSha256Key(std::string_view secret)
    : keyed_(EVP_MAC_CTX_new(hmac_algorithm())), serial_(next_hmac_key_serial++) {
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  if (keyed_ == nullptr || EVP_MAC_init(keyed_, bytes(secret), secret.size(), params) != 1) {
    EVP_MAC_CTX_free(keyed_);
    fail("HMAC-SHA256 key setup failed");
  }
}

HmacSha256Key::~HmacSha256Key() { EVP_MAC_CTX_free(keyed_); }

EVP_MAC_CTX* HmacSha256Key::working_context() const {
  // A few keys per thread (the storage URL key, an HS256 JWT secret): a small table, the
  // oldest entry replaced when it is full. A copy outliving its key is freed when replaced
  // or when the thread ends; the serial keeps a later key at the same address from using it.
  struct Copy {
    std::uint64_t serial = 0;
    Owned<EVP_MAC_CTX, EVP_MAC_CTX_free> ctx;
  };
  thread_local std::array<Copy, 4> copies;
  thread_local std::size_t next_replaced = 0;
  for (auto& c : copies) {
    if (c.serial == serial_) return c.ctx.get();
  }
  auto& c = copies[next_replaced++ % copies.size()];
  c.ctx.reset(EVP_MAC_CTX_dup(keyed_));
  c.serial = c.ctx ? serial_ : 0;
  return c.ctx.get();
}

Sha256Digest HmacSha256Key::mac(std::string_view data) const {
  // EVP_MAC_init without a key restarts from the key already set (the pads are kept): a
  // per-call EVP_MAC_CTX_dup cost 0.8-1.2 us per MAC, this 0.5-0.65 (SHA-NI machine).
  EVP_MAC_CTX* ctx = working_context();
  Sha256Digest out{};
  std::size_t length = 0;
  if (ctx == nullptr || EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx, bytes(data), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &length, out.size()) != 1 || length != out.size()) {
    fail("HMAC-SHA256 failed");
  }
  return out;
}

bool verify_hs256(const HmacSha256Key& key, std::string_view signing_input,
                  std::string_view signature) {
  if (signature.size() != sizeof(Sha256Digest)) return false;
  const Sha256Digest expected = key.mac(signing_input);
  return CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

bool verify_rs256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature) {
  if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key))) return false;
  return succeeded_or_clear(digest_verify(key, signing_input, signature));
}

bool verify_es256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature) {
  const std::string der = ecdsa_jose_to_der(signature);
  if (der.empty()) return false;
  return succeeded_or_clear(digest_verify(key, signing_input, der));
}

std::string sign_rs256(EVP_PKEY* key, std::string_view signing_input) {
  return digest_sign(key, signing_input);
}

std::string sign_es256(EVP_PKEY* key, std::string_view signing_input) {
  std::string jose = ecdsa_der_to_jose(digest_sign(key, signing_input));
  if (jose.empty()) fail("ECDSA signature conversion failed");
  return jose;
}

std::string ecdsa_jose_to_der(std::string_view jose) {
  if (jose.size() != 64) return {};
  std::string body;
  append_der_integer(body, jose.substr(0, 32));
  append_der_integer(body, jose.substr(32));
  std::string der;
  der.reserve(body.size() + 2);
  der.push_back('\x30');  // SEQUENCE; at most 70 bytes of content, so a one-byte length
  der.push_back(static_cast<char>(body.size()));
  der += body;
  return der;
}

std::string ecdsa_der_to_jose(std::string_view der) {
  const unsigned char* cursor = bytes(der);
  Owned<ECDSA_SIG, ECDSA_SIG_free> sig(
      d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!sig || cursor != bytes(der) + der.size()) {
    ERR_clear_error();
    return {};
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string jose(64, '\0');
  if (BN_bn2binpad(r, bytes(jose), 32) != 32 || BN_bn2binpad(s, bytes(jose) + 32, 32) != 32)
    return {};
  return jose;
}

PkeyPtr ec_p256_public_key(std::string_view x, std::string_view y) {
  if (x.size() != 32 || y.size() != 32) return nullptr;
  std::string point = "\x04";  // uncompressed SEC1 point
  point.append(x).append(y);
  char group[] = "prime256v1";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  return public_key_from_params("EC", params);
}

PkeyPtr rsa_public_key(std::string_view n, std::string_view e) {
  constexpr int kMinModulusBits = 2048;  // NIST SP 800-131A; Supabase issues 2048-bit keys
  constexpr int kMaxModulusBits = 8192;  // bounds the cost an oversized key could impose per verify
  if (n.empty() || e.empty() || e.size() > 8) return nullptr;
  auto modulus = to_bignum(n);
  auto exponent = to_bignum(e);
  if (!modulus || !exponent) return nullptr;
  const int bits = BN_num_bits(modulus.get());
  // An exponent of 1 makes every message its own signature: require an odd e >= 3.
  if (bits < kMinModulusBits || bits > kMaxModulusBits || !BN_is_odd(exponent.get()) ||
      BN_num_bits(exponent.get()) < 2) {
    return nullptr;
  }
  Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return nullptr;
  }
  Owned<OSSL_PARAM, OSSL_PARAM_free> params(OSSL_PARAM_BLD_to_param(builder.get()));
  if (!params) return nullptr;
  return public_key_from_params("RSA", params.get());
}

std::string bignum_param(const EVP_PKEY* key, const char* name, int width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) fail("key parameter missing");
  Owned<BIGNUM, BN_free> value(raw);
  const int size = width > 0 ? width : BN_num_bytes(value.get());
  std::string out(static_cast<std::size_t>(size), '\0');
  if (BN_bn2binpad(value.get(), bytes(out), size) != size) fail("key parameter too large");
  return out;
}

}  // namespace forecourt::auth::jws
