#include "http/params.hpp"

#include <gtest/gtest.h>

namespace forecourt::http {
namespace {

Route search_route() {
  Route r;
  r.path = "/inventory/search";
  r.params = {
      ParamSpec{.name = "page",
                .type = ParamType::integer,
                .minimum = 1,
                .maximum = 10000,
                .default_value = "1"},
      ParamSpec{.name = "page_size",
                .type = ParamType::integer,
                .minimum = 1,
                .maximum = 100,
                .default_value = "20"},
      ParamSpec{.name = "make", .type = ParamType::string, .list = true},
      ParamSpec{
          .name = "condition", .type = ParamType::enumeration, .values = {"new", "used", "cpo"}},
      ParamSpec{.name = "is_special", .type = ParamType::boolean},
      ParamSpec{.name = "location_id", .type = ParamType::uuid},
      ParamSpec{.name = "since", .type = ParamType::date_time},
      ParamSpec{.name = "q", .type = ParamType::string, .required = false, .maximum = 200},
  };
  return r;
}

Request with_query(std::vector<std::pair<std::string, std::string>> q) {
  Request req;
  req.query = std::move(q);
  return req;
}

TEST(Params, DefaultsFillMissingValues) {
  auto route = search_route();
  auto req = with_query({});
  EXPECT_TRUE(validate_params(route, req).empty());
  EXPECT_EQ(req.params.integer("page"), 1);
  EXPECT_EQ(req.params.integer("page_size"), 20);
  EXPECT_EQ(req.params.string("view"), "full");
}

TEST(Params, ListsTakeRepeatsAndCommas) {
  auto route = search_route();
  auto req = with_query({{"make", "Toyota,Honda"}, {"make", "Ford"}});
  EXPECT_TRUE(validate_params(route, req).empty());
  EXPECT_EQ(req.params.all("make"), (std::vector<std::string>{"Toyota", "Honda", "Ford"}));
}

TEST(Params, EachBadValueNamesItsParameter) {
  auto route = search_route();
  auto req = with_query({{"page", "0"},
                         {"page_size", "1000"},
                         {"condition", "broken"},
                         {"is_special", "maybe"},
                         {"location_id", "not-a-uuid"},
                         {"since", "yesterday"},
                         {"colour", "red"}});
  auto errors = validate_params(route, req);
  ASSERT_EQ(errors.size(), 7U);
  std::vector<std::string> named;
  for (const auto& e : errors) {
    EXPECT_EQ(e.status, 400);
    named.push_back(e.parameter);
  }
  EXPECT_EQ(named, (std::vector<std::string>{"page", "page_size", "condition", "is_special",
                                             "location_id", "since", "colour"}));
  EXPECT_EQ(errors[0].code, "out_of_range");
  EXPECT_EQ(errors[6].code, "unknown_parameter");
}

TEST(Params, WrongTypeIsInvalidType) {
  auto route = search_route();
  auto req = with_query({{"page", "abc"}});
  auto errors = validate_params(route, req);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "invalid_type");
}

TEST(Params, DuplicateScalarIsRefused) {
  auto route = search_route();
  auto req = with_query({{"page", "1"}, {"page", "2"}});
  auto errors = validate_params(route, req);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "duplicate_parameter");
}

TEST(Params, UuidsAreNormalisedToLowerCase) {
  auto route = search_route();
  auto req = with_query({{"location_id", "3F2504E0-4F89-11D3-9A0C-0305E82C3301"}});
  EXPECT_TRUE(validate_params(route, req).empty());
  EXPECT_EQ(req.params.string("location_id"), "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
}

TEST(Params, DateTimesFollowRfc3339) {
  ParamSpec spec{.name = "t", .type = ParamType::date_time};
  EXPECT_TRUE(check_param_value(spec, "2026-11-25T13:49:31Z").ok());
  EXPECT_TRUE(check_param_value(spec, "2026-11-25T13:49:31.123+01:00").ok());
  EXPECT_FALSE(check_param_value(spec, "2026-11-25 13:49:31").ok());
  EXPECT_FALSE(check_param_value(spec, "2026-11-25T13:49:31").ok());
}

TEST(Params, StringLengthLimits) {
  auto route = search_route();
  auto req = with_query({{"q", std::string(201, 'x')}});
  auto errors = validate_params(route, req);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "invalid_length");
}

TEST(Params, RequiredParameterMissing) {
  Route r;
  r.params = {ParamSpec{.name = "q", .required = true}};
  Request req;
  auto errors = validate_params(r, req);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "missing_parameter");
  EXPECT_EQ(errors[0].parameter, "q");
}

TEST(Params, PathParametersAreTyped) {
  Route r;
  r.params = {
      ParamSpec{.name = "id", .in = ParamIn::path, .type = ParamType::uuid, .required = true}};
  Request req;
  req.path_params = {{"id", "123"}};
  auto errors = validate_params(r, req);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].parameter, "id");
}

TEST(Target, DecodesPathAndQuery) {
  auto t = parse_target("/a%20b?x=1&y=hello%20world&flag");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/a b");
  ASSERT_EQ(t->query.size(), 3U);
  EXPECT_EQ(t->query[1].second, "hello world");
  EXPECT_EQ(t->query[2].first, "flag");
}

TEST(Target, RejectsNulBytesAndGarbage) {
  EXPECT_FALSE(parse_target("/a%00b").ok());
  EXPECT_FALSE(parse_target("/a?x=%00").ok());
  EXPECT_FALSE(parse_target("http://absolute/form").ok());
  EXPECT_FALSE(parse_target("/bad%zz").ok());
}

TEST(Uuid, Shape) {
  EXPECT_TRUE(is_uuid("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
  EXPECT_FALSE(is_uuid("3f2504e04f8911d39a0c0305e82c3301"));
  EXPECT_FALSE(is_uuid("3f2504e0-4f89-11d3-9a0c-0305e82c330g"));
}

}  // namespace
}  // namespace forecourt::http
