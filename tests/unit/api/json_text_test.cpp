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

}  // namespace
}  // namespace forecourt::api::json_text
