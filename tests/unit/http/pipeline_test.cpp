#include "http/pipeline.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "db/pg.hpp"
#include "http/errors.hpp"

namespace forecourt::http {
namespace {

TEST(RequestId, AcceptsSaneIdsAndRefusesOthers) {
  EXPECT_TRUE(acceptable_request_id("abc-123_X.y"));
  EXPECT_FALSE(acceptable_request_id(""));
  EXPECT_FALSE(acceptable_request_id("has space"));
  EXPECT_FALSE(acceptable_request_id("line\nbreak"));
  EXPECT_FALSE(acceptable_request_id(std::string(129, 'a')));
}

TEST(RequestId, GeneratedIdsAreUuidV4AndUnique) {
  auto a = make_request_id();
  auto b = make_request_id();
  EXPECT_EQ(a.size(), 36U);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, b);
  EXPECT_TRUE(acceptable_request_id(a));
}

TEST(ETag, StableForSameBodyDifferentOtherwise) {
  EXPECT_EQ(strong_etag("hello"), strong_etag("hello"));
  EXPECT_NE(strong_etag("hello"), strong_etag("hello!"));
  auto tag = strong_etag("x");
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
}

TEST(ETag, IfNoneMatchComparison) {
  auto tag = strong_etag("body");
  EXPECT_TRUE(etag_matches(tag, tag));
  EXPECT_TRUE(etag_matches("W/" + tag, tag));
  EXPECT_TRUE(etag_matches("\"other\", " + tag, tag));
  EXPECT_TRUE(etag_matches("*", tag));
  EXPECT_FALSE(etag_matches("\"other\"", tag));
  EXPECT_FALSE(etag_matches("", tag));
}

TEST(Compact, KeepsDeclaredFieldsOfEachItemAndDropsLinks) {
  auto body = compact_body(
      R"({"data":[{"id":"1","title":"A","specs":{"x":1}},{"id":"2","title":"B"}],"meta":{"total":2},"links":{"next":"x"}})",
      {"id", "title"});
  auto v = boost::json::parse(body);
  EXPECT_EQ(v.at("data").as_array().size(), 2U);
  EXPECT_FALSE(v.at("data").at(0).as_object().contains("specs"));
  EXPECT_FALSE(v.as_object().contains("links"));
  EXPECT_EQ(v.at("meta").at("total").as_int64(), 2);
}

TEST(Compact, WithoutDeclaredFieldsDropsEmptyValues) {
  auto body =
      compact_body(R"({"data":{"id":"1","note":null,"tags":[],"extra":{},"name":"x"}})", {});
  auto v = boost::json::parse(body);
  EXPECT_EQ(v.at("data").as_object().size(), 2U);
}

TEST(Compact, LeavesNonJsonAlone) { EXPECT_EQ(compact_body("not json", {}), "not json"); }

TEST(ErrorDocument, HasJsonApiShape) {
  HttpError e(400, "invalid_type", "page must be an integer");
  e.with_parameter("page");
  auto v = boost::json::parse(error_document(e.errors(), "req-1"));
  const auto& err = v.at("errors").at(0);
  EXPECT_EQ(err.at("status").as_string(), "400");
  EXPECT_EQ(err.at("code").as_string(), "invalid_type");
  EXPECT_EQ(err.at("title").as_string(), "Bad Request");
  EXPECT_EQ(err.at("source").at("parameter").as_string(), "page");
  EXPECT_EQ(v.at("meta").at("request_id").as_string(), "req-1");
}

Request request_with_id() {
  Request req;
  req.request_id = "rid";
  return req;
}

int status_for(std::exception_ptr e) {
  return error_response(std::move(e), request_with_id()).result_int();
}

TEST(ErrorMapping, EachFailureGetsItsStatus) {
  EXPECT_EQ(status_for(std::make_exception_ptr(HttpError(404, "not_found", "x"))), 404);
  EXPECT_EQ(status_for(std::make_exception_ptr(db::DbUnavailable("down"))), 503);
  EXPECT_EQ(status_for(std::make_exception_ptr(db::DbError("42501", "rls", "", "", ""))), 403);
  EXPECT_EQ(status_for(std::make_exception_ptr(db::DbError("23505", "dup", "", "", ""))), 409);
  EXPECT_EQ(status_for(std::make_exception_ptr(db::DbError("23514", "check", "", "", ""))), 422);
  EXPECT_EQ(status_for(std::make_exception_ptr(db::DbError("57014", "timeout", "", "", ""))), 503);
  EXPECT_EQ(status_for(std::make_exception_ptr(db::DbError("XX000", "internal", "", "", ""))), 500);
  EXPECT_EQ(status_for(std::make_exception_ptr(std::runtime_error("boom"))), 500);
  EXPECT_EQ(status_for(std::make_exception_ptr(42)), 500);
}

TEST(ErrorMapping, UnavailableCarriesRetryAfter) {
  auto res = error_response(std::make_exception_ptr(db::DbUnavailable("down")), request_with_id());
  EXPECT_EQ(res["Retry-After"], "1");
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/vnd.api+json");
}

TEST(ErrorMapping, InternalErrorsDoNotLeakDetails) {
  auto res = error_response(std::make_exception_ptr(std::runtime_error("secret connection string")),
                            request_with_id());
  EXPECT_EQ(res.body().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace forecourt::http
