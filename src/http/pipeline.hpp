#pragma once
// The middleware chain. Its order is written once, in build_pipeline(), where it can be
// read: request id -> forwarded (trusted proxies) -> access log -> security headers ->
// rate limit of early refusals -> CORS -> error boundary -> WAF -> routing + parameter
// validation -> auth -> rate limit -> body validation -> ETag/304 -> compact view -> handler.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <vector>

#include "core/config.hpp"
#include "http/errors.hpp"
#include "http/router.hpp"
#include "http/types.hpp"

namespace forecourt::http {

using Next = std::function<boost::asio::awaitable<Response>(Request&)>;
using Middleware = std::function<boost::asio::awaitable<Response>(Request&, const Next&)>;

class Pipeline {
 public:
  // The first `outer` stages (up to and including the error boundary) also serve refuse().
  Pipeline(std::vector<Middleware> stages, Next terminal, std::size_t outer = 0)
      : stages_(std::move(stages)), terminal_(std::move(terminal)), outer_(outer) {}
  boost::asio::awaitable<Response> handle(Request& req) const { return run(0, req); }
  // For a request the server could not read whole (408, 413, 414, 431, malformed HTTP or
  // query): the outer stages (request id, access log, security headers, rate limits, CORS,
  // error boundary) run as for any request, and `error` is raised inside them.
  boost::asio::awaitable<Response> refuse(Request& req, HttpError error) const;

 private:
  boost::asio::awaitable<Response> run(std::size_t i, Request& req) const;
  boost::asio::awaitable<Response> run_outer(std::size_t i, Request& req,
                                             const HttpError& error) const;
  std::vector<Middleware> stages_;
  Next terminal_;
  std::size_t outer_ = 0;
};

Pipeline build_pipeline(const Config& config, const Router& router);

// The pieces, exposed for unit tests.
std::string make_request_id();
bool acceptable_request_id(std::string_view id);
std::string strong_etag(std::string_view body);
bool etag_matches(std::string_view if_none_match, std::string_view etag);
// Keeps `fields` of each item of `data` (all but null/empty ones when fields is empty).
std::string compact_body(std::string_view json_body, const std::vector<std::string>& fields);
// The response for an exception escaping a handler: the one place errors become HTTP.
Response error_response(std::exception_ptr error, const Request& req);
Response error_response(const class HttpError& error, std::string_view request_id);

}  // namespace forecourt::http
