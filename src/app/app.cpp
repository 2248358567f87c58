#include "app/app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <thread>

#include "api/routes.hpp"
#include "app/services.hpp"
#include "auth/jwks_source.hpp"
#include "auth/password.hpp"
#include "core/log.hpp"
#include "http/auth.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"

namespace forecourt {
namespace asio = boost::asio;

namespace {

// Picks up keys rotated in by another process (`forecourt keys rotate`) within a minute,
// so every process signs with the newest key; unknown kids also trigger a reload.
asio::awaitable<void> reload_keys_periodically(Services& services) {
  asio::steady_timer timer(services.io);
  for (;;) {
    timer.expires_after(std::chrono::seconds(60));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    try {
      co_await http::reload_signing_keys(services);
    } catch (const std::exception& e) {
      log::warn("signing key reload failed", {{"error", e.what()}});
    }
  }
}

}  // namespace

void register_all_routes(http::Router& router, const Config& config) {
  api::register_meta_routes(router);
  api::register_location_routes(router);
  api::register_inventory_routes(router);
  api::register_vehicle_routes(router);
  api::register_tool_routes(router);
  api::register_storage_routes(router);
  api::register_financing_routes(router);
  api::register_auth_routes(router, config);
  if (config.auth_mode == "embedded") api::register_gotrue_routes(router);
  api::register_docs_routes(router, config);  // last: documents all of the above
}

int run_server(const Config& config) {
  const auto threads = static_cast<std::size_t>(config.io_threads);
  http::Router router;
  register_all_routes(router, config);
  auto pipeline = http::build_pipeline(config, router);

  // One io_context per thread: a connection, its DB connections and its Redis link live
  // on one thread, so nothing on the request path takes a lock.
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<std::unique_ptr<Services>> services;
  std::vector<asio::io_context*> loop_ptrs;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  int per_loop_pool = std::max(1, config.db_pool_size / static_cast<int>(threads));
  const storage::UrlSigner url_signer(storage::storage_signing_secret(config));
  auth::AuthService auth_service(config);
  if (auth_service.embedded() && !config.supabase_jwks_url.empty()) {
    log::warn("SUPABASE_JWKS_URL is ignored with AUTH_MODE=embedded (keys come from the database)",
              {});
  }
  if (auth_service.embedded()) {
    try {
      auth_service.install_signing_keys(auth::ensure_signing_keys(config.database_url));
    } catch (const std::exception& e) {
      log::error("cannot load the embedded auth signing keys (run `forecourt migrate`?)",
                 {{"error", e.what()}});
      return 1;
    }
  }
  auth::burn_equivalent_time();  // computes its reference hash now, not on a first login
  for (std::size_t i = 0; i < threads; ++i) {
    loops.push_back(std::make_unique<asio::io_context>(1));
    services.push_back(
        std::make_unique<Services>(*loops.back(), config, per_loop_pool, url_signer));
    services.back()->auth = &auth_service;
    loop_ptrs.push_back(loops.back().get());
    keep_running.emplace_back(loops.back()->get_executor());
  }
  // Each loop opens its share of DB_POOL_MIN in the background; serving starts at once.
  int per_loop_min =
      (config.db_pool_min + static_cast<int>(threads) - 1) / static_cast<int>(threads);
  for (auto& s : services) {
    if (!config.redis_url.empty()) asio::post(s->io, [svc = s.get()] { svc->redis.start(); });
    if (!config.database_url.empty() && per_loop_min > 0)
      asio::co_spawn(s->io, s->db.warm_up(per_loop_min), asio::detached);
  }
  if (auth_service.embedded())
    asio::co_spawn(*loops.front(), reload_keys_periodically(*services.front()), asio::detached);
  // AUTH_MODE=supabase: the project's JWKS, fetched now and kept fresh; an unreachable
  // Supabase does not stop the start (it is retried with backoff).
  if (auto* jwks = auth_service.jwks_source(); jwks != nullptr)
    asio::co_spawn(*loops.front(), jwks->keep_fresh(), asio::detached);

  http::Server server(config, pipeline, loop_ptrs,
                      [&services](std::size_t i) { return services[i].get(); });
  std::uint16_t port = 0;
  try {
    port = server.listen();
  } catch (const std::exception& e) {
    log::error("cannot listen",
               {{"host", config.host}, {"port", config.port}, {"error", e.what()}});
    return 1;
  }

  asio::signal_set signals(*loops.front(), SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signo) {
    if (ec) return;
    log::info("shutting down: draining in-flight requests",
              {{"signal", signo},
               {"grace_ms", config.shutdown_grace.count()},
               {"open_connections", server.open_connections()}});
    server.begin_shutdown([&] {
      for (std::size_t i = 0; i < loops.size(); ++i) {
        asio::post(*loops[i], [&, i] {
          services[i]->redis.stop();
          keep_running[i].reset();
          loops[i]->stop();
        });
      }
    });
  });
  (void)::signal(SIGPIPE, SIG_IGN);  // a client closing mid-write is an error code, not a crash

  log::info("listening", {{"url", "http://" + config.host + ":" + std::to_string(port)},
                          {"io_threads", static_cast<std::int64_t>(threads)},
                          {"db_pool_per_thread", per_loop_pool},
                          {"version", FORECOURT_VERSION}});
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < threads; ++i) workers.emplace_back([&, i] { loops[i]->run(); });
  loops.front()->run();
  for (auto& w : workers) w.join();
  log::info("stopped");
  return 0;
}

}  // namespace forecourt
