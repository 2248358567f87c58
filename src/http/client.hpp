#pragma once
// The one outbound HTTP client (Supabase Auth, its JWKS; later Sentry, OTLP, providers):
// Beast on the caller's I/O loop, http:// and https:// (certificates verified against the
// system store, with SNI and host-name checks). One request per connection ("Connection:
// close"): the calls are rare (sign-ins, a JWKS every few minutes), so a pool would only add
// state. Every phase runs under a deadline and the response under a size cap, so a silent or
// hostile upstream costs a bounded wait and bounded memory, never a hang.
//
// Nothing here logs: the caller decides what is safe to log (headers and bodies may carry
// apikeys, tokens or passwords).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace forecourt::http_client {

// An absolute http(s) URL split for a connection: host and port to dial, TLS or not, and the
// request target (path + query, "/" when empty).
struct Url {
  bool tls = false;
  std::string host;  // without brackets for IPv6 literals
  std::string port;  // "80" / "443" by default
  std::string target;

  friend bool operator==(const Url&, const Url&) = default;
};

// Pure. Refuses ("invalid_url") anything but http/https with a host; user:password@ in the URL
// is refused too: credentials go in headers, where they are never logged.
Result<Url> parse_url(std::string_view text);

// `base` (e.g. SUPABASE_URL, with or without a trailing slash) joined with `path` ("/auth/v1/x").
std::string join_url(std::string_view base, std::string_view path);

struct Request {
  std::string method = "GET";  // GET, POST, PUT, DELETE, PATCH, HEAD
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent with Content-Length when not empty (or when method is POST/PUT)
};

struct Response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as received
  std::string body;
  // The first header with this name (case-insensitive), or "".
  [[nodiscard]] std::string_view header(std::string_view name) const;
};

struct Options {
  std::chrono::milliseconds connect_timeout{3000};  // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds timeout{10000};         // write the request + read the response
  std::size_t max_response_bytes = std::size_t{1024} * 1024;  // body cap
  std::size_t max_header_bytes = std::size_t{16} * 1024;
};

// Why a request produced no response. The caller maps kinds to its own answers (the auth
// proxy: timeout -> 504, everything else -> 502).
class Error : public std::runtime_error {
 public:
  enum class Kind { invalid_url, unreachable, timeout, tls, too_large, protocol };
  Error(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] Kind kind() const { return kind_; }

 private:
  Kind kind_;
};
std::string_view kind_name(Error::Kind kind);

// Sends `request` and reads the whole response on the calling coroutine's executor. Any
// status is a Response; only transport failures throw Error.
boost::asio::awaitable<Response> fetch(Request request, Options options = {});

}  // namespace forecourt::http_client
