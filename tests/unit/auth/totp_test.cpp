#include "auth/totp.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace forecourt::auth {
namespace {

using std::chrono::seconds;

std::chrono::sys_seconds at(std::int64_t unix_seconds) {
  return std::chrono::sys_seconds{seconds{unix_seconds}};
}

// RFC 6238 Appendix B: the seed is ASCII "1234567890" repeated to the hash's block-ish size.
const std::string kSeedSha1 = "12345678901234567890";
const std::string kSeedSha256 = "12345678901234567890123456789012";
const std::string kSeedSha512 = "1234567890123456789012345678901234567890123456789012345678901234";
const std::string kSecret = "12345678901234567890";

struct Rfc6238Vector {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

TEST(Totp, MatchesRfc6238AppendixB) {
  const std::vector<Rfc6238Vector> vectors{
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.time);
    EXPECT_EQ(totp(kSeedSha1, at(v.time), {.hash = TotpHash::sha1, .digits = 8}), v.sha1);
    EXPECT_EQ(totp(kSeedSha256, at(v.time), {.hash = TotpHash::sha256, .digits = 8}), v.sha256);
    EXPECT_EQ(totp(kSeedSha512, at(v.time), {.hash = TotpHash::sha512, .digits = 8}), v.sha512);
  }
}

TEST(Totp, HotpMatchesRfc4226AppendixD) {
  const std::vector<std::string> expected{"755224", "287082", "359152", "969429", "338314",
                                          "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < expected.size(); ++counter) {
    EXPECT_EQ(hotp(kSecret, counter), expected[counter]) << counter;
  }
}

TEST(Totp, SixDigitCodesAreZeroPadded) {
  // The 8-digit vector at t=1111111109 is 07081804: its 6-digit form keeps the low digits.
  EXPECT_EQ(totp(kSeedSha1, at(1111111109)), "081804");
}

TEST(Totp, RefusesUnsupportedDigitCounts) {
  EXPECT_THROW(static_cast<void>(hotp(kSecret, 0, TotpHash::sha1, 5)), std::invalid_argument);
  EXPECT_THROW(static_cast<void>(hotp(kSecret, 0, TotpHash::sha1, 9)), std::invalid_argument);
}

TEST(Totp, TimeStepIsTheFloorOfTimeOverPeriod) {
  EXPECT_EQ(totp_time_step(at(0)), 0);
  EXPECT_EQ(totp_time_step(at(29)), 0);
  EXPECT_EQ(totp_time_step(at(30)), 1);
  EXPECT_EQ(totp_time_step(at(59)), 1);
  EXPECT_EQ(totp_time_step(at(-1)), -1);
  EXPECT_EQ(totp_time_step(at(20000000000)), 666666666);
  EXPECT_EQ(totp_time_step(at(119), seconds{60}), 1);
}

TEST(Totp, VerifyAcceptsTheCurrentStepAndReturnsIt) {
  const std::int64_t now = 1'750'000'015;  // step 58333333, 15 s into it
  auto matched = verify_totp(kSecret, totp(kSecret, at(now)), at(now));
  ASSERT_TRUE(matched) << matched.problem().code;
  EXPECT_EQ(*matched, totp_time_step(at(now)));
}

TEST(Totp, VerifyToleratesOneStepOfDriftEitherWay) {
  const std::int64_t now = 1'750'000'015;
  const std::int64_t step = totp_time_step(at(now));
  EXPECT_EQ(verify_totp(kSecret, totp(kSecret, at(now - 30)), at(now)).value(), step - 1);
  EXPECT_EQ(verify_totp(kSecret, totp(kSecret, at(now + 30)), at(now)).value(), step + 1);
  EXPECT_EQ(verify_totp(kSecret, totp(kSecret, at(now - 60)), at(now)).problem().code,
            "totp_mismatch");
  EXPECT_EQ(verify_totp(kSecret, totp(kSecret, at(now + 60)), at(now)).problem().code,
            "totp_mismatch");
}

TEST(Totp, SkewIsConfigurable) {
  const std::int64_t now = 1'750'000'015;
  EXPECT_FALSE(verify_totp(kSecret, totp(kSecret, at(now - 30)), at(now), 0));
  EXPECT_TRUE(verify_totp(kSecret, totp(kSecret, at(now)), at(now), 0));
  EXPECT_TRUE(verify_totp(kSecret, totp(kSecret, at(now - 60)), at(now), 2));
  EXPECT_TRUE(verify_totp(kSecret, totp(kSecret, at(now)), at(now), -3))
      << "negative skew means none";
}

TEST(Totp, ReturnedStepLetsCallersRefuseReuse) {
  // The caller stores the last accepted step and refuses codes whose step is not greater.
  const std::int64_t now = 1'750'000'015;
  const std::string code = totp(kSecret, at(now));
  const std::int64_t first = verify_totp(kSecret, code, at(now)).value();
  const std::int64_t replayed = verify_totp(kSecret, code, at(now + 20)).value();
  EXPECT_EQ(replayed, first);
}

TEST(Totp, VerifyRefusesMalformedCodes) {
  const auto now = at(1'750'000'015);
  for (std::string_view bad :
       {"", "12345", "1234567", "12a456", " 123456", "123456 ", "12 456", "１２３４５６"}) {
    SCOPED_TRACE(bad);
    auto result = verify_totp(kSecret, bad, now);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.problem().code, "invalid_totp_code");
  }
  std::string wrong = totp(kSecret, now);
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  EXPECT_EQ(verify_totp(kSecret, wrong, now).problem().code, "totp_mismatch");
}

TEST(Totp, EightDigitVerification) {
  const TotpParams eight{.hash = TotpHash::sha1, .digits = 8};
  EXPECT_EQ(verify_totp(kSeedSha1, "94287082", at(59), 1, eight).value(), 1);
  EXPECT_EQ(verify_totp(kSeedSha1, "287082", at(59), 1, eight).problem().code, "invalid_totp_code");
}

TEST(Totp, Base32MatchesRfc4648VectorsWithoutPadding) {
  const std::vector<std::pair<std::string, std::string>> vectors{
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base32_encode(plain), encoded);
    EXPECT_EQ(base32_decode(encoded).value(), plain);
  }
}

