#pragma once
// Digests as lower-case hex. SHA-256: ETags, seed-file hashes, idempotency request hashes.
// SHA-224: GoTrue's email token hash, hex(sha224(email + otp)).
#include <string>
#include <string_view>

namespace forecourt {

std::string sha256_hex(std::string_view data);
std::string sha224_hex(std::string_view data);

}  // namespace forecourt
