#pragma once
// Base64url without padding (RFC 4648 §5), the encoding of every JOSE segment (RFC 7515 §2).
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace forecourt::auth {

std::string base64url_encode(std::string_view bytes);
// The same, appended to `out`.
void base64url_append(std::string& out, std::string_view bytes);

// Strict: padding, whitespace, characters outside the alphabet, an impossible length or
// non-zero unused trailing bits are refused ("malformed_base64url"), so every byte string
// has exactly one accepted spelling.
Result<std::string> base64url_decode(std::string_view text);

}  // namespace forecourt::auth
