#include "auth/verified_token_cache.hpp"

#include <algorithm>

namespace forecourt::auth {

VerifiedTokenCache::VerifiedTokenCache(std::size_t capacity)
    : shard_capacity_(std::max<std::size_t>(1, capacity / kShards)) {}

CachedPtr VerifiedTokenCache::find(const jws::Sha256Digest& token_digest) {
  Shard& shard = shard_for(token_digest);
  std::lock_guard lock(shard.mutex);
  auto it = shard.index.find(token_digest);
  if (it == shard.index.end()) return nullptr;
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  return it->second->second;
}

void VerifiedTokenCache::insert(const jws::Sha256Digest& token_digest, CachedPtr entry) {
  Shard& shard = shard_for(token_digest);
  std::lock_guard lock(shard.mutex);
  if (auto it = shard.index.find(token_digest); it != shard.index.end()) {
    it->second->second = std::move(entry);
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
    return;
  }
  if (shard.index.size() >= shard_capacity_) {
    shard.index.erase(shard.lru.back().first);
    shard.lru.pop_back();
  }
  shard.lru.emplace_front(token_digest, std::move(entry));
  shard.index.emplace(token_digest, shard.lru.begin());
}

void VerifiedTokenCache::erase(const jws::Sha256Digest& token_digest) {
  Shard& shard = shard_for(token_digest);
  std::lock_guard lock(shard.mutex);
  if (auto it = shard.index.find(token_digest); it != shard.index.end()) {
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
}

std::size_t VerifiedTokenCache::size() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.index.size();
  }
  return total;
}

void VerifiedTokenCache::clear() {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.index.clear();
    shard.lru.clear();
  }
}

}  // namespace forecourt::auth
