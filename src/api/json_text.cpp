#include "api/json_text.hpp"

#include <algorithm>
#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace forecourt::api::json_text {

namespace {

// Whether any of the 8 bytes in `word` needs escaping: below 0x20, '"' or '\\'. Bit tricks
// over a whole word ("has a byte less than n", "has a zero byte"), exact for "any byte":
// the text of a page is mostly signed URLs and plain words, scanned 8 bytes per step.
constexpr bool any_byte_needs_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](std::uint64_t x) { return ((x - kOnes) & ~x & kHighs) != 0; };
  const bool control = ((word - kOnes * 0x20) & ~word & kHighs) != 0;
  return control || has_zero(word ^ (kOnes * '"')) || has_zero(word ^ (kOnes * '\\'));
}

void append_escaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
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

}  // namespace

void append_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t plain = 0;  // start of the run not yet copied
  std::size_t i = 0;
  while (i < text.size()) {
    // The next 8 bytes, or the last few padded with plain ones (most keys are short).
    const std::size_t step = std::min<std::size_t>(8, text.size() - i);
    std::uint64_t word = 0x2020202020202020ULL;
    std::memcpy(&word, text.data() + i, step);
    if (!any_byte_needs_escape(word)) {
      i += step;
      continue;
    }
    // A word with something to escape: one byte at a time.
    for (const std::size_t stop = std::min(i + 8, text.size()); i < stop; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out.append(text.substr(plain, i - plain));
      plain = i + 1;
      append_escaped(out, c);
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

std::string& Writer::raw_value() {
  separate();
  return out_;
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

Writer& Writer::open(char bracket) {
  separate();
  out_ += bracket;
  after_value_ = false;  // the first member or element follows without a comma
  return *this;
}

Writer& Writer::close(char bracket) {
  out_ += bracket;
  after_value_ = true;
  return *this;
}

}  // namespace forecourt::api::json_text
