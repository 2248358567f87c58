#include "http/router.hpp"

#include <gtest/gtest.h>

namespace forecourt::http {
namespace {

Handler noop() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return empty_response(204); };
}

Route route(Verb v, std::string path) {
  Route r;
  r.method = v;
  r.path = std::move(path);
  r.handler = noop();
  return r;
}

TEST(Router, MatchesLiteralAndParameterPaths) {
  Router r;
  r.add(route(Verb::get, "/vehicles/{id}"));
  r.add(route(Verb::get, "/vehicles/{id}/media"));
  auto m = r.match(Verb::get, "/vehicles/abc/media");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/vehicles/{id}/media");
  ASSERT_EQ(m.path_params.size(), 1U);
  EXPECT_EQ(m.path_params[0].first, "id");
  EXPECT_EQ(m.path_params[0].second, "abc");
}

TEST(Router, LiteralSegmentsWinOverParameters) {
  Router r;
  r.add(route(Verb::get, "/inventory/{id}"));
  r.add(route(Verb::get, "/inventory/search"));
  auto m = r.match(Verb::get, "/inventory/search");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/inventory/search");
  EXPECT_TRUE(m.path_params.empty());
  EXPECT_EQ(r.match(Verb::get, "/inventory/42").route->path, "/inventory/{id}");
}

TEST(Router, UnknownPathHasNoAllowedMethods) {
  Router r;
  r.add(route(Verb::get, "/meta/health"));
  auto m = r.match(Verb::get, "/meta/nope");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, WrongMethodListsAllowedOnes) {
  Router r;
  r.add(route(Verb::get, "/reviews"));
  r.add(route(Verb::post, "/reviews"));
  auto m = r.match(Verb::delete_, "/reviews");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(Router::allow_header(m.allowed), "GET, HEAD, OPTIONS, POST");
}

TEST(Router, HeadIsServedByGet) {
  Router r;
  r.add(route(Verb::get, "/meta/health"));
  auto m = r.match(Verb::head, "/meta/health");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, Verb::get);
}

TEST(Router, TrailingAndDoubleSlashesAreIgnored) {
  Router r;
  r.add(route(Verb::get, "/meta/health"));
  EXPECT_NE(r.match(Verb::get, "/meta/health/").route, nullptr);
  EXPECT_NE(r.match(Verb::get, "//meta//health").route, nullptr);
}

TEST(Router, RejectsDuplicatesAndMalformedTemplates) {
  Router r;
  r.add(route(Verb::get, "/a/{id}"));
  EXPECT_THROW(r.add(route(Verb::get, "/a/{id}")), std::invalid_argument);
  EXPECT_THROW(r.add(route(Verb::get, "/a/{id")), std::invalid_argument);
  EXPECT_THROW(r.add(route(Verb::get, "no-slash")), std::invalid_argument);
  EXPECT_NO_THROW(r.add(route(Verb::post, "/a/{id}")));
}

TEST(Router, SplitPath) {
  EXPECT_TRUE(split_path("/").empty());
  auto parts = split_path("/a/b/c");
  ASSERT_EQ(parts.size(), 3U);
  EXPECT_EQ(parts[2], "c");
}

TEST(Router, TailParameterTakesTheRestOfThePath) {
  Router r;
  r.add(route(Verb::get, "/storage/v1/object/sign/{bucket}/{path*}"));
  r.add(route(Verb::get, "/storage/v1/object/sign/{bucket}"));
  auto m = r.match(Verb::get, "/storage/v1/object/sign/vehicle-media/abc/spin/manifest.json");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/storage/v1/object/sign/{bucket}/{path*}");
  ASSERT_EQ(m.path_params.size(), 2U);
  EXPECT_EQ(m.path_params[0].first, "bucket");
  EXPECT_EQ(m.path_params[0].second, "vehicle-media");
  EXPECT_EQ(m.path_params[1].first, "path");
  EXPECT_EQ(m.path_params[1].second, "abc/spin/manifest.json");
  // One segment is enough; none is not (that is the other route).
  auto one = r.match(Verb::get, "/storage/v1/object/sign/docs/a.pdf");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.path_params[1].second, "a.pdf");
  EXPECT_EQ(r.match(Verb::get, "/storage/v1/object/sign/docs").route->path,
            "/storage/v1/object/sign/{bucket}");
  EXPECT_EQ(r.match(Verb::get, "/storage/v1/object/other/docs/a.pdf").route, nullptr);
}

TEST(Router, TailParameterMustBeLast) {
  Router r;
  EXPECT_THROW(r.add(route(Verb::get, "/files/{path*}/meta")), std::invalid_argument);
}

}  // namespace
}  // namespace forecourt::http
