#include "http/server.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <unordered_set>

#include "core/log.hpp"
#include "http/errors.hpp"
#include "http/params.hpp"
#include "http/waf.hpp"

namespace forecourt::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_upload(std::string_view content_type) {
  return content_type.starts_with("multipart/form-data") ||
         content_type.starts_with("application/octet-stream") ||
         content_type.starts_with("image/") || content_type.starts_with("video/") ||
         content_type.starts_with("application/pdf");
}

// Errors found while reading a request, before the pipeline can run.
HttpError read_error(const beast::error_code& ec) {
  // Counted with the WAF's rules: one surface (/meta/health) for every refused request.
  waf_count(ec == beast::error::timeout        ? "server:request_timeout"
            : ec == bhttp::error::header_limit ? "server:headers_too_large"
            : ec == bhttp::error::body_limit   ? "server:payload_too_large"
                                               : "server:malformed_request");
  if (ec == beast::error::timeout)
    return HttpError(408, "request_timeout", "The request was not received in time.");
  if (ec == bhttp::error::header_limit)
    return HttpError(431, "headers_too_large", "The request headers are too large.");
  if (ec == bhttp::error::body_limit) {
    return HttpError(413, "payload_too_large",
                     "The request body is larger than this endpoint accepts.");
  }
  return HttpError(400, "malformed_request",
                   "The request is not valid HTTP/1.1: " + ec.message() + ".");
}

void finalize(Response& res, bool head, bool keep_alive) {
  res.keep_alive(keep_alive);
  if (head) {
    // HEAD: the headers a GET would send, without the body.
    auto size = res.body().size();
    res.body().clear();
    res.content_length(size);
  } else if (res.result_int() == 204 || res.result_int() == 304) {
    res.body().clear();
    res.erase(bhttp::field::content_length);
  } else {
    res.prepare_payload();
  }
  if (res.find(bhttp::field::server) == res.end()) res.set(bhttp::field::server, "forecourt");
}

// The status line and header fields, as they go on the wire.
std::string serialize_head(const Response& res) {
  std::string head;
  head.reserve(256);
  head += "HTTP/1.1 ";
  head += std::to_string(res.result_int());
  head += ' ';
  head += res.reason();
  head += "\r\n";
  for (const auto& field : res.base()) {
    head += field.name_string();
    head += ": ";
    head += field.value();
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

// Writes a finalized response in one gather write (head + body, no copy of the body).
// Beast's serializer walks a chain of buffer views per write; for small responses that
// costs more instructions than the whole request's middleware (callgrind; bench/README.md).
asio::awaitable<beast::error_code> write_response(beast::tcp_stream& stream, const Response& res) {
  std::string head = serialize_head(res);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(res.body())};
  auto [ec, n] = co_await asio::async_write(stream, buffers, use_tuple);
  co_return ec;
}

// An error found while reading: answer it, then the caller closes the connection.
asio::awaitable<void> write_and_close(beast::tcp_stream& stream, Response res) {
  finalize(res, false, false);
  stream.expires_after(std::chrono::seconds(5));
  co_await write_response(stream, res);
}

}  // namespace

struct Server::Impl {
  Impl(Server& s, const Config& c, const Pipeline& p, std::vector<asio::io_context*> l,
       std::function<Services*(std::size_t)> sf)
      : self(s),
        config(c),
        pipeline(p),
        loops(std::move(l)),
        services_for(std::move(sf)),
        acceptor(*loops.front()),
        idle(loops.size()),
        drain_timer(*loops.front()) {}

  Server& self;
  const Config& config;
  const Pipeline& pipeline;
  std::vector<asio::io_context*> loops;
  std::function<Services*(std::size_t)> services_for;
  tcp::acceptor acceptor;
  std::vector<std::unordered_set<beast::tcp_stream*>> idle;  // per loop, touched only by that loop
  std::atomic<bool> draining{false};
  asio::steady_timer drain_timer;
  std::function<void()> on_drained;
  bool drained_called = false;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket socket, std::size_t loop);
  asio::awaitable<bool> serve_one(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                  std::size_t loop, const std::string& peer);
  asio::awaitable<Response> refuse(HttpError error, const RawRequest* head, std::size_t loop,
                                   const std::string& peer);
  asio::awaitable<Response> run_pipeline(Request& req);
  void check_drained();
};

asio::awaitable<void> Server::Impl::accept_loop() {
  std::size_t next = 0;
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(*loops[next], use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || draining) co_return;
      // Out of descriptors or similar: pause briefly instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(*loops.front(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    std::size_t loop = next;
    next = (next + 1) % loops.size();
    if (self.open_connections_.load() >= config.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);  // over MAX_CONNECTIONS: refuse at once rather than queue
      continue;
    }
    ++self.open_connections_;
    asio::co_spawn(*loops[loop], session(std::move(socket), loop), asio::detached);
  }
}

