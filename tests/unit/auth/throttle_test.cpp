#include "auth/throttle.hpp"

#include <gtest/gtest.h>

namespace forecourt::auth {
namespace {

TEST(Throttle, NoLockUntilTheThresholdThenDoublingUpToTheCap) {
  for (std::int64_t n = 0; n <= kAccountThrottle.free_failures; ++n)
    EXPECT_EQ(lock_seconds(kAccountThrottle, n), 0) << n;
  EXPECT_EQ(lock_seconds(kAccountThrottle, 6), 1);
  EXPECT_EQ(lock_seconds(kAccountThrottle, 7), 2);
  EXPECT_EQ(lock_seconds(kAccountThrottle, 8), 4);
  EXPECT_EQ(lock_seconds(kAccountThrottle, 15), 512);
  EXPECT_EQ(lock_seconds(kAccountThrottle, 16), 900);
  EXPECT_EQ(lock_seconds(kAccountThrottle, 1000000), 900);
  EXPECT_EQ(lock_seconds(kIpThrottle, 100), 0);
  EXPECT_EQ(lock_seconds(kIpThrottle, 101), 1);
}

}  // namespace
}  // namespace forecourt::auth
