#include "auth/password.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <sodium.h>

#include <memory>
#include <stdexcept>

#include "auth/sodium_init.hpp"

namespace forecourt::auth {
namespace {

constexpr std::size_t kBcryptHashLength = 60;

bool is_argon2(std::string_view hash) {
  return hash.starts_with("$argon2id$") || hash.starts_with("$argon2i$");
}

bool is_bcrypt(std::string_view hash) {
  return hash.size() == kBcryptHashLength &&
         (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"));
}

bool verify_argon2(std::string_view password, std::string_view stored_hash) {
  // libsodium reads the hash as a C string of at most crypto_pwhash_STRBYTES bytes.
  if (stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string hash(stored_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool verify_bcrypt(std::string_view password, std::string_view stored_hash) {
  const std::string password_c(password);
  const std::string hash_c(stored_hash);
  // ~32 KiB of scratch: on the heap, not on a (possibly coroutine) stack; zeroed as crypt_r
  // requires.
  auto scratch = std::make_unique<crypt_data>();
  // Only ever reached for $2a$/$2b$/$2y$ hashes, so this is bcrypt, not the DES crypt
  // flawfinder warns about.
  const char* computed =
      crypt_r(password_c.c_str(), hash_c.c_str(), scratch.get());  // Flawfinder: ignore
  // libxcrypt signals failure with NULL or a string starting with '*'.
  if (computed == nullptr || computed[0] == '*') return false;
  return constant_time_equal(computed, stored_hash);
}

const std::string& equaliser_hash() {
  static const std::string hash = hash_password("forecourt timing equaliser");
  return hash;
}

}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium_initialized();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(
          out, password.data(), password.size(), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
          crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory?)");
  }
  return {out};
}

bool verify_password(std::string_view password, std::string_view stored_hash) {
  ensure_sodium_initialized();
  if (password.find('\0') != std::string_view::npos) return false;
  if (is_argon2(stored_hash)) return verify_argon2(password, stored_hash);
  if (is_bcrypt(stored_hash)) return verify_bcrypt(password, stored_hash);
  return false;
}

bool password_needs_rehash(std::string_view stored_hash) {
  ensure_sodium_initialized();
  if (!stored_hash.starts_with("$argon2id$") || stored_hash.size() >= crypto_pwhash_STRBYTES)
    return true;
  const std::string hash(stored_hash);
  return crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) != 0;
}

void burn_equivalent_time() {
  static_cast<void>(verify_password("not the password", equaliser_hash()));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace forecourt::auth