asio::awaitable<bool> Server::Impl::serve_one(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                              std::size_t loop, const std::string& peer) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(config.header_max_bytes));
  parser.body_limit(config.json_max_bytes);
  // The whole request must arrive within REQUEST_TIMEOUT_MS. Not tcp_stream's own expiry:
  // that closes the socket, and a slow client is owed a 408 before we hang up.
  stream.expires_never();
  bool timed_out = false;
  asio::steady_timer read_deadline(stream.get_executor(), config.request_timeout);
  read_deadline.async_wait([&timed_out, &stream](boost::system::error_code tec) {
    if (tec) return;  // cancelled: the request arrived in time (locals may be gone)
    timed_out = true;
    stream.socket().cancel();
  });
  auto timeout_or = [&timed_out](beast::error_code e) {
    return timed_out ? beast::error_code(beast::error::timeout) : e;
  };
  auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
  ec = timeout_or(ec);
  if (ec) {
    if (ec != bhttp::error::end_of_stream && ec != asio::error::eof &&
        ec != asio::error::connection_reset) {
      HttpError error = read_error(ec);
      Response refused = co_await refuse(std::move(error), nullptr, loop, peer);
      co_await write_and_close(stream, std::move(refused));
    }
    co_return false;
  }
  const auto& head = parser.get();
  if (head.target().size() > config.url_max_bytes) {
    waf_count("server:uri_too_long");
    HttpError too_long(414, "uri_too_long", "The request URL is too long.");
    Response refused = co_await refuse(std::move(too_long), nullptr, loop, peer);
    co_await write_and_close(stream, std::move(refused));
    co_return false;
  }
  if (is_upload(head[bhttp::field::content_type])) parser.body_limit(config.file_max_bytes);
  if (bhttp::token_list{head[bhttp::field::expect]}.exists("100-continue")) {
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
    co_await bhttp::async_write(stream, cont, use_tuple);
  }
  if (!parser.is_done()) {
    auto [body_ec, body_n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    body_ec = timeout_or(body_ec);
    if (body_ec) {
      HttpError error = read_error(body_ec);
      Response refused = co_await refuse(std::move(error), &head, loop, peer);
      co_await write_and_close(stream, std::move(refused));
      co_return false;
    }
  }
  read_deadline.cancel();  // the pipeline has its own deadlines (DB statement timeout)

  Request req;
  req.msg = parser.release();
  req.peer_ip = peer;
  req.client_ip = peer;
  req.services = services_for(loop);
  Response res;
  if (auto target = parse_target(req.msg.target()); target) {
    req.path = std::move(target->path);
    req.query = std::move(target->query);
    res = co_await run_pipeline(req);
  } else {
    HttpError bad_query = from_problem_in_query(target.problem());
    res = co_await pipeline.refuse(req, std::move(bad_query));
  }
  bool keep_alive = req.msg.keep_alive() && !draining;
  finalize(res, req.method() == bhttp::verb::head, keep_alive);
  stream.expires_after(config.request_timeout);  // a client that doesn't read can't pin us
  auto write_error = co_await write_response(stream, res);
  co_return !write_error && keep_alive;
}

asio::awaitable<Response> Server::Impl::run_pipeline(Request& req) {
  std::exception_ptr failure;
  try {
    co_return co_await pipeline.handle(req);
  } catch (...) {
    failure = std::current_exception();
  }
  co_return error_response(failure, req);
}

// A request the server could not read whole still gets the pipeline's outer stages
// (request id, access log, security headers, rate limits, CORS; Pipeline::refuse). `head`
// is the request line and headers when they were read (nullptr otherwise).
asio::awaitable<Response> Server::Impl::refuse(HttpError error, const RawRequest* head,
                                               std::size_t loop, const std::string& peer) {
  Request req;
  if (head != nullptr) {
    req.msg.base() = head->base();
    if (auto target = parse_target(req.msg.target()); target) req.path = std::move(target->path);
  }
  req.peer_ip = peer;
  req.client_ip = peer;
  req.services = services_for(loop);
  std::exception_ptr failure;
  try {
    co_return co_await pipeline.refuse(req, std::move(error));
  } catch (...) {
    failure = std::current_exception();
  }
  co_return error_response(failure, req);
}

asio::awaitable<void> Server::Impl::session(tcp::socket socket, std::size_t loop) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto remote = socket.remote_endpoint(ignored);
  std::string peer = ignored ? std::string() : remote.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (bool again = true; again && !draining;) {
    if (buffer.size() == 0) {
      // Idle between requests: bounded by IDLE_TIMEOUT_MS; a drain cancels the wait.
      idle[loop].insert(&stream);
      stream.expires_after(config.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      idle[loop].erase(&stream);
      if (ec) break;
      buffer.commit(n);
    }
    again = co_await serve_one(stream, buffer, loop, peer);
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
  --self.open_connections_;
  if (draining) asio::post(*loops.front(), [this] { check_drained(); });
}

void Server::Impl::check_drained() {
  if (drained_called || self.open_connections_.load() > 0) return;
  drained_called = true;
  drain_timer.cancel();
  if (on_drained) on_drained();
}

Server::Server(const Config& config, const Pipeline& pipeline, std::vector<asio::io_context*> loops,
               std::function<Services*(std::size_t)> services_for)
    : impl_(std::make_unique<Impl>(*this, config, pipeline, std::move(loops),
                                   std::move(services_for))) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
  auto address = asio::ip::make_address(impl_->config.host);
  tcp::endpoint endpoint(address, impl_->config.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(*impl_->loops.front(), impl_->accept_loop(), asio::detached);
  return impl_->acceptor.local_endpoint().port();
}

void Server::begin_shutdown(std::function<void()> on_drained) {
  auto* impl = impl_.get();
  asio::post(*impl->loops.front(), [impl, cb = std::move(on_drained)]() mutable {
    if (impl->draining.exchange(true)) return;
    impl->on_drained = std::move(cb);
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    for (std::size_t i = 0; i < impl->loops.size(); ++i) {
      asio::post(*impl->loops[i], [impl, i] {
        for (auto* stream : impl->idle[i]) stream->cancel();  // idle keep-alive: close now
      });
    }
    impl->drain_timer.expires_after(impl->config.shutdown_grace);
    impl->drain_timer.async_wait([impl](boost::system::error_code ec) {
      if (ec || impl->drained_called) return;
      log::warn("shutdown grace period over; closing remaining connections",
                {{"open_connections", impl->self.open_connections()}});
      impl->drained_called = true;
      if (impl->on_drained) impl->on_drained();
    });
    impl->check_drained();
  });
}

}  // namespace forecourt::http
