#include "auth/qr_svg.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace forecourt::auth {

namespace {
constexpr int kQuietZone = 4;  // modules of light margin the QR specification asks for
}

QrSymbol encode_qr(std::string_view text) {
  const std::string data(text);  // libqrencode wants a NUL-terminated string
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(data.c_str(), 0, QR_ECLEVEL_H), &QRcode_free);
  if (!code) throw std::invalid_argument("text does not fit a QR code");
  QrSymbol out;
  out.version = code->version;
  out.width = code->width;
  const auto cells = static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width);
  out.dark.resize(cells);
  // libqrencode: bit 0 of each byte is the module's colour (1 = dark); the others are
  // internal bookkeeping.
  for (std::size_t i = 0; i < cells; ++i) out.dark[i] = (code->data[i] & 1U) != 0;
  return out;
}

std::string qr_svg(const QrSymbol& symbol, int module_px) {
  const int size = symbol.width + 2 * kQuietZone;
  const std::string px = std::to_string(size * module_px);
  const std::string modules = std::to_string(size);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"";
  svg.append(px).append("\" height=\"").append(px).append("\" viewBox=\"0 0 ");
  svg.append(modules).append(" ").append(modules);
  svg.append("\" shape-rendering=\"crispEdges\"><rect width=\"").append(modules);
  svg.append("\" height=\"").append(modules).append("\" fill=\"white\"/><path fill=\"black\" d=\"");
  for (int y = 0; y < symbol.width; ++y) {
    int x = 0;
    while (x < symbol.width) {
      if (!symbol.at(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < symbol.width && symbol.at(x + run, y)) ++run;
      svg.append("M").append(std::to_string(x + kQuietZone)).append(" ");
      svg.append(std::to_string(y + kQuietZone)).append("h").append(std::to_string(run));
      svg.append("v1h-").append(std::to_string(run)).append("z");
      x += run;
    }
  }
  svg.append("\"/></svg>");
  return svg;
}

}  // namespace forecourt::auth
