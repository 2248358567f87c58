#include "api/json_text.hpp"

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>
#include <charconv>

namespace forecourt::api::json_text {

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

void Writer::separate() {
  if (after_value_) out_ += ',';
  after_value_ = true;
}

Writer& Writer::key(std::string_view name) {
  separate();
  append_string(out_, name);
  out_ += ':';
  after_value_ = false;  // its value follows without a comma
  return *this;
}

Writer& Writer::string(std::string_view text) {
  separate();
  append_string(out_, text);
  return *this;
}

Writer& Writer::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

Writer& Writer::integer(std::int64_t value) {
  separate();
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out_.append(digits, end);
  return *this;
}

Writer& Writer::boolean(bool value) { return raw(value ? "true" : "false"); }

Writer& Writer::null() { return raw("null"); }

Writer reopen_object(std::string& out, std::string_view object) {
  while (!object.empty() && object.back() != '}') object.remove_suffix(1);
  Writer w(out);
  if (object.empty()) {
    w.begin_object();
    return w;
  }
  object.remove_suffix(1);
  out += object;
  auto last = object.find_last_not_of(" \n\t\r");
  w.after_value_ = last != std::string_view::npos && object[last] != '{';
  return w;
}

Writer& Writer::value(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string:
      return string(v.get_string());
    case boost::json::kind::int64:
      return integer(v.get_int64());
    case boost::json::kind::bool_:
      return boolean(v.get_bool());
    case boost::json::kind::null:
      return null();
    default:  // objects, arrays, doubles, uint64 beyond int64
      break;
  }
  separate();
  boost::json::serializer serializer;
  serializer.reset(&v);
  char chunk[4096];
  while (!serializer.done()) out_ += serializer.read(chunk);
  return *this;
}

Writer& Writer::begin_object() {
  separate();
  out_ += '{';
  after_value_ = false;
  return *this;
}

Writer& Writer::end_object() {
  out_ += '}';
  after_value_ = true;
  return *this;
}

Writer& Writer::begin_array() {
  separate();
  out_ += '[';
  after_value_ = false;
  return *this;
}

Writer& Writer::end_array() {
  out_ += ']';
  after_value_ = true;
  return *this;
}

}  // namespace forecourt::api::json_text
