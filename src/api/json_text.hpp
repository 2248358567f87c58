#pragma once
// Splicing JSON text. PostgreSQL renders most of a response (numeric prices keep their
// exact "19500.00" form, which a parse and re-serialise through doubles would turn into
// 1.95E4); the few members computed here (signed URLs, payments, slots) are added to its
// text rather than the text being parsed and rebuilt.
#include <string>
#include <string_view>
#include <vector>

namespace forecourt::api::json_text {

// `object` ("{...}") with `members` ("\"a\":1,\"b\":2", no braces) added at its end.
std::string with_members(std::string_view object, std::string_view members);

// "[" + items joined by "," + "]".
std::string array(const std::vector<std::string>& items);

// "\"key\":" + value, for building `members`.
std::string member(std::string_view key, std::string_view json_value);

// `text` as a JSON string, quotes included, appended to `out`: '"' and '\\' escaped, control
// characters as \b \f \n \r \t or \u00XX (as PostgreSQL's json output writes them).
void append_string(std::string& out, std::string_view text);

}  // namespace forecourt::api::json_text
