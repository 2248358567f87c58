// Internal OpenSSL layer: ECDSA signature encodings, HMAC and SHA-256 against published vectors.
#include "auth/jws_crypto.hpp"

#include <gtest/gtest.h>

#include "jwt_test_support.hpp"

namespace forecourt::auth {
namespace {

std::string hex(const jws::Sha256Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : d) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0f]);
  }
  return out;
}

std::string jose(unsigned char r_first, unsigned char s_first) {
  std::string sig(64, '\x11');
  sig[0] = static_cast<char>(r_first);
  sig[32] = static_cast<char>(s_first);
  return sig;
}

TEST(AuthJwsCrypto, JoseToDerPadsHighBitIntegers) {
  const std::string der = jws::ecdsa_jose_to_der(jose(0x80, 0x01));
  ASSERT_EQ(der.size(), 2u + 35u + 34u);
  EXPECT_EQ(static_cast<unsigned char>(der[0]), 0x30);
  EXPECT_EQ(static_cast<unsigned char>(der[1]), 69);
  EXPECT_EQ(static_cast<unsigned char>(der[2]), 0x02);
  EXPECT_EQ(static_cast<unsigned char>(der[3]), 33)
      << "0x00 in front of a value with its top bit set";
  EXPECT_EQ(static_cast<unsigned char>(der[4]), 0x00);
  EXPECT_EQ(static_cast<unsigned char>(der[37]), 0x02);
  EXPECT_EQ(static_cast<unsigned char>(der[38]), 32);
}

TEST(AuthJwsCrypto, JoseToDerStripsLeadingZeros) {
  std::string sig = jose(0x00, 0x00);
  sig[1] = '\0';
  sig[33] = '\x7f';
  const std::string der = jws::ecdsa_jose_to_der(sig);
  EXPECT_EQ(static_cast<unsigned char>(der[3]), 30) << "r had two leading zero bytes";
  EXPECT_EQ(jws::ecdsa_der_to_jose(der), sig);
}

TEST(AuthJwsCrypto, RoundTripsBetweenJoseAndDer) {
  for (int r : {0x01, 0x7f, 0x80, 0xff}) {
    for (int s : {0x01, 0x7f, 0x80, 0xff}) {
      const std::string sig = jose(static_cast<unsigned char>(r), static_cast<unsigned char>(s));
      EXPECT_EQ(jws::ecdsa_der_to_jose(jws::ecdsa_jose_to_der(sig)), sig);
    }
  }
}

TEST(AuthJwsCrypto, RefusesMalformedSignatures) {
  EXPECT_EQ(jws::ecdsa_jose_to_der(std::string(63, '\x01')), "");
  EXPECT_EQ(jws::ecdsa_jose_to_der(std::string(65, '\x01')), "");
  EXPECT_EQ(jws::ecdsa_der_to_jose("not der"), "");
  EXPECT_EQ(jws::ecdsa_der_to_jose(jws::ecdsa_jose_to_der(jose(1, 1)) + "x"), "")
      << "trailing bytes";
  EXPECT_EQ(jws::ecdsa_der_to_jose(""), "");
}

TEST(AuthJwsCrypto, Sha256MatchesFips180Vector) {
  EXPECT_EQ(hex(jws::sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthJwsCrypto, HmacSha256MatchesRfc4231TestCase2) {
  const jws::HmacSha256Key key("Jefe");
  EXPECT_EQ(hex(key.mac("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(key.mac("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
      << "the keyed state is reusable";
}

TEST(AuthJwsCrypto, HmacVerifyNeedsTheExactMac) {
  const jws::HmacSha256Key key(test::kLegacySecret);
  const auto mac = key.mac("input");
  const std::string good(reinterpret_cast<const char*>(mac.data()), mac.size());
  EXPECT_TRUE(jws::verify_hs256(key, "input", good));
  EXPECT_FALSE(jws::verify_hs256(key, "input!", good));
  EXPECT_FALSE(jws::verify_hs256(key, "input", good.substr(0, 31)));
  EXPECT_FALSE(jws::verify_hs256(key, "input", good + '\0'));
  EXPECT_FALSE(jws::verify_hs256(key, "input", ""));
}

}  // namespace
}  // namespace forecourt::auth
