#pragma once
// Internal to src/auth/: successful signature checks remembered by the token's SHA-256, so
// a client repeating its access token (every request until it refreshes) skips ES256's
// ~60 µs verification. Sharded so concurrent I/O threads rarely meet on one lock; each shard
// is an LRU list bounded by capacity / shard count.
#include <array>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/jws_crypto.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_keys.hpp"

namespace forecourt::auth {

struct CachedVerification {
  VerifiedToken token;
  KeyPtr key;  // the entry counts only while the header still selects this very key
  JwsAlgorithm alg = JwsAlgorithm::hs256;
  std::optional<std::string> kid;
};
using CachedPtr = std::shared_ptr<const CachedVerification>;

class VerifiedTokenCache {
 public:
  explicit VerifiedTokenCache(std::size_t capacity);

  CachedPtr find(const jws::Sha256Digest& token_digest);
  void insert(const jws::Sha256Digest& token_digest, CachedPtr entry);
  void erase(const jws::Sha256Digest& token_digest);
  [[nodiscard]] std::size_t size() const;
  void clear();

 private:
  struct DigestHash {
    std::size_t operator()(const jws::Sha256Digest& d) const noexcept {
      std::size_t h = 0;  // a SHA-256 is already uniform: any 8 of its bytes are a good hash
      std::memcpy(&h, d.data() + 8, sizeof h);
      return h;
    }
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<std::pair<jws::Sha256Digest, CachedPtr>> lru;  // most recent first
    std::unordered_map<jws::Sha256Digest, decltype(lru)::iterator, DigestHash> index;
  };
  static constexpr std::size_t kShards = 16;

  Shard& shard_for(const jws::Sha256Digest& d) { return shards_[d[0] % kShards]; }

  std::size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace forecourt::auth
