#pragma once
// Internal to src/auth/: the key records behind KeyStore and the rule that picks the one
// key a token may be verified with.
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/jws_crypto.hpp"
#include "auth/jwt.hpp"

namespace forecourt::auth {

// One key, bound to one algorithm for life: a record never verifies another algorithm's
// signatures, which is what defeats algorithm confusion.
struct VerificationKey {
  JwsAlgorithm alg = JwsAlgorithm::hs256;
  std::string kid;                           // empty for a legacy secret configured without one
  std::string public_material;               // x||y or n||e: tells a reloaded JWK from a new one
  jws::PkeyPtr public_key;                   // ES256, RS256
  std::unique_ptr<jws::HmacSha256Key> hmac;  // HS256

  [[nodiscard]] bool verify(std::string_view signing_input, std::string_view signature) const;
};
using KeyPtr = std::shared_ptr<const VerificationKey>;

KeyPtr make_hs256_key(std::string kid, std::string_view secret);
// nullptr when the JWK is not a P-256 ES256 or RSA RS256 signature-verification key with a kid.
KeyPtr key_from_jwk(const boost::json::value& jwk);

struct KidHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view kid) const noexcept {
    return std::hash<std::string_view>{}(kid);
  }
};
template <class V>
using KidMap = std::unordered_map<std::string, V, KidHash, std::equal_to<>>;

struct JwksEntry {
  KeyPtr key;
  // Set when a later document no longer listed the key; it is dropped once the grace ends.
  std::optional<KeyStore::Clock::time_point> missing_since;
};

struct KeySnapshot {
  KidMap<JwksEntry> jwks;
  KidMap<KeyPtr> hs256_by_kid;
  KeyPtr legacy_hs256;
};

// The key that must verify a token with this header, or why there is none: unknown_kid, or
// unsupported_alg when the kid names a key of another algorithm.
Result<KeyPtr> select_key(const KeySnapshot& keys, JwsAlgorithm alg,
                          const std::optional<std::string>& kid);

// The JWKS map after loading `fresh` keys (distinct kids) at `now`.
KidMap<JwksEntry> merge_jwks(const KidMap<JwksEntry>& previous, const KidMap<KeyPtr>& fresh,
                             KeyStore::Clock::time_point now,
                             std::chrono::seconds removed_key_grace);

}  // namespace forecourt::auth
