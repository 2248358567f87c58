// The outbound HTTP client's pure parts: URL splitting and joining.
#include "http/client.hpp"

#include <gtest/gtest.h>

namespace forecourt::http_client {
namespace {

TEST(ClientUrl, SplitsSchemeHostPortAndTarget) {
  auto u = parse_url("https://abc.supabase.co/auth/v1/token?grant_type=password");
  ASSERT_TRUE(u.ok()) << u.problem().detail;
  EXPECT_EQ(*u, (Url{true, "abc.supabase.co", "443", "/auth/v1/token?grant_type=password"}));
  u = parse_url("http://127.0.0.1:54321");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, (Url{false, "127.0.0.1", "54321", "/"}));
  u = parse_url("HTTP://[::1]:8080/x#fragment");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, (Url{false, "::1", "8080", "/x"}));
}

TEST(ClientUrl, RefusesWhatItCannotOrShouldNotDial) {
  for (const char* bad : {"", "abc.supabase.co", "/auth/v1", "ftp://host/x", "https://",
                          "https://user:secret@host/x", "http://host:0/", "mailto:a@b.c"}) {
    auto u = parse_url(bad);
    EXPECT_FALSE(u.ok()) << bad;
    if (!u.ok()) {
      EXPECT_EQ(u.problem().code, "invalid_url") << bad;
    }
  }
}

TEST(ClientUrl, JoinsABaseWithAPath) {
  EXPECT_EQ(join_url("https://abc.supabase.co", "/auth/v1/logout"),
            "https://abc.supabase.co/auth/v1/logout");
  EXPECT_EQ(join_url("https://abc.supabase.co//", "/auth/v1"), "https://abc.supabase.co/auth/v1");
  EXPECT_EQ(join_url("http://h:1/base", "x"), "http://h:1/base/x");
}

TEST(ClientResponse, FindsHeadersCaseInsensitively) {
  Response r{200, {{"Retry-After", "7"}, {"content-type", "application/json"}}, ""};
  EXPECT_EQ(r.header("retry-after"), "7");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("x-missing"), "");
}

}  // namespace
}  // namespace forecourt::http_client
