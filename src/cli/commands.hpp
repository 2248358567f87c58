#pragma once
// Operator commands other than `serve`. Each returns the process exit code.
#include <filesystem>
#include <string>

#include "core/config.hpp"

namespace forecourt::cli {

// Where supabase/ and db/ live: the working directory when it has them, else the source tree.
std::filesystem::path project_root();

struct MigrateOptions {
  bool bootstrap = true;  // apply db/bootstrap first (plain PostgreSQL; a no-op on Supabase)
  bool dry_run = false;
};
int migrate(const Config& config, const MigrateOptions& options);

struct SeedOptions {
  long long vehicles = 0;  // > 0: generate a large deterministic inventory instead
  bool force = false;      // re-run seed.sql even if it was loaded before
};
int seed(const Config& config, const SeedOptions& options);

// Deletes up to `limit` expired Idempotency-Key records (private.idempotency_purge, as
// service_role); returns how many. Throws std::runtime_error on a database failure.
int purge_idempotency_keys(const Config& config, int limit);

}  // namespace forecourt::cli
