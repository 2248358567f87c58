#include "auth/jwks_source.hpp"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"

namespace forecourt::auth {
namespace asio = boost::asio;

namespace {

constexpr std::chrono::seconds kFirstRetry{1};
constexpr std::chrono::seconds kMaxRetry{60};
constexpr std::chrono::seconds kAgeCheckInterval{60};

}  // namespace

JwksSource::JwksSource(KeyStore& keys, std::string url, http_client::Options options)
    : keys_(keys), url_(std::move(url)), options_(options) {}

asio::awaitable<bool> JwksSource::fetch_and_load(std::string_view reason) {
  fetches_.fetch_add(1);
  http_client::Request request{
      .method = "GET", .url = url_, .headers = {{"Accept", "application/json"}}};
  std::string problem;
  try {
    auto response = co_await http_client::fetch(std::move(request), options_);
    if (response.status == 200) {
      auto loaded = keys_.load_jwks(response.body);
      if (loaded) {
        loaded_.store(true);
        log::info("JWKS loaded", {{"url", url_},
                                  {"reason", reason},
                                  {"keys", static_cast<std::int64_t>(loaded.value())}});
        co_return true;
      }
      problem = loaded.problem().detail;
    } else {
      problem = "status " + std::to_string(response.status);
    }
  } catch (const http_client::Error& e) {
    problem = e.what();
  }
  log::warn("JWKS fetch failed", {{"url", url_}, {"reason", reason}, {"error", problem}});
  co_return false;
}

asio::awaitable<bool> JwksSource::refresh_for_unknown_kid() {
  if (!keys_.should_refresh_for_unknown_kid(KeyStore::Clock::now())) co_return false;
  co_return co_await fetch_and_load("unknown kid");
}

asio::awaitable<void> JwksSource::keep_fresh() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::chrono::seconds retry = kFirstRetry;
  for (;;) {
    std::chrono::seconds wait = kAgeCheckInterval;
    const bool due = !loaded_.load() || keys_.should_refresh_for_age(KeyStore::Clock::now());
    if (due) {
      const bool ok = co_await fetch_and_load(loaded_.load() ? "age" : "start-up");
      if (ok) {
        retry = kFirstRetry;
      } else {
        wait = retry;
        retry = std::min(retry * 2, kMaxRetry);
      }
    }
    timer.expires_after(wait);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace forecourt::auth