TEST(Totp, Base32DecodeAcceptsLowerCase) {
  EXPECT_EQ(base32_decode("mzxw6ytboi").value(), "foobar");
  EXPECT_EQ(base32_decode("JBSWY3DPEHPK3PXP").value(), "Hello!\xde\xad\xbe\xef");
}

TEST(Totp, Base32DecodeRefusesNonCanonicalInput) {
  for (std::string_view bad : {"MY======", "MZXW6===", "M", "MZX", "MZXW6Y", "MZ", "MZXW6YTB1",
                               "MZXW8", "MZ XW6", "MZXW6\n"}) {
    SCOPED_TRACE(bad);
    auto decoded = base32_decode(bad);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.problem().code, "malformed_base32");
  }
}

TEST(Totp, GeneratedSecretsAreTwentyRandomBytes) {
  const std::string a = generate_totp_secret();
  const std::string b = generate_totp_secret();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
  EXPECT_EQ(base32_encode(a).size(), 32u);
  EXPECT_EQ(base32_decode(base32_encode(a)).value(), a);
}

TEST(Totp, OtpauthUriFollowsTheKeyUriFormat) {
  EXPECT_EQ(otpauth_uri("Forecourt Motors", "jane@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Forecourt%20Motors:jane@example.com?secret=JBSWY3DPEHPK3PXP"
            "&issuer=Forecourt%20Motors&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(otpauth_uri("A:B & C", "x+y@z.com", "MY"),
            "otpauth://totp/"
            "A%3AB%20%26%20C:x%2By@z.com?secret=MY&issuer=A%3AB%20%26%20C&algorithm=SHA1&digits=6&"
            "period=30");
  EXPECT_EQ(
      otpauth_uri("", "jane", "MY", {.hash = TotpHash::sha256, .digits = 8, .period = seconds{60}}),
      "otpauth://totp/jane?secret=MY&algorithm=SHA256&digits=8&period=60");
}

TEST(Totp, OtpauthUriEncodesUtf8Bytes) {
  EXPECT_EQ(
      otpauth_uri("Autohaus Müller", "jan", "MY"),
      "otpauth://totp/"
      "Autohaus%20M%C3%BCller:jan?secret=MY&issuer=Autohaus%20M%C3%BCller&algorithm=SHA1&digits=6"
      "&period=30");
}

}  // namespace
}  // namespace forecourt::auth
