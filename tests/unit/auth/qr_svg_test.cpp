// The TOTP enrollment QR code: structure only (no decoder here): the symbol's size matches
// its version, the three finder patterns sit in their corners, and the SVG draws exactly
// the dark modules, inside a quiet zone, without a '#' (auth-js puts it in a data: URL).
#include "auth/qr_svg.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace forecourt::auth {
namespace {

// A finder pattern: 7x7 dark ring, light ring, 3x3 dark core; light separator around it.
void expect_finder(const QrSymbol& q, int x0, int y0) {
  for (int y = 0; y < 7; ++y) {
    for (int x = 0; x < 7; ++x) {
      const bool ring = x == 0 || y == 0 || x == 6 || y == 6;
      const bool core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
      EXPECT_EQ(q.at(x0 + x, y0 + y), ring || core)
          << "finder at " << x0 << "," << y0 << " module " << x << "," << y;
    }
  }
}

TEST(QrCode, ShortTextIsVersionOneWithThreeFinderPatterns) {
  auto q = encode_qr("HELLO");
  EXPECT_EQ(q.version, 1);
  EXPECT_EQ(q.width, 21);
  ASSERT_EQ(q.dark.size(), 21U * 21U);
  expect_finder(q, 0, 0);
  expect_finder(q, q.width - 7, 0);
  expect_finder(q, 0, q.width - 7);
  // Separators: the row under the top-left finder is light.
  for (int x = 0; x < 8; ++x) EXPECT_FALSE(q.at(x, 7));
  // Timing pattern on row 6 between the top finders alternates.
  for (int x = 8; x < q.width - 8; ++x) EXPECT_EQ(q.at(x, 6), x % 2 == 0);
}

TEST(QrCode, OtpauthUriNeedsALargerVersionAtLevelH) {
  const std::string uri =
      "otpauth://totp/Forecourt:customer%40forecourt.local?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
      "&issuer=Forecourt&algorithm=SHA1&digits=6&period=30";
  auto q = encode_qr(uri);
  // 142 bytes in byte mode at error correction H: version 12 (version 11 holds 137).
  ASSERT_EQ(uri.size(), 142U);
  EXPECT_EQ(q.version, 12);
  EXPECT_EQ(q.width, 17 + 4 * q.version);
  expect_finder(q, 0, 0);
  expect_finder(q, q.width - 7, 0);
  expect_finder(q, 0, q.width - 7);
}

TEST(QrCode, SvgDrawsEveryDarkModuleOnceInsideAQuietZone) {
  auto q = encode_qr("otpauth://totp/Forecourt:a%40b.c?secret=JBSWY3DPEHPK3PXP&issuer=Forecourt");
  const std::string svg = qr_svg(q, 3);
  const int side = q.width + 8;
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                              std::to_string(side * 3) + "\" height=\"" + std::to_string(side * 3) +
                              "\""));
  EXPECT_NE(svg.find("viewBox=\"0 0 " + std::to_string(side) + " " + std::to_string(side)),
            std::string::npos);
  EXPECT_TRUE(svg.ends_with("</svg>"));
  EXPECT_EQ(svg.find('#'), std::string::npos);

  // Re-rasterise the path's runs and compare with the symbol.
  std::vector<bool> drawn(q.dark.size(), false);
  const std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator();
       ++it) {
    const int x = std::stoi((*it)[1]) - 4;
    const int y = std::stoi((*it)[2]) - 4;
    const int len = std::stoi((*it)[3]);
    ASSERT_EQ(len, std::stoi((*it)[4]));
    ASSERT_GE(x, 0);
    ASSERT_GE(y, 0);
    ASSERT_LE(x + len, q.width);
    for (int i = 0; i < len; ++i) {
      const auto cell = static_cast<std::size_t>(y * q.width + x + i);
      EXPECT_FALSE(drawn[cell]) << "drawn twice";
      drawn[cell] = true;
    }
  }
  EXPECT_EQ(drawn, q.dark);
}

TEST(QrCode, TextTooLongForAnySymbolIsRefused) {
  EXPECT_THROW(encode_qr(std::string(3000, 'x')), std::invalid_argument);
}

}  // namespace
}  // namespace forecourt::auth
