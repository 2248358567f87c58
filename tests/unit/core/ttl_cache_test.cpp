#include "core/ttl_cache.hpp"

#include <gtest/gtest.h>

namespace forecourt {
namespace {

TEST(TtlCache, ExpiresAndEvicts) {
  TtlCache<int> cache(2);
  auto t0 = TtlCache<int>::Clock::now();
  cache.put("a", 1, std::chrono::milliseconds(100), t0);
  EXPECT_EQ(cache.get("a", t0), 1);
  EXPECT_EQ(cache.get("a", t0 + std::chrono::milliseconds(100)), std::nullopt);
  cache.put("a", 1, std::chrono::seconds(10), t0);
  cache.put("b", 2, std::chrono::seconds(10), t0);
  cache.put("c", 3, std::chrono::seconds(10), t0);  // evicts the oldest ("a")
  EXPECT_EQ(cache.get("a", t0), std::nullopt);
  EXPECT_EQ(cache.get("c", t0), 3);
  EXPECT_EQ(cache.size(), 2U);
}

}  // namespace
}  // namespace forecourt
