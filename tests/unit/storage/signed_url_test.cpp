#include "storage/signed_url.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "auth/base64url.hpp"

namespace forecourt::storage {
namespace {

constexpr std::string_view kSecret = "a-test-secret-that-is-at-least-32-bytes-long";
constexpr std::int64_t kNow = 1'800'000'000;

std::string token_of(const std::string& url) { return url.substr(url.find("?token=") + 7); }

TEST(SignedUrl, HasSupabaseShapeAndVerifies) {
  UrlSigner signer(kSecret);
  auto url = signer.sign("vehicle-media", "v1/front 1.jpg", std::chrono::seconds(60), kNow);
  EXPECT_EQ(url.rfind("/storage/v1/object/sign/vehicle-media/v1/front%201.jpg?token=", 0), 0U)
      << url;
  auto ok = signer.verify(token_of(url), "vehicle-media", "v1/front 1.jpg", kNow + 59);
  EXPECT_TRUE(ok.ok());
}

// Storage's token: header {"alg":"HS256","typ":"JWT"}, claims url, scope, iat, exp in that
// order; a path with characters JSON must escape still round-trips.
TEST(SignedUrl, TokenCarriesStorageClaims) {
  constexpr std::string_view kPath = R"(dir/say "hi"\.jpg)";
  UrlSigner signer(kSecret);
  auto token = token_of(signer.sign("b", kPath, std::chrono::seconds(60), kNow));
  auto first = token.find('.');
  auto last = token.rfind('.');
  EXPECT_EQ(auth::base64url_decode(token.substr(0, first)).value(),
            R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(
      auth::base64url_decode(token.substr(first + 1, last - first - 1)).value(),
      R"({"url":"b/dir/say \"hi\"\\.jpg","scope":"download","iat":1800000000,"exp":1800000060})");
  EXPECT_TRUE(signer.verify(token, "b", kPath, kNow).ok());
}

TEST(SignedUrl, ExpiresAtExp) {
  UrlSigner signer(kSecret);
  auto url = signer.sign("b", "p.jpg", std::chrono::seconds(60), kNow);
  auto r = signer.verify(token_of(url), "b", "p.jpg", kNow + 60);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem().code, "ExpiredToken");
}

TEST(SignedUrl, RefusesAnotherObjectAnotherKeyAndGarbage) {
  UrlSigner signer(kSecret);
  UrlSigner other("another-secret-that-is-at-least-32-bytes!!");
  auto token = token_of(signer.sign("b", "p.jpg", std::chrono::seconds(60), kNow));
  EXPECT_EQ(signer.verify(token, "b", "q.jpg", kNow).problem().code, "InvalidJWT");
  EXPECT_EQ(other.verify(token, "b", "p.jpg", kNow).problem().code, "InvalidSignature");
  EXPECT_EQ(signer.verify("not-a-token", "b", "p.jpg", kNow).problem().code, "InvalidJWT");
  std::string tampered = token;
  tampered[tampered.find('.') + 2] ^= 1;
  EXPECT_FALSE(signer.verify(tampered, "b", "p.jpg", kNow).ok());
}

TEST(SignedUrl, ShortSecretIsAStartupError) {
  EXPECT_THROW(UrlSigner("short"), std::invalid_argument);
}

TEST(SignedUrl, GeneratedSecretPersists) {
  auto dir = std::filesystem::temp_directory_path() /
             ("forecourt-secret-test-" + std::to_string(::getpid()));
  Config config;
  config.data_dir = dir.string();
  auto first = storage_signing_secret(config);
  auto second = storage_signing_secret(config);
  EXPECT_GE(first.size(), 32U);
  EXPECT_EQ(first, second);
  auto mode = std::filesystem::status(dir / "secrets" / "storage-url-signing.key").permissions();
  EXPECT_EQ(mode & std::filesystem::perms::others_read, std::filesystem::perms::none);
  config.storage_signing_secret = std::string(40, 'x');
  EXPECT_EQ(storage_signing_secret(config), std::string(40, 'x'));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace forecourt::storage
