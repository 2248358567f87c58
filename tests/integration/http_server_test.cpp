// The HTTP core over real sockets: routing errors, request IDs, CORS, ETags, limits,
// malformed HTTP, timeouts and graceful shutdown.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <thread>

#include "harness.hpp"

namespace forecourt::testing {
namespace {

class HttpServer : public SharedServerSuite<HttpServer> {
 public:
  static std::map<std::string, std::string> server_env() {
    return {{"ALLOWED_ORIGINS", "https://allowed.example"},
            {"REQUEST_TIMEOUT_MS", "1500"},
            {"JSON_MAX_BYTES", "2048"},
            {"HEADER_MAX_BYTES", "4096"},
            {"URL_MAX_BYTES", "1024"}};
  }

 protected:
  static int port() { return server_->port(); }
};

boost::json::value parse(const std::string& body) { return boost::json::parse(body); }

TEST_F(HttpServer, UnknownPathIs404WithErrorDocument) {
  auto r = http_get(port(), "/no/such/thing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/vnd.api+json");
  auto doc = parse(r.body);
  EXPECT_EQ(doc.at("errors").at(0).at("code").as_string(), "not_found");
  EXPECT_EQ(doc.at("meta").at("request_id").as_string(), r.header("x-request-id"));
}

TEST_F(HttpServer, WrongMethodIs405WithAllow) {
  auto r = http_request(port(), "DELETE", "/meta/health");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD, OPTIONS");
}

TEST_F(HttpServer, OptionsListsMethods) {
  auto r = http_request(port(), "OPTIONS", "/meta/config");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("allow"), "GET, HEAD, OPTIONS");
}

TEST_F(HttpServer, HeadHasHeadersButNoBody) {
  auto get = http_get(port(), "/meta/live");
  auto head = http_request(port(), "HEAD", "/meta/live");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
}

TEST_F(HttpServer, RequestIdIsEchoedOrGenerated) {
  auto echoed = http_get(port(), "/meta/live", {{"X-Request-ID", "trace-abc.123"}});
  EXPECT_EQ(echoed.header("x-request-id"), "trace-abc.123");
  auto generated = http_get(port(), "/meta/live", {{"X-Request-ID", "bad id with spaces"}});
  EXPECT_EQ(generated.header("x-request-id").size(), 36U);
  EXPECT_NE(server_->log().find("\"request_id\":\"trace-abc.123\""), std::string::npos)
      << "the access log carries the id";
}

TEST_F(HttpServer, SecurityHeadersOnEveryResponse) {
  for (const auto* path : {"/meta/live", "/nope"}) {
    auto r = http_get(port(), path);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << path;
    EXPECT_EQ(r.header("referrer-policy"), "strict-origin-when-cross-origin") << path;
    EXPECT_FALSE(r.header("content-security-policy").empty()) << path;
  }
}

TEST_F(HttpServer, CorsPreflightAllowedOrigin) {
  auto r = http_request(port(), "OPTIONS", "/meta/config",
                        {{"Origin", "https://allowed.example"},
                         {"Access-Control-Request-Method", "GET"},
                         {"Access-Control-Request-Headers", "authorization"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("access-control-allow-origin"), "https://allowed.example");
  EXPECT_NE(r.header("access-control-allow-headers").find("Authorization"), std::string::npos);
}

TEST_F(HttpServer, CorsPreflightDeniedOrigin) {
  auto r =
      http_request(port(), "OPTIONS", "/meta/config",
                   {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.header("access-control-allow-origin").empty());
  EXPECT_EQ(parse(r.body).at("errors").at(0).at("code").as_string(), "cors_origin_denied");
}

TEST_F(HttpServer, CorsSimpleRequestOnlyForAllowedOrigins) {
  auto ok = http_get(port(), "/meta/live", {{"Origin", "https://allowed.example"}});
  EXPECT_EQ(ok.header("access-control-allow-origin"), "https://allowed.example");
  EXPECT_NE(ok.header("access-control-expose-headers").find("X-Request-ID"), std::string::npos);
  auto denied = http_get(port(), "/meta/live", {{"Origin", "https://evil.example"}});
  EXPECT_TRUE(denied.header("access-control-allow-origin").empty());
}

TEST_F(HttpServer, ETagThen304) {
  auto first = http_get(port(), "/meta/config");
  ASSERT_EQ(first.status, 200) << first.body;
  auto tag = first.header("etag");
  ASSERT_FALSE(tag.empty());
  auto second = http_get(port(), "/meta/config", {{"If-None-Match", tag}});
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
  EXPECT_EQ(second.header("etag"), tag);
  auto changed = http_get(port(), "/meta/config", {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(changed.status, 200);
}

TEST_F(HttpServer, UnknownQueryParameterIs400NamingIt) {
  auto r = http_get(port(), "/meta/config?colour=red");
  EXPECT_EQ(r.status, 400);
  auto err = parse(r.body).at("errors").at(0);
  EXPECT_EQ(err.at("source").at("parameter").as_string(), "colour");
}

TEST_F(HttpServer, BadEnumValueIs400) {
  auto r = http_get(port(), "/meta/config?view=tiny");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(parse(r.body).at("errors").at(0).at("source").at("parameter").as_string(), "view");
}

TEST_F(HttpServer, CompactViewIsAccepted) {
  auto r = http_get(port(), "/meta/config?view=compact");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(parse(r.body).as_object().contains("data"));
}

TEST_F(HttpServer, MalformedHttpIs400AndCloses) {
  auto reply = raw_exchange(port(), "GET /meta/live HTTP/1.1\r\nHost x\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 400"), std::string::npos) << reply;
  EXPECT_NE(reply.find("malformed_request"), std::string::npos);
}

TEST_F(HttpServer, AmbiguousContentLengthIsRefused) {
  auto reply = raw_exchange(
      port(),
      "POST /meta/live HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
  EXPECT_NE(reply.find("HTTP/1.1 400"), std::string::npos) << reply;
}

TEST_F(HttpServer, OversizeJsonBodyIs413) {
  std::string body(4096, 'x');
  auto reply = raw_exchange(
      port(),
      "POST /meta/live HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_NE(reply.find("HTTP/1.1 413"), std::string::npos) << reply;
  EXPECT_NE(reply.find("payload_too_large"), std::string::npos);
}

TEST_F(HttpServer, OversizeHeadersAre431) {
  auto reply = raw_exchange(port(), "GET /meta/live HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                        std::string(8000, 'a') + "\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 431"), std::string::npos) << reply.substr(0, 200);
}

TEST_F(HttpServer, OverlongUrlIs414) {
  auto r = http_get(port(), "/meta/live?view=" + std::string(2000, 'a'));
  EXPECT_EQ(r.status, 414) << r.body;
}

TEST_F(HttpServer, SlowClientGets408) {
  RawConnection c(port());
  c.send("GET /meta/live HTTP/1.1\r\nHost: x\r\n");  // never finishes the headers
  auto reply = c.read_all(std::chrono::seconds(5));
  EXPECT_NE(reply.find("HTTP/1.1 408"), std::string::npos) << reply;
}

TEST_F(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConnection c(port());
  c.send(
      "GET /meta/live HTTP/1.1\r\nHost: x\r\n\r\nGET /meta/live HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n");
  auto reply = c.read_all(std::chrono::seconds(3));
  std::size_t count = 0;
  for (auto pos = reply.find("HTTP/1.1 200"); pos != std::string::npos;
       pos = reply.find("HTTP/1.1 200", pos + 1))
    ++count;
  EXPECT_EQ(count, 2U) << reply;
}

TEST(HttpShutdown, FinishesAnInFlightRequestThenExits) {
  ServerProcess server(std::map<std::string, std::string>{{"SHUTDOWN_GRACE_MS", "5000"}});
  RawConnection c(server.port());
  // Headers now, body after SIGTERM: the request is in flight when the drain starts.
  c.send(
      "POST /meta/live HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "2\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server.signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  c.send("{}");
  auto reply = c.read_all(std::chrono::seconds(5));
  EXPECT_NE(reply.find("HTTP/1.1 405"), std::string::npos)
      << "the in-flight request still got its answer:\n"
      << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 0) << server.log();
  EXPECT_NE(server.log().find("shutting down"), std::string::npos);
}

TEST(HttpShutdown, IdleConnectionsDoNotDelayExit) {
  ServerProcess server(std::map<std::string, std::string>{{"SHUTDOWN_GRACE_MS", "20000"}});
  RawConnection idle(server.port());
  idle.send("GET /meta/live HTTP/1.1\r\nHost: x\r\n\r\n");
  (void)idle.read_all(std::chrono::milliseconds(300));
  auto t0 = std::chrono::steady_clock::now();
  server.signal(SIGINT);
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

}  // namespace
}  // namespace forecourt::testing
