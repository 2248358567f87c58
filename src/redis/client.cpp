#include "redis/client.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "core/log.hpp"

namespace forecourt::redis {
namespace asio = boost::asio;
using asio::posix::stream_descriptor;

namespace {

Reply copy_reply(const redisReply* r) {
  Reply out;
  if (r == nullptr) return out;
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      break;
    default:
      out.type = Reply::Type::nil;
      break;
  }
  out.integer = r->integer;
  if (r->str != nullptr) out.str.assign(r->str, r->len);
  for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy_reply(r->element[i]));
  return out;
}

// One in-flight command; the hiredis callback and the awaiting coroutine share it.
struct Pending {
  explicit Pending(asio::io_context& io)
      : timer(io, std::chrono::steady_clock::time_point::max()) {}
  asio::steady_timer timer;
  bool done = false;
  bool lost = false;  // hiredis gave up on it (disconnect)
  Reply reply;
};

void on_reply(redisAsyncContext* /*ac*/, void* raw_reply, void* privdata) {
  auto* holder = static_cast<std::shared_ptr<Pending>*>(privdata);
  auto pending = std::move(*holder);
  delete holder;  // NOLINT(cppcoreguidelines-owning-memory): allocated in Client::command
  pending->done = true;
  if (raw_reply == nullptr) {
    pending->lost = true;
  } else {
    pending->reply = copy_reply(static_cast<redisReply*>(raw_reply));
  }
  pending->timer.cancel();
}

}  // namespace

// Connects hiredis' event hooks to socket readiness on the loop.
struct Client::Adapter : std::enable_shared_from_this<Adapter> {
  Adapter(asio::io_context& io, redisAsyncContext* ctx) : ac(ctx), socket(io, ctx->c.fd) {}
  redisAsyncContext* ac;
  stream_descriptor socket;
  bool want_read = false, reading = false;
  bool want_write = false, writing = false;

  void arm_read() {
    if (reading || !want_read || ac == nullptr) return;
    reading = true;
    socket.async_wait(stream_descriptor::wait_read,
                      [self = shared_from_this()](boost::system::error_code ec) {
                        self->reading = false;
                        if (ec || self->ac == nullptr) return;
                        if (self->want_read) redisAsyncHandleRead(self->ac);
                        self->arm_read();
                      });
  }
  void arm_write() {
    if (writing || !want_write || ac == nullptr) return;
    writing = true;
    socket.async_wait(stream_descriptor::wait_write,
                      [self = shared_from_this()](boost::system::error_code ec) {
                        self->writing = false;
                        if (ec || self->ac == nullptr) return;
                        if (self->want_write) redisAsyncHandleWrite(self->ac);
                        self->arm_write();
                      });
  }
  void cleanup() {
    ac = nullptr;
    want_read = want_write = false;
    socket.release();  // hiredis closes its own descriptor
  }
  static Adapter* of(void* privdata) { return static_cast<Adapter*>(privdata); }
};

bool parse_redis_url(std::string_view url, Endpoint& out) {
  auto u = boost::urls::parse_uri(url);
  if (!u || (u->scheme() != "redis")) return false;
  out = Endpoint{};
  if (!u->host().empty()) out.host = u->host();
  if (u->has_port()) out.port = u->port_number();
  if (u->has_password()) out.password = u->password();
  auto path = u->path();
  if (path.size() > 1) {
    auto db = std::string_view(path).substr(1);
    auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), out.db);
    if (ec != std::errc{} || p != db.data() + db.size()) return false;
  }
  return true;
}

Client::Client(asio::io_context& io, std::string url)
    : io_(io), url_(std::move(url)), reconnect_timer_(io) {}

Client::~Client() {
  try {
    stop();
  } catch (...) {  // timer cancellation reports failures as exceptions; nothing to do here
  }
}

void Client::start() {
  if (!parse_redis_url(url_, endpoint_)) {
    log::error("REDIS_URL is not a redis:// URL; Redis features are off");
    return;
  }
  connect();
}

