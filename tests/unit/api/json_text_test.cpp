#include "api/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace forecourt::api::json_text {
namespace {

TEST(JsonText, AddsMembersToAnObjectKeepingItsText) {
  // PostgreSQL's rendering of numeric stays as it was ("19500.00", not 1.95E4).
  auto out = with_members(R"({"id" : "a", "price" : 19500.00})", R"("url":"/x")");
  EXPECT_EQ(out, R"({"id" : "a", "price" : 19500.00,"url":"/x"})");
  EXPECT_TRUE(boost::json::parse(out).is_object());
}

TEST(JsonText, EmptyObjectsAndEmptyMembers) {
  EXPECT_EQ(with_members("{}", R"("a":1)"), R"({"a":1})");
  EXPECT_EQ(with_members("{ }", R"("a":1)"), R"({ "a":1})");
  EXPECT_EQ(with_members(R"({"a":1})", ""), R"({"a":1})");
  EXPECT_EQ(with_members("", R"("a":1)"), R"({"a":1})");
}

TEST(JsonText, ArraysAndEscapedKeys) {
  EXPECT_EQ(array({}), "[]");
  EXPECT_EQ(array({"1", R"({"a":2})"}), R"([1,{"a":2}])");
  EXPECT_EQ(member("media", "[]"), R"("media":[])");
  EXPECT_EQ(member("a\"b", "1"), R"("a\"b":1)");
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
