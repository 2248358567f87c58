// GCRA arithmetic (the Lua script does the same) and the per-class limits.
#include "http/rate_limit.hpp"

#include <gtest/gtest.h>

namespace forecourt::http {
namespace {

TEST(Gcra, ABurstOfTheLimitThenRefusalWithRetryAfter) {
  long long tat = 0;
  const long long now = 1'000'000;
  for (int i = 0; i < 60; ++i) {
    auto d = gcra(tat, now, 60, 60'000);
    ASSERT_TRUE(d.allowed) << "request " << i;
    EXPECT_EQ(d.remaining, 59 - i);
  }
  auto refused = gcra(tat, now, 60, 60'000);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_seconds, 1);  // one emission interval (1 s at 60/min)
  EXPECT_EQ(refused.reset_seconds, 60);
  // One interval later exactly one more request fits.
  EXPECT_TRUE(gcra(tat, now + 1000, 60, 60'000).allowed);
  EXPECT_FALSE(gcra(tat, now + 1000, 60, 60'000).allowed);
}

TEST(Gcra, AnIdleCallerGetsTheFullBudgetBack) {
  long long tat = 0;
  for (int i = 0; i < 5; ++i) (void)gcra(tat, 0, 5, 60'000);
  EXPECT_FALSE(gcra(tat, 0, 5, 60'000).allowed);
  auto later = gcra(tat, 120'000, 5, 60'000);
  EXPECT_TRUE(later.allowed);
  EXPECT_EQ(later.remaining, 4);
}

TEST(RateLimits, ClassesAndMultiplier) {
  Config c;
  EXPECT_EQ(limits_for(c, "default", false).per_minute, 60);
  EXPECT_EQ(limits_for(c, "default", true).per_minute, 300);
  EXPECT_GT(limits_for(c, "search", false).per_minute, 60);
  EXPECT_GT(limits_for(c, "read", false).per_minute, 60);
  EXPECT_LT(limits_for(c, "auth", false).per_minute, 60);
  EXPECT_LT(limits_for(c, "lead", true).per_minute, 300);
  EXPECT_EQ(limits_for(c, "health", false).per_minute, 0);
  c.rate_limit_multiplier = 1000;
  EXPECT_EQ(limits_for(c, "default", false).per_minute, 60000);
}

TEST(RateLimits, TheScriptTakesTheClockFromRedis) {
  // Servers with skewed clocks must agree: the time comes from Redis itself.
  EXPECT_NE(rate_limit_script().find("redis.call('TIME')"), std::string_view::npos);
}

}  // namespace
}  // namespace forecourt::http
