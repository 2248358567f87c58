#pragma once
// The middleware chain. Its order is written once, in build_pipeline(), where it can be
// read: request id -> forwarded (trusted proxies) -> access log -> security headers ->
// CORS -> error boundary -> WAF -> routing + parameter validation -> auth -> rate limit ->
// body validation -> ETag/304 -> compact view -> handler.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <vector>

#include "core/config.hpp"
#include "http/router.hpp"
#include "http/types.hpp"

namespace forecourt::http {

using Next = std::function<boost::asio::awaitable<Response>(Request&)>;
using Middleware = std::function<boost::asio::awaitable<Response>(Request&, const Next&)>;

class Pipeline {
 public:
  Pipeline(std::vector<Middleware> stages, Next terminal)
      : stages_(std::move(stages)), terminal_(std::move(terminal)) {}
  boost::asio::awaitable<Response> handle(Request& req) const { return run(0, req); }

 private:
  boost::asio::awaitable<Response> run(std::size_t i, Request& req) const;
  std::vector<Middleware> stages_;
  Next terminal_;
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
