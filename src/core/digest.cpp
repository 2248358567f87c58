#include "core/digest.hpp"

#include <openssl/evp.h>

#include <array>

namespace forecourt {

namespace {
std::string digest_hex(std::string_view data, const EVP_MD* type) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, type, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{2} * len);
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xF];
  }
  return out;
}
}  // namespace

std::string sha256_hex(std::string_view data) { return digest_hex(data, EVP_sha256()); }
std::string sha224_hex(std::string_view data) { return digest_hex(data, EVP_sha224()); }

}  // namespace forecourt
