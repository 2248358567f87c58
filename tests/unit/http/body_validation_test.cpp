// The body stage on its own: 400 bad_json, 415, 422 with pointers, and the parsed body for
// the handler. (No route with a body exists yet; this drives the stage with a test route.)
#include "http/body_validation.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <set>

#include "http/errors.hpp"

namespace forecourt::http {
namespace {

struct Outcome {
  int status = 0;
  std::vector<ErrorObject> errors;
  std::optional<boost::json::value> seen_by_handler;
};

Outcome run(std::string body, std::string content_type = "application/json") {
  Router router;
  router.add(Route{
      .method = Verb::post,
      .path = "/leads",
      .handler = [](Request&) -> boost::asio::awaitable<Response> {
        co_return empty_response(201);
      },
      .body_schema = boost::json::parse(
          R"({"type":"object","required":["email"],"properties":{"email":{"type":"string","format":"email"},"note":{"type":"string"}}})")});
  auto stage = make_body_validation_stage(router);
  Request req;
  req.route = router.routes().front().get();
  req.msg.method(Verb::post);
  req.msg.set(boost::beast::http::field::content_type, content_type);
  req.msg.body() = std::move(body);
  Outcome out;
  Next next = [&out](Request& r) -> boost::asio::awaitable<Response> {
    out.seen_by_handler = r.body_json;
    co_return empty_response(201);
  };
  boost::asio::io_context io;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        out.status = (co_await stage(req, next)).result_int();
      },
      [&](const std::exception_ptr& e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const HttpError& h) {
          out.status = h.status();
          out.errors = h.errors();
        }
      });
  io.run();
  return out;
}

TEST(BodyStage, AValidBodyReachesTheHandlerParsed) {
  auto out = run(R"({"email":"ana@example.com"})");
  EXPECT_EQ(out.status, 201);
  ASSERT_TRUE(out.seen_by_handler.has_value());
  EXPECT_EQ(out.seen_by_handler->at("email").as_string(), "ana@example.com");
}

TEST(BodyStage, MalformedJsonIs400BadJson) {
  auto out = run(R"({"email":)");
  EXPECT_EQ(out.status, 400);
  ASSERT_EQ(out.errors.size(), 1U);
  EXPECT_EQ(out.errors[0].code, "bad_json");
  EXPECT_EQ(run("").status, 400);
}

TEST(BodyStage, NotJsonIs415) {
  EXPECT_EQ(run("email=a", "application/x-www-form-urlencoded").status, 415);
  EXPECT_EQ(run(R"({"email":"a@b.co"})", "application/json; charset=utf-8").status, 201);
}

TEST(BodyStage, SchemaViolationsAre422OnePerProblem) {
  auto out = run(R"({"email":"nope","note":5,"extra":true})");
  EXPECT_EQ(out.status, 422);
  ASSERT_EQ(out.errors.size(), 3U);
  std::set<std::string> pointers;
  for (const auto& e : out.errors) pointers.insert(e.pointer);
  EXPECT_EQ(pointers, (std::set<std::string>{"/email", "/note", "/extra"}));
  EXPECT_FALSE(out.seen_by_handler.has_value());
}

}  // namespace
}  // namespace forecourt::http
