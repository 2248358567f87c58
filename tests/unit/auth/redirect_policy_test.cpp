// Where emailed links may send the browser: SITE_URL's origin, the allow-list, nothing else.
#include "auth/redirect_policy.hpp"

#include <gtest/gtest.h>

namespace forecourt::auth {
namespace {

const RedirectPolicy kPolicy{"https://dealer.example",
                             {"https://app.example/auth/*", "myapp://callback"}};

TEST(RedirectPolicy, EmptyOrForeignTargetsFallBackToTheSite) {
  EXPECT_EQ(safe_redirect(kPolicy, ""), "https://dealer.example");
  EXPECT_EQ(safe_redirect(kPolicy, "https://evil.example/"), "https://dealer.example");
  EXPECT_EQ(safe_redirect(kPolicy, "//evil.example/x"), "https://dealer.example");
  EXPECT_EQ(safe_redirect(kPolicy, "/relative"), "https://dealer.example");
  EXPECT_EQ(safe_redirect(kPolicy, "javascript:alert(1)"), "https://dealer.example");
}

TEST(RedirectPolicy, TheSitesOriginIsAllowedWithAnyPath) {
  EXPECT_EQ(safe_redirect(kPolicy, "https://dealer.example/account?x=1"),
            "https://dealer.example/account?x=1");
  EXPECT_EQ(safe_redirect(kPolicy, "https://DEALER.example/a"), "https://DEALER.example/a");
  // Same host, other scheme or port: another origin.
  EXPECT_EQ(safe_redirect(kPolicy, "http://dealer.example/a"), "https://dealer.example");
  EXPECT_EQ(safe_redirect(kPolicy, "https://dealer.example:8443/a"), "https://dealer.example");
  // Look-alikes and user-info tricks.
  EXPECT_EQ(safe_redirect(kPolicy, "https://dealer.example.evil.net/"), "https://dealer.example");
  EXPECT_EQ(safe_redirect(kPolicy, "https://dealer.example@evil.net/"), "https://dealer.example");
}

TEST(RedirectPolicy, AllowListEntriesAreExactOrPathPrefixes) {
  EXPECT_EQ(safe_redirect(kPolicy, "https://app.example/auth/callback"),
            "https://app.example/auth/callback");
  EXPECT_EQ(safe_redirect(kPolicy, "https://app.example/other"), "https://dealer.example");
  // An exact entry may be an app's deep link; a prefix of one is not.
  EXPECT_EQ(safe_redirect(kPolicy, "myapp://callback"), "myapp://callback");
  EXPECT_EQ(safe_redirect(kPolicy, "myapp://callback/x"), "https://dealer.example");
  // A prefix without a path cannot admit other hosts.
  const RedirectPolicy loose{"https://dealer.example", {"https://app.example*"}};
  EXPECT_EQ(safe_redirect(loose, "https://app.example.evil.net/"), "https://dealer.example");
}

}  // namespace
}  // namespace forecourt::auth
