#pragma once
// AUTH_MODE=supabase: the project's JWKS (SUPABASE_JWKS_URL) fetched over HTTP into the
// KeyStore that verifies every bearer token. The KeyStore owns the refresh policy (at most one
// unknown-kid refetch per cooldown across all threads, a document older than max_jwks_age is
// stale); this class does the fetching and the start-up and periodic schedule.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/jwt.hpp"
#include "http/client.hpp"

namespace forecourt::auth {

class JwksSource {
 public:
  JwksSource(KeyStore& keys, std::string url, http_client::Options options);

  [[nodiscard]] const std::string& url() const { return url_; }
  // Fetches the document and loads it into the KeyStore. False (and a warning in the log)
  // when the fetch fails, the status is not 200 or the document is unreadable; the keys
  // loaded before stay in place.
  boost::asio::awaitable<bool> fetch_and_load(std::string_view reason);
  // For a token whose kid no loaded key has: refetches when the KeyStore's policy grants one
  // now (one per cooldown, whichever request asks first). True when new keys were loaded.
  boost::asio::awaitable<bool> refresh_for_unknown_kid();
  // The start-up fetch, retried with backoff (1 s doubling to 60 s) while it fails (the server
  // serves meanwhile; tokens get 401 unknown_kid), then every minute a refetch when the
  // document has grown older than the KeyStore's max_jwks_age. Runs until its loop stops.
  boost::asio::awaitable<void> keep_fresh();

  [[nodiscard]] std::uint64_t fetch_count() const { return fetches_.load(); }
  [[nodiscard]] bool loaded() const { return loaded_.load(); }

 private:
  KeyStore& keys_;
  std::string url_;
  http_client::Options options_;
  std::atomic<std::uint64_t> fetches_{0};
  std::atomic<bool> loaded_{false};
};

}  // namespace forecourt::auth
