#pragma once
// The process-wide auth state shared by every I/O thread: the KeyStore that verifies bearer
// tokens (our own ES256 keys, SUPABASE_JWT_SECRET), the embedded provider's current signing
// key and its published JWKS, the IP allowlists, and a small thread pool for password hashing
// (argon2id costs ~50-100 ms of CPU, which must never run on an I/O thread).
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/cidr.hpp"
#include "auth/jwt.hpp"
#include "core/config.hpp"

namespace forecourt::auth {

class JwksSource;

// One row of private.auth_signing_keys.
struct StoredKey {
  std::string kid;
  std::string private_pem;
  std::string public_jwk_json;
  bool signer = false;  // the newest active key: the one that signs
};

// The embedded provider's token lifetimes (GoTrue defaults).
inline constexpr std::chrono::seconds kAccessTokenTtl{3600};
// How long a retired key stays in the JWKS: the longest-lived token it signed (one access
// token lifetime) plus the ~20 min Supabase's clients and edges take to refetch a JWKS.
inline constexpr std::chrono::seconds kRetiredKeyGrace{3600 + 20 * 60};

class AuthService {
 public:
  explicit AuthService(const Config& config);
  ~AuthService();
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  [[nodiscard]] const Config& config() const { return config_; }
  [[nodiscard]] bool embedded() const { return config_.auth_mode == "embedded"; }
  [[nodiscard]] const KeyStore& keys() const { return keys_; }
  [[nodiscard]] KeyStore& keys() { return keys_; }
  [[nodiscard]] const VerifyOptions& verify_options() const { return verify_options_; }
  // AUTH_MODE=supabase: the project's JWKS (SUPABASE_JWKS_URL) feeding keys(); nullptr in
  // embedded mode, whose keys come from the database.
  [[nodiscard]] JwksSource* jwks_source() { return jwks_source_.get(); }
  // iss of the tokens we issue: PUBLIC_BASE_URL + "/auth/v1" (GoTrue's local default).
  [[nodiscard]] const std::string& issuer() const { return issuer_; }
  [[nodiscard]] const CidrList& admin_allowlist() const { return admin_allowlist_; }
  [[nodiscard]] const CidrList& trusted_proxies() const { return trusted_proxies_; }
  [[nodiscard]] boost::asio::thread_pool& cpu_pool() { return cpu_pool_; }

  // Installs the embedded provider's keys (from the database): the signer, the JWKS we
  // publish, and their public halves in the KeyStore. Thread-safe.
  void install_signing_keys(const std::vector<StoredKey>& keys);
  // nullptr until keys are installed (AUTH_MODE=supabase never installs any).
  [[nodiscard]] std::shared_ptr<const SigningKey> signer() const;
  // {"keys":[...]} of every published key.
  [[nodiscard]] std::string jwks_json() const;
  // True to at most one caller per kKeyReloadInterval: a token with an unknown kid may reload
  // the keys from the database (a key another process just rotated in), but a flood of forged
  // kids cannot turn into a query per request.
  bool claim_key_reload();
  static constexpr std::chrono::seconds kKeyReloadInterval{5};
  // The kids currently installed (to tell whether a reload brought something new).
  [[nodiscard]] std::vector<std::string> installed_kids() const;

 private:
  const Config& config_;
  KeyStore keys_;
  VerifyOptions verify_options_;
  std::string issuer_;
  CidrList admin_allowlist_;
  CidrList trusted_proxies_;
  boost::asio::thread_pool cpu_pool_{2};
  mutable std::mutex keys_mutex_;
  std::shared_ptr<const SigningKey> signer_;
  std::string jwks_json_ = R"({"keys":[]})";
  std::vector<std::string> kids_;
  std::atomic<std::int64_t> last_reload_ms_{0};
  std::unique_ptr<JwksSource> jwks_source_;
};

// private.auth_signing_keys through a blocking connection (start-up and `forecourt keys`).
// `database_url` connects as a role that may SET ROLE service_role (authenticator).
// Loads the published keys; when none is active, generates an ES256 key and stores it,
// under an advisory lock so that processes starting together agree on one key.
std::vector<StoredKey> ensure_signing_keys(const std::string& database_url);
// A new ES256 key becomes the signer; the previous signers retire and stay published for
// kRetiredKeyGrace. Returns the new kid.
std::string rotate_signing_key(const std::string& database_url);
// A fresh random kid (base64url of 12 random bytes).
std::string new_kid();

}  // namespace forecourt::auth
