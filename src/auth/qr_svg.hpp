#pragma once
// QR codes for TOTP enrollment: the otpauth:// URI as a QR symbol (libqrencode), rendered as
// the raw SVG GoTrue sends in `totp.qr_code` (auth-js prefixes `data:image/svg+xml;utf-8,`
// itself). Error correction H, as GoTrue; the SVG holds no '#', which would end the data URL.
#include <string>
#include <string_view>
#include <vector>

namespace forecourt::auth {

struct QrSymbol {
  int version = 0;         // 1..40
  int width = 0;           // modules per side: 17 + 4 * version
  std::vector<bool> dark;  // width * width, row-major

  [[nodiscard]] bool at(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                static_cast<std::size_t>(x)];
  }
};

// Throws std::invalid_argument when the text does not fit a QR symbol (over ~1.2 KB at H).
QrSymbol encode_qr(std::string_view text);

// An SVG of the symbol with a 4-module quiet zone, `module_px` pixels per module (GoTrue: 3).
// Dark runs of a row are one path segment each, so the document stays small.
std::string qr_svg(const QrSymbol& symbol, int module_px = 3);

}  // namespace forecourt::auth
