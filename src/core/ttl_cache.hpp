#pragma once
// A small in-process cache with per-entry expiry, owned by one I/O thread (no locks).
// Bounded: when full, expired entries go first, then the oldest insert.
#include <chrono>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace forecourt {

template <class V>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TtlCache(std::size_t capacity) : capacity_(capacity) {}

  std::optional<V> get(const std::string& key, Clock::time_point now = Clock::now()) {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    if (it->second->expires <= now) {
      order_.erase(it->second);
      index_.erase(it);
      return std::nullopt;
    }
    return it->second->value;
  }

  void put(const std::string& key, V value, std::chrono::milliseconds ttl,
           Clock::time_point now = Clock::now()) {
    if (auto it = index_.find(key); it != index_.end()) {
      order_.erase(it->second);
      index_.erase(it);
    }
    while (index_.size() >= capacity_ && !order_.empty()) {
      index_.erase(order_.front().key);
      order_.pop_front();
    }
    order_.push_back(Entry{key, std::move(value), now + ttl});
    index_[key] = std::prev(order_.end());
  }

  void clear() {
    index_.clear();
    order_.clear();
  }
  [[nodiscard]] std::size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::string key;
    V value;
    Clock::time_point expires;
  };
  std::size_t capacity_;
  std::list<Entry> order_;
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace forecourt
