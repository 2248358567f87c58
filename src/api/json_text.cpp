#include "api/json_text.hpp"

namespace forecourt::api::json_text {

std::string with_members(std::string_view object, std::string_view members) {
  while (!object.empty() && object.back() != '}') object.remove_suffix(1);
  if (object.empty()) {
    std::string out;
    out.reserve(members.size() + 2);
    out.append("{").append(members).append("}");
    return out;
  }
  object.remove_suffix(1);
  std::string out(object);
  auto last = out.find_last_not_of(" \n\t\r");
  bool empty = last != std::string::npos && out[last] == '{';
  if (!members.empty()) {
    if (!empty) out += ',';
    out += members;
  }
  out += '}';
  return out;
}

std::string array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += items[i];
  }
  out += ']';
  return out;
}

void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text.substr(plain));
  out += '"';
}

std::string member(std::string_view key, std::string_view json_value) {
  std::string out;
  append_string(out, key);
  out.append(":").append(json_value);
  return out;
}

}  // namespace forecourt::api::json_text
