#include "http/client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <memory>

namespace forecourt::http_client {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// One client context for the process: the system trust store, TLS 1.2 or newer. Built on
// first use (thread-safe static) and only read afterwards.
ssl::context& tls_context() {
  static ssl::context context = [] {
    ssl::context c(ssl::context::tls_client);
    c.set_default_verify_paths();
    c.set_verify_mode(ssl::verify_peer);
    ::SSL_CTX_set_min_proto_version(c.native_handle(), TLS1_2_VERSION);
    return c;
  }();
  return context;
}

Error transport_error(const error_code& ec, std::string_view phase, const Url& url) {
  std::string where = std::string(phase) + " " + url.host + ":" + url.port + ": " + ec.message();
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted)
    return {Error::Kind::timeout, "timed out during " + where};
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit)
    return {Error::Kind::too_large, "response too large: " + where};
  if (ec.category() == asio::error::get_ssl_category() ||
      ec.category() == ssl::error::get_stream_category())
    return {Error::Kind::tls, "TLS failure during " + where};
  if (std::string_view(ec.category().name()) == "beast.http")  // Beast has no accessor
    return {Error::Kind::protocol, "malformed response during " + where};
  if (phase == "resolve" || phase == "connect") return {Error::Kind::unreachable, where};
  return {Error::Kind::protocol, "connection failed during " + where};
}

// The resolver has no deadline of its own: a timer cancels it. Shared state, because the
// timer's handler may already be queued when the resolve completes and this frame is gone.
asio::awaitable<tcp::resolver::results_type> resolve(const Url& url,
                                                     std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(executor);
  asio::steady_timer timer(executor);
  timer.expires_after(timeout);
  timer.async_wait([resolver](error_code ec) {
    if (!ec) resolver->cancel();
  });
  error_code ec;
  auto results = co_await resolver->async_resolve(url.host, url.port,
                                                  asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (ec == asio::error::operation_aborted)
    throw transport_error(beast::error::timeout, "resolve", url);
  if (ec) throw transport_error(ec, "resolve", url);
  co_return results;
}

bhttp::request<bhttp::string_body> build_message(const Url& url, const Request& request) {
  const bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown)
    throw Error(Error::Kind::invalid_url, "unsupported method " + request.method);
  bhttp::request<bhttp::string_body> msg{verb, url.target, 11};
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  const bool default_port = (url.tls && url.port == "443") || (!url.tls && url.port == "80");
  if (!default_port) host.append(":").append(url.port);
  msg.set(bhttp::field::host, host);
  msg.set(bhttp::field::user_agent, "forecourt/" FORECOURT_VERSION);
  msg.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : request.headers) msg.set(name, value);
  msg.body() = request.body;
  msg.prepare_payload();
  return msg;
}

// Write the request and read the response under one deadline (the tcp_stream's, set by the
// caller), with the parser's size limits.
template <class Stream>
asio::awaitable<Response> exchange(Stream& stream, const Url& url,
                                   bhttp::request<bhttp::string_body>& msg,
                                   const Options& options) {
  error_code ec;
  co_await bhttp::async_write(stream, msg, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw transport_error(ec, "write", url);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_response_bytes);
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw transport_error(ec, "read", url);
  auto message = parser.release();
  Response response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message)
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  response.body = std::move(message.body());
  co_return response;
}

void close_quietly(beast::tcp_stream& stream) {
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.socket().close(ignored);
}

}  // namespace

Result<Url> parse_url(std::string_view text) {
  auto bad = [&](std::string detail) { return Problem{"invalid_url", std::move(detail), ""}; };
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return bad("not an absolute URL");
  const auto& u = *parsed;
  Url url;
  if (u.scheme_id() == boost::urls::scheme::https) {
    url.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    return bad("the scheme must be http or https");
  }
  if (u.has_userinfo()) return bad("credentials in the URL are not accepted; use headers");
  if (u.host_type() == boost::urls::host_type::none || u.host_address().empty())
    return bad("the URL has no host");
  if (u.host_type() == boost::urls::host_type::ipvfuture) return bad("unsupported host");
  url.host = u.host_address();
  if (u.has_port()) {
    if (u.port_number() == 0) return bad("the port must be 1..65535");
    url.port = std::to_string(u.port_number());
  } else {
    url.port = url.tls ? "443" : "80";
  }
  url.target = std::string(u.encoded_path());
  if (url.target.empty()) url.target = "/";
  if (u.has_query()) url.target.append("?").append(u.encoded_query());
  return url;
}

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string out(base);
  if (!path.empty() && path.front() != '/') out.push_back('/');
  out.append(path);
  return out;
}

std::string_view Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

std::string_view kind_name(Error::Kind kind) {
  switch (kind) {
    case Error::Kind::invalid_url:
      return "invalid_url";
    case Error::Kind::unreachable:
      return "unreachable";
    case Error::Kind::timeout:
      return "timeout";
    case Error::Kind::tls:
      return "tls";
    case Error::Kind::too_large:
      return "too_large";
    case Error::Kind::protocol:
      return "protocol";
  }
  return "unknown";
}

asio::awaitable<Response> fetch(Request request, Options options) {
  auto parsed = parse_url(request.url);
  if (!parsed) throw Error(Error::Kind::invalid_url, parsed.problem().detail);
  const Url url = std::move(parsed).value();
  auto msg = build_message(url, request);
  const auto endpoints = co_await resolve(url, options.connect_timeout);
  auto executor = co_await asio::this_coro::executor;
  error_code ec;

  if (!url.tls) {
    beast::tcp_stream stream(executor);
    stream.expires_after(options.connect_timeout);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw transport_error(ec, "connect", url);
    stream.expires_after(options.timeout);
    auto response = co_await exchange(stream, url, msg, options);
    close_quietly(stream);
    co_return response;
  }

  beast::ssl_stream<beast::tcp_stream> stream(executor, tls_context());
  // SNI names the host (never an IP literal, RFC 6066); the certificate must match it.
  error_code not_ip;
  (void)asio::ip::make_address(url.host, not_ip);
  const bool ip_literal = !not_ip;
  // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
  std::string sni = url.host;
  if (!ip_literal && ::SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                                TLSEXT_NAMETYPE_host_name, sni.data()) != 1)
    throw Error(Error::Kind::tls, "cannot set SNI for " + url.host);
  stream.set_verify_mode(ssl::verify_peer);
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(options.connect_timeout);
  co_await lowest.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw transport_error(ec, "connect", url);
  co_await stream.async_handshake(ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw transport_error(ec, "TLS handshake", url);
  lowest.expires_after(options.timeout);
  auto response = co_await exchange(stream, url, msg, options);
  // No close_notify exchange: the response is complete, and waiting for the peer's answer
  // would only add a round trip (or a stall) to every call.
  close_quietly(lowest);
  co_return response;
}

}  // namespace forecourt::http_client
