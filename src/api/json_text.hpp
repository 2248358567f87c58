#pragma once
// Splicing JSON text. PostgreSQL renders most of a response (numeric prices keep their
// exact "19500.00" form, which a parse and re-serialise through doubles would turn into
// 1.95E4); the few members computed here (signed URLs, payments, slots) are added to its
// text rather than the text being parsed and rebuilt.
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace forecourt::api::json_text {

// `text` as a JSON string, quotes included, appended to `out`: '"' and '\\' escaped, control
// characters as \b \f \n \r \t or \u00XX (as PostgreSQL's json output writes them).
void append_string(std::string& out, std::string_view text);

// Writes JSON text into a string, value by value, and places the commas: a response's
// computed parts (media, payments, cards) are written straight into its body, without a
// boost::json value per member to allocate, fill and serialise. The caller keeps the nesting
// right (a key before each member's value, end_* for each begin_*).
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  Writer& key(std::string_view name);  // "name":
  Writer& string(std::string_view text);
  Writer& raw(std::string_view json);  // a value already in JSON text
  // For a value the caller writes into the text itself: places the separator and returns the
  // string to append the value's JSON to.
  std::string& raw_value();
  Writer& integer(std::int64_t value);
  Writer& boolean(bool value);
  Writer& null();
  Writer& value(const boost::json::value& v);  // serialised as boost::json would
  Writer& begin_object() { return open('{'); }
  Writer& end_object() { return close('}'); }
  Writer& begin_array() { return open('['); }
  Writer& end_array() { return close(']'); }

  [[nodiscard]] std::string& out() { return out_; }

 private:
  friend Writer reopen_object(std::string& out, std::string_view object);

  void separate();  // the comma before a value that follows another
  Writer& open(char bracket);
  Writer& close(char bracket);

  std::string& out_;
  bool after_value_ = false;
};

// Appends `object` ("{...}", e.g. a row PostgreSQL rendered) to `out` without its closing
// brace, and returns the Writer that adds members to it: key(...)..., then end_object().
// Text that does not end in '}' is taken as an empty object.
Writer reopen_object(std::string& out, std::string_view object);

}  // namespace forecourt::api::json_text
