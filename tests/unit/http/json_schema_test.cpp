// Body validation with valijson: one error per problem, each with a JSON pointer.
#include "http/json_schema.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace forecourt::http {
namespace {

const boost::json::value& lead_schema() {
  static const auto schema = strict_schema(boost::json::parse(R"({
    "type": "object",
    "required": ["email", "vehicle_id"],
    "properties": {
      "email": {"type": "string", "format": "email"},
      "vehicle_id": {"type": "string", "format": "uuid"},
      "vin": {"type": "string", "format": "vin"},
      "preferred_at": {"type": "string", "format": "date-time"},
      "contact": {"type": "string", "enum": ["email", "phone", "sms"]},
      "down_payment_cents": {"type": "integer", "minimum": 0, "maximum": 10000000},
      "message": {"type": "string", "maxLength": 10},
      "trade_in": {"type": "object", "properties": {"mileage": {"type": "integer", "minimum": 0}}},
      "tags": {"type": "array", "items": {"type": "string", "format": "uuid"}}
    }})"));
  return schema;
}

std::vector<ErrorObject> check(std::string_view body) {
  JsonSchema schema(lead_schema());
  return schema.validate(boost::json::parse(body));
}

const ErrorObject* at(const std::vector<ErrorObject>& errors, std::string_view pointer) {
  for (const auto& e : errors) {
    if (e.pointer == pointer) return &e;
  }
  return nullptr;
}

TEST(JsonSchema, AValidBodyHasNoErrors) {
  auto errors =
      check(R"({"email":"ana@example.com","vehicle_id":"7b0d9c1e-3f4a-4c2b-9e1d-5a6b7c8d9e0f",
    "vin":"1HGCM82633A004352","preferred_at":"2026-12-01T10:00:00Z","contact":"sms",
    "down_payment_cents":150000,"trade_in":{"mileage":42000},"tags":[]})");
  EXPECT_TRUE(errors.empty()) << errors.front().detail;
}

TEST(JsonSchema, EveryUnknownFieldIsItsOwnErrorAtItsPointer) {
  auto errors =
      check(R"({"email":"ana@example.com","vehicle_id":"7b0d9c1e-3f4a-4c2b-9e1d-5a6b7c8d9e0f",
    "colour":"red","trade_in":{"mileage":1,"owner":"x"},"a/b":1})");
  ASSERT_NE(at(errors, "/colour"), nullptr);
  EXPECT_EQ(at(errors, "/colour")->code, "unknown_field");
  ASSERT_NE(at(errors, "/trade_in/owner"), nullptr);
  ASSERT_NE(at(errors, "/a~1b"), nullptr) << "RFC 6901 escaping";
  EXPECT_EQ(errors.size(), 3U);
  for (const auto& e : errors) EXPECT_EQ(e.status, 422);
}

TEST(JsonSchema, TypesFormatsRangesEnumsAndRequired) {
  auto errors = check(R"({"email":"not-an-email","vehicle_id":"nope","vin":"1HGCM82633A00435O",
    "preferred_at":"2026-13-01T10:00:00Z","contact":"pigeon","down_payment_cents":-5,
    "message":"far too long for ten","trade_in":{"mileage":"many"},"tags":["x"]})");
  auto expect = [&](std::string_view pointer, std::string_view code) {
    const auto* e = at(errors, pointer);
    ASSERT_NE(e, nullptr) << pointer;
    EXPECT_EQ(e->code, code) << pointer << ": " << e->detail;
  };
  expect("/email", "invalid_format");
  expect("/vehicle_id", "invalid_format");
  expect("/vin", "invalid_format");
  expect("/preferred_at", "invalid_format");
  expect("/contact", "invalid_value");
  expect("/down_payment_cents", "out_of_range");
  expect("/message", "invalid_length");
  expect("/trade_in/mileage", "invalid_type");
  expect("/tags/0", "invalid_format");
  EXPECT_NE(at(errors, "/contact")->detail.find("email, phone, sms"), std::string::npos);
  EXPECT_EQ(errors.size(), 9U);
}

TEST(JsonSchema, MissingRequiredFieldsPointAtTheField) {
  auto errors = check(R"({})");
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_NE(at(errors, "/email"), nullptr);
  EXPECT_EQ(at(errors, "/vehicle_id")->code, "missing_field");
}

TEST(JsonSchema, WrongTopLevelTypeIsOneError) {
  auto errors = check(R"([1,2])");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors.front().pointer, "");
  EXPECT_EQ(errors.front().code, "invalid_type");
}

TEST(JsonSchema, StrictSchemaLeavesExplicitLeniencyAlone) {
  auto lenient = strict_schema(boost::json::parse(
      R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":true})"));
  EXPECT_TRUE(lenient.at("additionalProperties").as_bool());
  JsonSchema schema(lenient);
  EXPECT_TRUE(schema.validate(boost::json::parse(R"({"a":"x","b":1})")).empty());
}

TEST(JsonSchema, FormatsOnTheirOwn) {
  EXPECT_TRUE(matches_format("vin", "1HGCM82633A004352"));
  EXPECT_FALSE(matches_format("vin", "1HGCM82633A00435"));
  EXPECT_FALSE(matches_format("vin", "1HGCM82633A00435I"));
  EXPECT_TRUE(matches_format("email", "a.b+c@d.example"));
  EXPECT_FALSE(matches_format("email", "a@b"));
  EXPECT_FALSE(matches_format("date", "2026-02-40"));
  EXPECT_TRUE(matches_format("unknown-format", "anything"));
}

}  // namespace
}  // namespace forecourt::http
