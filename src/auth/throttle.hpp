#pragma once
// Brute-force protection for password and OTP sign-ins: the backoff schedule. Failures are
// counted per account (the lower-cased email, whether or not it exists, so the answer never
// tells) and per client IP over a window; past a threshold each further failure locks the
// key for an exponentially growing time, capped.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace forecourt::auth {

struct ThrottlePolicy {
  std::int64_t free_failures;  // failures allowed before any lock
  std::chrono::seconds window{15 * 60};
  std::chrono::seconds max_lock{15 * 60};
};

inline constexpr ThrottlePolicy kAccountThrottle{5};
inline constexpr ThrottlePolicy kIpThrottle{100};  // offices and carrier NAT share one IP

// Seconds the key stays locked after its `failures`-th failure in the window (0 = none):
// 1 s after the first failure past the threshold, doubling each time, capped at max_lock.
inline std::int64_t lock_seconds(const ThrottlePolicy& policy, std::int64_t failures) {
  const std::int64_t over = failures - policy.free_failures;
  if (over <= 0) return 0;
  const std::int64_t cap = policy.max_lock.count();
  if (over > 30) return cap;
  return std::min<std::int64_t>(std::int64_t{1} << (over - 1), cap);
}

}  // namespace forecourt::auth
