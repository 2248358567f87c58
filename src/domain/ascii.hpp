#pragma once
// ASCII-only case handling for codes and names (makes, body types, VINs): locale-free, so
// results never depend on the process locale.
#include <algorithm>
#include <string_view>

namespace forecourt::domain {

constexpr char ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_upper(x) == ascii_upper(y);
         });
}

}  // namespace forecourt::domain
