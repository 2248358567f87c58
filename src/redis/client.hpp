#pragma once
// Asynchronous Redis on the Asio loop: hiredis' async API with an Asio adapter (socket
// readiness drives redisAsyncHandleRead/Write), one connection per I/O thread, automatic
// reconnect with backoff. Callers treat Redis as optional: RedisUnavailable means "go on
// without the cache / fall back", never a failed request.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct redisAsyncContext;

namespace forecourt::redis {

class RedisUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An owned copy of a hiredis reply.
struct Reply {
  enum class Type { nil, status, error, integer, string, array };
  Type type = Type::nil;
  long long integer = 0;
  std::string str;  // status, error and bulk string replies
  std::vector<Reply> elements;

  [[nodiscard]] bool is_error() const { return type == Type::error; }
  [[nodiscard]] bool is_nil() const { return type == Type::nil; }
};

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string password;
};
// redis://[:password@]host[:port][/db]; false on a malformed URL.
bool parse_redis_url(std::string_view url, Endpoint& out);

class Client {
 public:
  Client(boost::asio::io_context& io, std::string url);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start();  // connects in the background, reconnects when the link drops
  void stop();
  [[nodiscard]] bool connected() const { return connected_; }

  // Throws RedisUnavailable when not connected or no reply within `timeout`.
  boost::asio::awaitable<Reply> command(
      std::vector<std::string> args,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(250));

 private:
  struct Adapter;
  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  void connect();
  void schedule_reconnect();
  void send_setup_commands();

  boost::asio::io_context& io_;
  std::string url_;
  Endpoint endpoint_;
  redisAsyncContext* ac_ = nullptr;
  std::shared_ptr<Adapter> adapter_;
  bool connected_ = false;
  bool stopping_ = false;
  bool warned_down_ = false;
  std::chrono::milliseconds backoff_{0};
  boost::asio::steady_timer reconnect_timer_;
};

}  // namespace forecourt::redis
