#include "api/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <string>

namespace forecourt::api::json_text {
namespace {

// The byte-at-a-time escaping append_string does 8 bytes per step: every byte value at every
// position of a word and of the tail must come out as here.
std::string escaped_byte_by_byte(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.append("\\").push_back(ch);
    } else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
      out.append("\\").push_back(c == '\b'   ? 'b'
                                 : c == '\f' ? 'f'
                                 : c == '\n' ? 'n'
                                 : c == '\r' ? 'r'
                                             : 't');
    } else if (c < 0x20) {
      char buf[8];
      (void)std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(ch);
    }
  }
  return out + "\"";
}

TEST(JsonText, EveryByteAtEveryPositionOfAWordIsEscapedAsOneAtATime) {
  for (std::size_t length : {1U, 7U, 8U, 9U, 16U, 19U}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text(length, 'a');
        text[at] = static_cast<char>(byte);
        if (at + 1 < length) text[at + 1] = '\x7f';  // DEL and UTF-8 bytes pass as they are
        std::string out;
        append_string(out, text);
        ASSERT_EQ(out, escaped_byte_by_byte(text))
            << "length " << length << " at " << at << " byte " << byte;
      }
    }
  }
  std::string url(330, 'x');
  std::string out;
  append_string(out, url);
  EXPECT_EQ(out, "\"" + url + "\"");
}

std::string with_members(std::string_view object, std::string_view key, std::string_view value) {
  std::string out;
  reopen_object(out, object).key(key).raw(value).end_object();
  return out;
}

TEST(JsonText, AddsMembersToAnObjectKeepingItsText) {
  // PostgreSQL's rendering of numeric stays as it was ("19500.00", not 1.95E4).
  auto out = with_members(R"({"id" : "a", "price" : 19500.00})", "url", R"("/x")");
  EXPECT_EQ(out, R"({"id" : "a", "price" : 19500.00,"url":"/x"})");
  EXPECT_TRUE(boost::json::parse(out).is_object());
}

TEST(JsonText, ReopensEmptyObjectsAndNonObjects) {
  EXPECT_EQ(with_members("{}", "a", "1"), R"({"a":1})");
  EXPECT_EQ(with_members("{ }", "a", "1"), R"({ "a":1})");
  EXPECT_EQ(with_members("", "a", "1"), R"({"a":1})");
  EXPECT_EQ(with_members("{\"a\":1}\n", "b", "2"), R"({"a":1,"b":2})");
  std::string out = "[";
  reopen_object(out, R"({"a":1})").end_object();
  EXPECT_EQ(out, R"([{"a":1})");
}

TEST(JsonText, WriterPlacesCommasAtEveryLevel) {
  std::string out;
  Writer w(out);
  w.begin_object()
      .key("n")
      .integer(-42)
      .key("s")
      .string("a\"b")
      .key("list")
      .begin_array()
      .integer(1)
      .begin_object()
      .end_object()
      .begin_array()
      .end_array()
      .null()
      .boolean(true)
      .end_array()
      .key("raw")
      .raw("19500.00")
      .key("k\"ey")
      .begin_object()
      .key("x")
      .boolean(false)
      .end_object()
      .end_object();
  EXPECT_EQ(
      out, R"({"n":-42,"s":"a\"b","list":[1,{},[],null,true],"raw":19500.00,"k\"ey":{"x":false}})");
  EXPECT_TRUE(boost::json::parse(out).is_object());
}

TEST(JsonText, WriterSerialisesJsonValuesAsBoostJsonDoes) {
  auto written = [](const boost::json::value& v) {
    std::string out;
    Writer(out).value(v);
    return out;
  };
  for (const char* text : {R"("t\u00e9\n")", "0", "-9223372036854775808", "18446744073709551615",
                           "1.5", "true", "null", R"({"a":[1,{"b":null}],"c":"d"})", "[]"}) {
    const auto v = boost::json::parse(text);
    EXPECT_EQ(written(v), boost::json::serialize(v)) << text;
  }
  // Larger than one 4 KB chunk of the serialiser.
  boost::json::array big;
  for (int i = 0; i < 2000; ++i) big.emplace_back("item");
  EXPECT_EQ(written(big), boost::json::serialize(big));
}

TEST(JsonText, StringsAreEscapedAsPostgresWritesThem) {
  auto quoted = [](std::string_view text) {
    std::string out;
    append_string(out, text);
    return out;
  };
  EXPECT_EQ(quoted(""), R"("")");
  EXPECT_EQ(quoted("2019 Toyota Camry SE"), R"("2019 Toyota Camry SE")");
  EXPECT_EQ(quoted(R"(14" wheels \ roof)"), R"("14\" wheels \\ roof")");
  EXPECT_EQ(quoted("a\nb\tc\rd\be\ff"), R"("a\nb\tc\rd\be\ff")");
  EXPECT_EQ(quoted(std::string_view("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(quoted(std::string_view("nul\0x", 5)), R"("nul\u0000x")");
  // UTF-8 passes through as is (JSON text is UTF-8).
  EXPECT_EQ(quoted("Citro\xc3\xabn \xe2\x82\xac"), "\"Citro\xc3\xabn \xe2\x82\xac\"");
  // Appends: what was in `out` stays.
  std::string out = "[";
  append_string(out, "x");
  EXPECT_EQ(out, R"(["x")");
  EXPECT_EQ(boost::json::parse(quoted("q\"\\\n\x02")).as_string(), "q\"\\\n\x02");
}

}  // namespace
}  // namespace forecourt::api::json_text
