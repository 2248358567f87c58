#pragma once
// JWT (JWS compact serialisation) verification and signing for Supabase-compatible tokens.
// Verification accepts exactly ES256, RS256 and HS256; each refusal has its own Problem code
// (malformed_token, unsupported_alg, unknown_kid, bad_signature, token_expired,
// token_not_yet_valid, wrong_audience, wrong_issuer, missing_claim) so the HTTP layer can
// answer 401 with a precise reason.
#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace forecourt::auth {

enum class JwsAlgorithm { hs256, rs256, es256 };
std::string_view algorithm_name(JwsAlgorithm alg);

struct VerifyOptions {
  // Required `aud` (string, or an array containing it). Empty skips the check: only for
  // Supabase's legacy API-key JWTs (anon/service_role), which carry no `aud`.
  std::string audience = "authenticated";
  std::optional<std::string> issuer;  // exact `iss`, e.g. https://<ref>.supabase.co/auth/v1
  std::chrono::seconds leeway{30};    // clock skew allowed on exp, nbf and iat
  std::optional<std::chrono::system_clock::time_point> now;  // for tests; default: the system clock
};

struct VerifiedToken {
  boost::json::object claims;  // the whole payload, e.g. for request.jwt.claims
  std::string sub;             // empty for API-key JWTs, which name no user
  std::string role;
  std::string aal;
  std::string session_id;
  std::string email;
  std::int64_t exp = 0;  // seconds since the Unix epoch
  bool is_anonymous = false;
};

struct KeyStoreOptions {
  // JWKS refetches triggered by tokens with an unknown kid: at most one per interval, so a
  // flood of forged kids cannot turn into a fetch per request.
  std::chrono::seconds unknown_kid_refresh_interval{30};
  // A JWKS older than this is refetched (Supabase serves it with max-age=600).
  std::chrono::seconds max_jwks_age{600};
  // A key that disappears from the JWKS still verifies for this long: Supabase's edge and
  // client caches need ~20 min to converge, so one stale document must not revoke a key.
  std::chrono::seconds removed_key_grace{1200};
  // Verified-token cache (see verify_jwt); 0 turns it off.
  std::size_t verified_token_cache_entries = 4096;
};

struct KeySnapshot;
class VerifiedTokenCache;
class KeyStore;

// Verifies signature, then claims: exp required; nbf and iat (not in the future) within the
// leeway; aud; iss when configured. The key is chosen by `kid`; an HS256 token with no or an
// unknown kid uses the legacy secret. A key only ever verifies its own algorithm, so an
// HS256 token "signed" with a public key's bytes is refused (algorithm confusion).
//
// ES256 costs ~60 µs in OpenSSL, over the 20 µs per-request budget, so successful
// verifications are cached (keyed by the token's SHA-256, bounded, LRU): a repeat token skips
// the signature check but every claim is re-checked on every call, and the entry is only
// used while its key is still in the store.
Result<VerifiedToken> verify_jwt(std::string_view token, const KeyStore& keys,
                                 const VerifyOptions& options);

// Supabase's new API keys (sb_publishable_…, sb_secret_…) arrive as Bearer tokens too but are
// not JWTs: the caller treats them as keys, never passes them to verify_jwt.
bool looks_like_api_key(std::string_view bearer);

// Verification keys: HS256 secrets and the public keys of a JWKS. Verification reads an
// immutable snapshot, so it runs concurrently with a refresh that swaps in a new one.
class KeyStore {
 public:
  using Clock = std::chrono::steady_clock;

  explicit KeyStore(KeyStoreOptions options = {});
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // Secrets shorter than 32 bytes (the HMAC-SHA256 output size, RFC 7518 §3.2) throw
  // std::invalid_argument: a configuration error to stop on at start-up.
  // The legacy secret verifies HS256 tokens with no kid, an unknown kid, or `kid`.
  void set_legacy_hs256_secret(std::string_view secret,
                               std::optional<std::string> kid = std::nullopt);
  void add_hs256_secret(std::string kid, std::string_view secret);

  // Replaces the JWKS keys with the document's usable ones (EC P-256/ES256 and RSA/RS256
  // signature keys with a kid; others skipped) and returns how many there were. Keys missing
  // from the document are kept for `removed_key_grace`, then dropped at a later load. An
  // unreadable document changes nothing ("invalid_jwks").
  Result<std::size_t> load_jwks(std::string_view jwks_json, Clock::time_point now = Clock::now());

  // The refresh policy, as pure bookkeeping (the caller does the fetch and load_jwks).
  // Each returns true to at most one caller per unknown_kid_refresh_interval and records that
  // attempt, so concurrent requests and failing fetches cannot multiply fetches.
  bool should_refresh_for_unknown_kid(Clock::time_point now);
  // True when no JWKS has been loaded yet or the last one is older than max_jwks_age.
  bool should_refresh_for_age(Clock::time_point now);

  [[nodiscard]] std::size_t jwks_key_count() const;
  [[nodiscard]] std::size_t verified_cache_size() const;
  void clear_verified_cache();

 private:
  friend Result<VerifiedToken> verify_jwt(std::string_view, const KeyStore&, const VerifyOptions&);

  void add_hs256_key(std::string kid, std::string_view secret, bool legacy);
  bool claim_refresh_attempt(Clock::time_point now);

  KeyStoreOptions options_;
  std::atomic<std::shared_ptr<const KeySnapshot>> snapshot_;
  std::mutex update_mutex_;  // serialises writers; readers never take it
  std::atomic<Clock::rep> last_refresh_attempt_;
  std::atomic<Clock::rep> last_jwks_load_;
  // Internally synchronised; filled by verify_jwt through a const KeyStore.
  std::unique_ptr<VerifiedTokenCache> verified_cache_;
};

// Signs access tokens for the embedded auth server: an ES256 (P-256) key, or RS256 (RSA 2048).
class SigningKey {
 public:
  // Key generation and signing throw std::runtime_error only if OpenSSL itself fails.
  static SigningKey generate_es256(std::string kid);
  static SigningKey generate_rs256(std::string kid);
  // Unencrypted PKCS#8 or traditional PEM; P-256 EC or RSA >= 2048 bits ("invalid_signing_key").
  static Result<SigningKey> from_pem(std::string_view pem, std::string kid);

  [[nodiscard]] const std::string& kid() const;
  [[nodiscard]] JwsAlgorithm algorithm() const;
  [[nodiscard]] std::string private_pem() const;  // PKCS#8
  // {kty, crv, x, y | n, e, kid, alg, use: "sig", key_ops: ["verify"]} for the JWKS.
  [[nodiscard]] boost::json::object public_jwk() const;
  // header {alg, typ: "JWT", kid} . claims . signature
  [[nodiscard]] std::string sign(const boost::json::object& claims) const;
  // The JOSE signature (ES256: raw r||s) over an arbitrary signing input
  // "b64(header).b64(payload)".
  [[nodiscard]] std::string jws_signature(std::string_view signing_input) const;

 private:
  struct Material;
  SigningKey(std::shared_ptr<const Material> material, std::string kid);

  std::shared_ptr<const Material> material_;
  std::string kid_;
};

// HS256 token (tests, Storage signed-URL tokens). An empty secret throws std::invalid_argument.
std::string sign_hs256(const boost::json::object& claims, std::string_view secret,
                       const std::optional<std::string>& kid = std::nullopt);

}  // namespace forecourt::auth
