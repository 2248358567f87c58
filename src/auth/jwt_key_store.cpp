// KeyStore: the verification keys (HS256 secrets, JWKS public keys), their selection by
// kid, JWKS loading and the refresh policy.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <limits>
#include <stdexcept>
#include <vector>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_keys.hpp"
#include "auth/verified_token_cache.hpp"

namespace forecourt::auth {
namespace {

constexpr KeyStore::Clock::rep kNever = std::numeric_limits<KeyStore::Clock::rep>::min();
constexpr std::size_t kMinHs256SecretBytes = 32;

KeyStore::Clock::rep ticks(KeyStore::Clock::time_point t) { return t.time_since_epoch().count(); }
KeyStore::Clock::rep ticks(std::chrono::seconds d) {
  return std::chrono::duration_cast<KeyStore::Clock::duration>(d).count();
}

// True when `last` is unset or at least `interval` before `now`.
bool elapsed(KeyStore::Clock::rep last, KeyStore::Clock::rep now, std::chrono::seconds interval) {
  return last == kNever || now - last >= ticks(interval);
}

const boost::json::string* string_member(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v != nullptr ? v->if_string() : nullptr;
}

std::optional<std::string> decoded_member(const boost::json::object& o, std::string_view name) {
  const auto* text = string_member(o, name);
  if (text == nullptr) return std::nullopt;
  auto bytes = base64url_decode(*text);
  if (!bytes) return std::nullopt;
  return std::move(bytes).value();
}

// `alg`, `use` and `key_ops` are optional in a JWK, but when present they must allow
// verifying signatures with `expected_alg`.
bool allows_signature_verification(const boost::json::object& jwk, std::string_view expected_alg) {
  if (const auto* alg = jwk.if_contains("alg");
      alg != nullptr && !(alg->is_string() && alg->get_string() == expected_alg)) {
    return false;
  }
  if (const auto* use = jwk.if_contains("use");
      use != nullptr && !(use->is_string() && use->get_string() == "sig")) {
    return false;
  }
  if (const auto* ops = jwk.if_contains("key_ops")) {
    if (!ops->is_array()) return false;
    const auto& list = ops->get_array();
    return std::any_of(list.begin(), list.end(), [](const auto& op) {
      return op.is_string() && op.get_string() == "verify";
    });
  }
  return true;
}

KeyPtr public_key(JwsAlgorithm alg, std::string kid, std::string material, jws::PkeyPtr pkey) {
  if (!pkey) return nullptr;
  auto key = std::make_shared<VerificationKey>();
  key->alg = alg;
  key->kid = std::move(kid);
  key->public_material = std::move(material);
  key->public_key = std::move(pkey);
  return key;
}

KeyPtr ec_key_from_jwk(const boost::json::object& jwk, std::string kid) {
  const auto* crv = string_member(jwk, "crv");
  if (crv == nullptr || *crv != "P-256" || !allows_signature_verification(jwk, "ES256"))
    return nullptr;
  auto x = decoded_member(jwk, "x");
  auto y = decoded_member(jwk, "y");
  if (!x || !y) return nullptr;
  auto pkey = jws::ec_p256_public_key(*x, *y);
  return public_key(JwsAlgorithm::es256, std::move(kid), *x + *y, std::move(pkey));
}

KeyPtr rsa_key_from_jwk(const boost::json::object& jwk, std::string kid) {
  if (!allows_signature_verification(jwk, "RS256")) return nullptr;
  auto n = decoded_member(jwk, "n");
  auto e = decoded_member(jwk, "e");
  if (!n || !e) return nullptr;
  auto pkey = jws::rsa_public_key(*n, *e);
  return public_key(JwsAlgorithm::rs256, std::move(kid), *n + '.' + *e, std::move(pkey));
}

bool same_key(const VerificationKey& a, const VerificationKey& b) {
  return a.alg == b.alg && a.public_material == b.public_material;
}

Result<KidMap<KeyPtr>> parse_jwks(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(json, ec);
  const auto* keys = !ec && doc.is_object() ? doc.get_object().if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    return Problem{"invalid_jwks", "the JWKS is not a JSON object with a \"keys\" array", "keys"};
  }
  KidMap<KeyPtr> usable;
  for (const auto& jwk : keys->get_array()) {
    if (auto key = key_from_jwk(jwk))
      usable.emplace(key->kid, std::move(key));  // first of a kid wins
  }
  return usable;
}

Problem unknown_kid(std::string detail) { return Problem{"unknown_kid", std::move(detail), "kid"}; }

Problem algorithm_mismatch(JwsAlgorithm token_alg, const VerificationKey& key) {
  return Problem{"unsupported_alg",
                 std::string("the token says ") + std::string(algorithm_name(token_alg)) +
                     " but its kid names an " + std::string(algorithm_name(key.alg)) + " key",
                 "alg"};
}

Result<KeyPtr> select_hs256_key(const KeySnapshot& keys, const std::optional<std::string>& kid) {
  if (kid) {
    if (auto it = keys.hs256_by_kid.find(*kid); it != keys.hs256_by_kid.end()) return it->second;
    if (auto it = keys.jwks.find(*kid); it != keys.jwks.end())
      return algorithm_mismatch(JwsAlgorithm::hs256, *it->second.key);
  }
  // GoTrue's rule: HS256 with no or an unknown kid is checked against the legacy secret.
  if (keys.legacy_hs256) return keys.legacy_hs256;
  return unknown_kid("no HS256 secret is configured for this token");
}

}  // namespace

