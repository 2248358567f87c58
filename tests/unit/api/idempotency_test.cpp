// The pure pieces of Idempotency-Key handling: key validation, the canonical body and the
// request hash (the database side is tested by supabase/tests/30_idempotency.sql and
// tests/integration/idempotency_test.cpp).
#include "api/idempotency.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace forecourt::api {
namespace {

TEST(IdempotencyKey, OneTo255PrintableAsciiCharacters) {
  EXPECT_FALSE(idempotency_key_problem("a").has_value());
  EXPECT_FALSE(idempotency_key_problem("4f9d2c1e-8b7a-4e5f-9c3d-2a1b0c9d8e7f").has_value());
  EXPECT_FALSE(idempotency_key_problem("order 42 / retry ~!").has_value());
  EXPECT_FALSE(idempotency_key_problem(std::string(255, 'k')).has_value());
  EXPECT_TRUE(idempotency_key_problem("").has_value());
  EXPECT_TRUE(idempotency_key_problem(std::string(256, 'k')).has_value());
  EXPECT_TRUE(idempotency_key_problem("cl\xc3\xa9").has_value());
  EXPECT_TRUE(idempotency_key_problem("tab\there").has_value());
  EXPECT_TRUE(idempotency_key_problem(std::string("nul\0x", 5)).has_value());
}

TEST(IdempotencyBody, CanonicalJsonIgnoresKeyOrderAndWhitespace) {
  auto a = boost::json::parse(R"({"b":1,"a":{"y":[1,2,{"d":true,"c":null}],"x":"s"}})");
  auto b = boost::json::parse(R"({ "a" : { "x" : "s", "y" : [ 1, 2, { "c" : null, "d" : true } ] },
                                   "b" : 1 })");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
  EXPECT_EQ(canonical_json(a), R"({"a":{"x":"s","y":[1,2,{"c":null,"d":true}]},"b":1})");
  // Array order and values matter.
  EXPECT_NE(canonical_json(boost::json::parse("[1,2]")),
            canonical_json(boost::json::parse("[2,1]")));
  EXPECT_NE(canonical_json(boost::json::parse(R"({"a":"1"})")),
            canonical_json(boost::json::parse(R"({"a":1})")));
}

TEST(IdempotencyHash, CoversMethodTargetScopeAndBody) {
  auto h = idempotency_request_hash("POST", "/financing/applications", "user:u1", "{}");
  EXPECT_EQ(h.size(), 64U);
  EXPECT_EQ(h, idempotency_request_hash("POST", "/financing/applications", "user:u1", "{}"));
  EXPECT_NE(h, idempotency_request_hash("PUT", "/financing/applications", "user:u1", "{}"));
  EXPECT_NE(h, idempotency_request_hash("POST", "/financing/applications?x=1", "user:u1", "{}"));
  EXPECT_NE(h, idempotency_request_hash("POST", "/financing/applications", "user:u2", "{}"));
  EXPECT_NE(h, idempotency_request_hash("POST", "/financing/applications", "user:u1", "[]"));
  // Fields cannot run into each other.
  EXPECT_NE(idempotency_request_hash("POST", "/a", "user:b", "c"),
            idempotency_request_hash("POST", "/a\nuser:b", "", "c"));
}

}  // namespace
}  // namespace forecourt::api
