#pragma once
// SHA-256 as lower-case hex: ETags, seed-file hashes, idempotency request hashes.
#include <string>
#include <string_view>

namespace forecourt {

std::string sha256_hex(std::string_view data);

}  // namespace forecourt
