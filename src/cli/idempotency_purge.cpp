// `forecourt idempotency purge`: the bulk clean-up of expired Idempotency-Key records
// (the server also purges lazily, a few per claim).
#include "cli/commands.hpp"
#include "cli/pg_blocking.hpp"

namespace forecourt::cli {

int purge_idempotency_keys(const Config& config, int limit) {
  BlockingPg pg(config.database_url);
  if (!pg.ok()) throw std::runtime_error("cannot connect to DATABASE_URL: " + pg.error());
  // The server's login role owns nothing; the purge function is service_role's only.
  pg.exec("set role service_role");
  auto rows = pg.rows("select private.idempotency_purge($1::integer)", {std::to_string(limit)});
  return rows.empty() ? 0 : std::stoi(rows.front().front());
}

}  // namespace forecourt::cli
