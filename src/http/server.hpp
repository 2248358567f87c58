#pragma once
// The HTTP/1.1 server: one io_context per I/O thread, connections spread round-robin,
// one coroutine per connection (read with limits and deadlines, run the pipeline, write,
// loop while keep-alive), graceful drain on shutdown.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "core/config.hpp"
#include "http/pipeline.hpp"

namespace forecourt::http {

class Server {
 public:
  // `services_for(i)` gives the per-thread services of I/O thread i.
  Server(const Config& config, const Pipeline& pipeline,
         std::vector<boost::asio::io_context*> loops,
         std::function<Services*(std::size_t)> services_for);
  ~Server();

  // Binds and starts accepting; returns the bound port (PORT=0 picks a free one).
  std::uint16_t listen();
  // Stop accepting, let in-flight requests finish, close idle connections. `on_drained`
  // runs (on loop 0) once no connection is left or the grace period has passed.
  void begin_shutdown(std::function<void()> on_drained);

  [[nodiscard]] int open_connections() const { return open_connections_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> open_connections_{0};
};

}  // namespace forecourt::http
