#include "auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "auth/password.hpp"
#include "auth/sodium_init.hpp"

namespace forecourt::auth {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kSecretBytes = 20;

const EVP_MD* hash_md(TotpHash hash) {
  switch (hash) {
    case TotpHash::sha1:
      return EVP_sha1();
    case TotpHash::sha256:
      return EVP_sha256();
    case TotpHash::sha512:
      return EVP_sha512();
  }
  throw std::invalid_argument("unknown TOTP hash");
}

std::string_view hash_name(TotpHash hash) {
  switch (hash) {
    case TotpHash::sha1:
      return "SHA1";
    case TotpHash::sha256:
      return "SHA256";
    case TotpHash::sha512:
      return "SHA512";
  }
  return "SHA1";
}

std::uint32_t power_of_ten(int digits) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("TOTP codes have 6 to 8 digits");
  std::uint32_t p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

// RFC 4226 §5.3 dynamic truncation: 31 bits from an offset chosen by the MAC's last nibble.
std::uint32_t truncate(const unsigned char* mac, unsigned int length) {
  const unsigned offset = mac[length - 1] & 0x0fu;
  return (static_cast<std::uint32_t>(mac[offset] & 0x7fu) << 24) |
         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
         static_cast<std::uint32_t>(mac[offset + 3]);
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int base32_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 3986 percent-encoding; '@' is allowed in paths and queries and keeps emails readable.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (unreserved(c) || c == '@') {
      out.push_back(c);
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
  }
  return out;
}

}  // namespace

std::string hotp(std::string_view secret, std::uint64_t counter, TotpHash hash, int digits) {
  const std::uint32_t modulus = power_of_ten(digits);
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i, counter >>= 8)
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(hash_md(hash), secret.data(), static_cast<int>(secret.size()), message.data(),
           message.size(), mac.data(), &length) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  std::string code = std::to_string(truncate(mac.data(), length) % modulus);
  code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  return code;
}

std::int64_t totp_time_step(std::chrono::sys_seconds t, std::chrono::seconds period) {
  const auto seconds = t.time_since_epoch().count();
  const auto p = period.count();
  return seconds >= 0 ? seconds / p : -((-seconds + p - 1) / p);  // floor, also before 1970
}

std::string totp(std::string_view secret, std::chrono::sys_seconds t, const TotpParams& params) {
  const std::int64_t step = totp_time_step(t, params.period);
  if (step < 0) throw std::invalid_argument("TOTP is undefined before the Unix epoch");
  return hotp(secret, static_cast<std::uint64_t>(step), params.hash, params.digits);
}

Result<std::int64_t> verify_totp(std::string_view secret, std::string_view code,
                                 std::chrono::sys_seconds now, int skew, const TotpParams& params) {
  if (code.size() != static_cast<std::size_t>(params.digits) || !all_digits(code)) {
    return Problem{"invalid_totp_code",
                   "the code must be " + std::to_string(params.digits) + " digits", "code"};
  }
  const std::int64_t current = totp_time_step(now, params.period);
  std::int64_t matched = -1;
  // Every candidate is computed and compared, match or not, so timing says nothing about
  // which step (if any) matched.
  for (std::int64_t step = current - std::max(skew, 0); step <= current + std::max(skew, 0);
       ++step) {
    if (step < 0) continue;
    if (constant_time_equal(
            hotp(secret, static_cast<std::uint64_t>(step), params.hash, params.digits), code)) {
      matched = step;
    }
  }
  if (matched < 0) return Problem{"totp_mismatch", "the code is not valid now", "code"};
  return matched;
}

std::string base32_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32Alphabet[(buffer >> bits) & 0x1f]);
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

Result<std::string> base32_decode(std::string_view text) {
  // Lengths 1, 3 and 6 (mod 8) leave a whole character of unused bits: no input encodes to them.
  const std::size_t tail = text.size() % 8;
  if (tail == 1 || tail == 3 || tail == 6)
    return Problem{"malformed_base32", "impossible base32 length", ""};
  std::string out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = base32_value(c);
    if (value < 0) return Problem{"malformed_base32", "character outside the base32 alphabet", ""};
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0)
    return Problem{"malformed_base32", "non-zero unused trailing bits", ""};
  return out;
}

std::string generate_totp_secret() {
  ensure_sodium_initialized();
  std::string secret(kSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32, const TotpParams& params) {
  std::string uri = "otpauth://totp/";
  if (!issuer.empty()) uri += percent_encode(issuer) + ':';
  uri += percent_encode(account);
  uri += "?secret=" + std::string(secret_base32);
  if (!issuer.empty()) uri += "&issuer=" + percent_encode(issuer);
  uri += "&algorithm=" + std::string(hash_name(params.hash));
  uri += "&digits=" + std::to_string(params.digits);
  uri += "&period=" + std::to_string(params.period.count());
  return uri;
}

}  // namespace forecourt::auth
