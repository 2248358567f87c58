#include "auth/base64url.hpp"

#include <array>
#include <cstdint>

namespace forecourt::auth {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  return table;
}
constexpr auto kDecode = make_decode_table();

Problem bad_base64url(std::string detail) {
  return Problem{"malformed_base64url", std::move(detail), ""};
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  base64url_append(out, bytes);
  return out;
}

void base64url_append(std::string& out, std::string_view bytes) {
  out.reserve(out.size() + (bytes.size() * 4 + 2) / 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
}

Result<std::string> base64url_decode(std::string_view text) {
  // A lone trailing character carries only 6 bits: no byte string encodes to that length.
  if (text.size() % 4 == 1) return bad_base64url("impossible base64url length");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const std::uint8_t sextet = kDecode[static_cast<unsigned char>(c)];
    if (sextet == kInvalid) return bad_base64url("character outside the base64url alphabet");
    buffer = (buffer << 6) | sextet;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0)
    return bad_base64url("non-zero unused bits in the last character");
  return out;
}

}  // namespace forecourt::auth