bool VerificationKey::verify(std::string_view signing_input, std::string_view signature) const {
  switch (alg) {
    case JwsAlgorithm::hs256:
      return hmac && jws::verify_hs256(*hmac, signing_input, signature);
    case JwsAlgorithm::rs256:
      return public_key && jws::verify_rs256(public_key.get(), signing_input, signature);
    case JwsAlgorithm::es256:
      return public_key && jws::verify_es256(public_key.get(), signing_input, signature);
  }
  return false;
}

KeyPtr make_hs256_key(std::string kid, std::string_view secret) {
  auto key = std::make_shared<VerificationKey>();
  key->alg = JwsAlgorithm::hs256;
  key->kid = std::move(kid);
  key->hmac = std::make_unique<jws::HmacSha256Key>(secret);
  return key;
}

KeyPtr key_from_jwk(const boost::json::value& value) {
  const auto* jwk = value.if_object();
  if (jwk == nullptr) return nullptr;
  const auto* kid = string_member(*jwk, "kid");
  const auto* kty = string_member(*jwk, "kty");
  if (kid == nullptr || kid->empty() || kty == nullptr) return nullptr;
  if (*kty == "EC") return ec_key_from_jwk(*jwk, std::string(*kid));
  if (*kty == "RSA") return rsa_key_from_jwk(*jwk, std::string(*kid));
  return nullptr;  // "oct" and the rest: a published symmetric key would be a leaked secret
}

Result<KeyPtr> select_key(const KeySnapshot& keys, JwsAlgorithm alg,
                          const std::optional<std::string>& kid) {
  if (alg == JwsAlgorithm::hs256) return select_hs256_key(keys, kid);
  if (!kid) return unknown_kid("ES256 and RS256 tokens must name their key (kid)");
  if (auto it = keys.jwks.find(*kid); it != keys.jwks.end()) {
    if (it->second.key->alg != alg) return algorithm_mismatch(alg, *it->second.key);
    return it->second.key;
  }
  if (auto it = keys.hs256_by_kid.find(*kid); it != keys.hs256_by_kid.end())
    return algorithm_mismatch(alg, *it->second);
  return unknown_kid("no key with this kid is known");
}

