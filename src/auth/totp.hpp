#pragma once
// RFC 6238 TOTP (on RFC 4226 HOTP) for authenticator-app MFA, with the base32 and otpauth://
// forms those apps read. Secrets are raw key bytes here; base32 is only their stored and
// displayed form.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace forecourt::auth {

enum class TotpHash { sha1, sha256, sha512 };

// Authenticator apps assume SHA1, 6 digits, 30 s; the others exist for the RFC vectors.
struct TotpParams {
  TotpHash hash = TotpHash::sha1;
  int digits = 6;  // 6..8; anything else throws std::invalid_argument
  std::chrono::seconds period{30};
};

// HOTP value for one counter, zero-padded to `digits`.
std::string hotp(std::string_view secret, std::uint64_t counter, TotpHash hash = TotpHash::sha1,
                 int digits = 6);

// Times are whole seconds (std::chrono::sys_seconds, e.g. floor<seconds>(system_clock::now())):
// TOTP has second resolution, and nanosecond time_points overflow before the RFC's year-2603
// vector.

// floor(unix time / period): the counter TOTP feeds to HOTP.
std::int64_t totp_time_step(std::chrono::sys_seconds t,
                            std::chrono::seconds period = std::chrono::seconds{30});

std::string totp(std::string_view secret, std::chrono::sys_seconds t,
                 const TotpParams& params = {});

// Accepts the code of the current step or of up to `skew` steps either side (clock drift),
// compared in constant time. Returns the matched step (the latest if several match): the
// caller stores it and refuses any later code whose step is not greater, so one code can
// never be used twice. Problems: "invalid_totp_code" (not `digits` ASCII digits),
// "totp_mismatch".
Result<std::int64_t> verify_totp(std::string_view secret, std::string_view code,
                                 std::chrono::sys_seconds now, int skew = 1,
                                 const TotpParams& params = {});

// RFC 4648 base32, without padding (as authenticator apps expect). Decoding accepts upper or
// lower case but no padding, whitespace, impossible lengths or non-zero trailing bits
// ("malformed_base32").
std::string base32_encode(std::string_view bytes);
Result<std::string> base32_decode(std::string_view text);

// 20 random bytes (160 bits, RFC 4226's recommended length) from libsodium.
std::string generate_totp_secret();

// otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30, the
// Key Uri Format authenticator apps scan from a QR code.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32, const TotpParams& params = {});

}  // namespace forecourt::auth