void Client::stop() {
  stopping_ = true;
  reconnect_timer_.cancel();
  if (ac_ != nullptr) {
    auto* ac = ac_;
    ac_ = nullptr;
    redisAsyncFree(ac);  // calls pending callbacks with NULL and our cleanup hook
  }
  connected_ = false;
}

void Client::connect() {
  ac_ = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (ac_ == nullptr || ac_->err != 0) {
    if (ac_ != nullptr) redisAsyncFree(ac_);
    ac_ = nullptr;
    schedule_reconnect();
    return;
  }
  adapter_ = std::make_shared<Adapter>(io_, ac_);
  ac_->data = this;
  ac_->ev.data = adapter_.get();
  ac_->ev.addRead = [](void* p) {
    Adapter::of(p)->want_read = true;
    Adapter::of(p)->arm_read();
  };
  ac_->ev.delRead = [](void* p) { Adapter::of(p)->want_read = false; };
  ac_->ev.addWrite = [](void* p) {
    Adapter::of(p)->want_write = true;
    Adapter::of(p)->arm_write();
  };
  ac_->ev.delWrite = [](void* p) { Adapter::of(p)->want_write = false; };
  ac_->ev.cleanup = [](void* p) { Adapter::of(p)->cleanup(); };
  redisAsyncSetConnectCallback(ac_, &Client::on_connect);
  redisAsyncSetDisconnectCallback(ac_, &Client::on_disconnect);
}

void Client::on_connect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<Client*>(ac->data);
  if (self == nullptr) return;
  if (status != REDIS_OK) {
    self->ac_ = nullptr;  // hiredis frees the context after this callback
    self->connected_ = false;
    self->schedule_reconnect();
    return;
  }
  self->connected_ = true;
  if (self->warned_down_) log::info("redis reachable again");
  self->warned_down_ = false;
  self->backoff_ = std::chrono::milliseconds(0);
  self->send_setup_commands();
}

void Client::on_disconnect(const redisAsyncContext* ac, int /*status*/) {
  auto* self = static_cast<Client*>(ac->data);
  if (self == nullptr || self->ac_ != ac) return;
  self->ac_ = nullptr;
  self->connected_ = false;
  if (!self->stopping_) self->schedule_reconnect();
}

void Client::send_setup_commands() {
  auto fire = [this](std::vector<std::string> args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.c_str());
      lens.push_back(a.size());
    }
    redisAsyncCommandArgv(ac_, nullptr, nullptr, static_cast<int>(argv.size()), argv.data(),
                          lens.data());
  };
  if (!endpoint_.password.empty()) fire({"AUTH", endpoint_.password});
  if (endpoint_.db != 0) fire({"SELECT", std::to_string(endpoint_.db)});
}

void Client::schedule_reconnect() {
  if (stopping_) return;
  if (!warned_down_)
    log::warn("redis unreachable; retrying in the background",
              {{"host", endpoint_.host}, {"port", endpoint_.port}});
  warned_down_ = true;
  backoff_ = backoff_.count() == 0 ? std::chrono::milliseconds(100)
                                   : std::min(backoff_ * 2, std::chrono::milliseconds(5000));
  reconnect_timer_.expires_after(backoff_);
  reconnect_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && !stopping_) connect();
  });
}

asio::awaitable<Reply> Client::command(std::vector<std::string> args,
                                       std::chrono::milliseconds timeout) {
  if (!connected_ || ac_ == nullptr) throw RedisUnavailable("redis is not connected");
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.c_str());
    lens.push_back(a.size());
  }
  auto pending = std::make_shared<Pending>(io_);
  auto* holder = new std::shared_ptr<Pending>(pending);  // NOLINT: owned by on_reply
  if (redisAsyncCommandArgv(ac_, &on_reply, holder, static_cast<int>(argv.size()), argv.data(),
                            lens.data()) != REDIS_OK) {
    delete holder;  // NOLINT
    throw RedisUnavailable("redis refused the command");
  }
  pending->timer.expires_after(timeout);
  co_await pending->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (!pending->done) throw RedisUnavailable("redis did not answer in time");
  if (pending->lost) throw RedisUnavailable("redis connection lost");
  co_return std::move(pending->reply);
}

}  // namespace forecourt::redis
