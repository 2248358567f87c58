#pragma once
// What a handler can reach, one set per I/O thread (so pools and clients need no locks).
#include <boost/asio/io_context.hpp>

#include "auth/service.hpp"
#include "core/config.hpp"
#include "core/ttl_cache.hpp"
#include "db/pool.hpp"
#include "redis/client.hpp"
#include "storage/signed_url.hpp"

namespace forecourt {

struct Services {
  Services(boost::asio::io_context& io_context, const Config& cfg, int pool_size,
           const storage::UrlSigner& signer)
      : config(cfg),
        io(io_context),
        db(io_context,
           db::PgSettings{cfg.database_url, cfg.db_statement_timeout,
                          std::chrono::milliseconds(3000), cfg.db_prepared_statements},
           pool_size, cfg.db_acquire_timeout),
        redis(io_context, cfg.redis_url),
        url_signer(signer) {}

  const Config& config;
  boost::asio::io_context& io;
  db::PgPool db;
  redis::Client redis;
  const storage::UrlSigner& url_signer;     // shared by all threads (immutable)
  TtlCache<std::string> local_cache{4096};  // rendered bodies of hot, public responses
  auth::AuthService* auth = nullptr;        // shared by all threads; set by run_server
  TtlCache<std::string> role_cache{8192};   // user id -> profiles.role (http/auth.hpp)
};

}  // namespace forecourt