KidMap<JwksEntry> merge_jwks(const KidMap<JwksEntry>& previous, const KidMap<KeyPtr>& fresh,
                             KeyStore::Clock::time_point now,
                             std::chrono::seconds removed_key_grace) {
  KidMap<JwksEntry> merged;
  for (const auto& [kid, key] : fresh) {
    auto old = previous.find(kid);
    // Keeping the old record for an unchanged key keeps its cached verifications valid.
    const bool unchanged = old != previous.end() && same_key(*old->second.key, *key);
    merged.emplace(kid, JwksEntry{unchanged ? old->second.key : key, std::nullopt});
  }
  for (const auto& [kid, entry] : previous) {
    if (merged.contains(kid)) continue;
    const auto since = entry.missing_since.value_or(now);
    if (now - since < removed_key_grace) merged.emplace(kid, JwksEntry{entry.key, since});
  }
  return merged;
}

KeyStore::KeyStore(KeyStoreOptions options)
    : options_(options),
      snapshot_(std::make_shared<const KeySnapshot>()),
      last_refresh_attempt_(kNever),
      last_jwks_load_(kNever),
      verified_cache_(
          options.verified_token_cache_entries > 0
              ? std::make_unique<VerifiedTokenCache>(options.verified_token_cache_entries)
              : nullptr) {}

KeyStore::~KeyStore() = default;

void KeyStore::set_legacy_hs256_secret(std::string_view secret, std::optional<std::string> kid) {
  add_hs256_key(std::move(kid).value_or(""), secret, true);
}

void KeyStore::add_hs256_secret(std::string kid, std::string_view secret) {
  if (kid.empty())
    throw std::invalid_argument("an HS256 secret added by kid needs a non-empty kid");
  add_hs256_key(std::move(kid), secret, false);
}

void KeyStore::add_hs256_key(std::string kid, std::string_view secret, bool legacy) {
  if (secret.size() < kMinHs256SecretBytes)
    throw std::invalid_argument("HS256 secrets must be at least 32 bytes");
  KeyPtr key = make_hs256_key(std::move(kid), secret);
  std::lock_guard lock(update_mutex_);
  auto next = std::make_shared<KeySnapshot>(*snapshot_.load());
  if (!key->kid.empty()) next->hs256_by_kid.insert_or_assign(key->kid, key);
  if (legacy) next->legacy_hs256 = key;
  snapshot_.store(std::move(next));
}

Result<std::size_t> KeyStore::load_jwks(std::string_view jwks_json, Clock::time_point now) {
  auto fresh = parse_jwks(jwks_json);
  if (!fresh) return fresh.problem();
  std::lock_guard lock(update_mutex_);
  auto next = std::make_shared<KeySnapshot>(*snapshot_.load());
  next->jwks = merge_jwks(next->jwks, *fresh, now, options_.removed_key_grace);
  snapshot_.store(std::move(next));
  last_jwks_load_.store(ticks(now));
  last_refresh_attempt_.store(ticks(now));  // a load is the freshest a fetch can make the keys
  return fresh->size();
}

bool KeyStore::should_refresh_for_unknown_kid(Clock::time_point now) {
  return claim_refresh_attempt(now);
}

bool KeyStore::should_refresh_for_age(Clock::time_point now) {
  if (!elapsed(last_jwks_load_.load(), ticks(now), options_.max_jwks_age)) return false;
  return claim_refresh_attempt(now);
}

bool KeyStore::claim_refresh_attempt(Clock::time_point now) {
  auto last = last_refresh_attempt_.load();
  while (elapsed(last, ticks(now), options_.unknown_kid_refresh_interval)) {
    if (last_refresh_attempt_.compare_exchange_weak(last, ticks(now))) return true;
  }
  return false;
}

std::size_t KeyStore::jwks_key_count() const { return snapshot_.load()->jwks.size(); }

std::size_t KeyStore::verified_cache_size() const {
  return verified_cache_ ? verified_cache_->size() : 0;
}

void KeyStore::clear_verified_cache() {
  if (verified_cache_) verified_cache_->clear();
}

}  // namespace forecourt::auth
