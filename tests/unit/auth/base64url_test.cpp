#include "auth/base64url.hpp"

#include <gtest/gtest.h>

namespace forecourt::auth {
namespace {

TEST(AuthBase64url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(AuthBase64url, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8").value(), "\xfb\xff");
}

TEST(AuthBase64url, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t length = 0; length <= all.size(); length += 37) {
    const std::string bytes = all.substr(0, length);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)).value(), bytes) << length;
  }
}

TEST(AuthBase64url, RefusesAnythingButTheCanonicalForm) {
  for (std::string_view bad :
       {"Zg==", "Zm9v\n", " Zm9v", "Zm+v", "Zm/v", "Z", "Zm9vY", "Zh", "Zm9", "Zm8=", "Zm9v!"}) {
    SCOPED_TRACE(bad);
    auto decoded = base64url_decode(bad);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.problem().code, "malformed_base64url");
  }
  EXPECT_EQ(base64url_decode("Zm8").value(), "fo");
  EXPECT_EQ(base64url_decode("").value(), "");
}

}  // namespace
}  // namespace forecourt::auth
