// `forecourt seed`: loads supabase/seed.sql once (remembered by hash in
// supabase_migrations.seed_files, as the Supabase CLI does), or with --vehicles N
// generates a large deterministic inventory in batches, with a progress bar.
#include <chrono>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/pg_blocking.hpp"

namespace forecourt::cli {

namespace {

constexpr long long kBatch = 20000;

void progress(long long done, long long total, std::chrono::steady_clock::time_point t0) {
  const int width = 40;
  auto filled = static_cast<int>(width * done / std::max(1LL, total));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#') << std::string(static_cast<std::size_t>(width - filled), '.')
            << "] " << done << "/" << total << " vehicles, " << static_cast<long long>(secs) << " s" << std::flush;
}

int seed_inventory(BlockingPg& pg, long long total) {
  // Vehicles are numbered 1..N and generated from their number alone, so a re-run with
  // the same N changes nothing and a larger N only adds the missing ones.
  auto existing = std::stoll(pg.rows("select coalesce(max(seed_number), 0) from private.generated_vehicles")[0][0]);
  auto t0 = std::chrono::steady_clock::now();
  progress(std::min(existing, total), total, t0);
  for (long long start = existing + 1; start <= total; start += kBatch) {
    long long count = std::min(kBatch, total - start + 1);
    pg.rows("select private.seed_vehicles($1::bigint, $2::int)", {std::to_string(start), std::to_string(count)});
    progress(start + count - 1, total, t0);
  }
  std::cerr << "\n";
  pg.exec("analyze public.vehicles");
  pg.exec("analyze public.vehicle_media");
  pg.exec("analyze public.price_history");
  std::cout << "inventory has " << pg.rows("select count(*) from public.vehicles")[0][0] << " vehicles\n";
  return 0;
}

}  // namespace

int seed(const Config& config, const SeedOptions& options) {
  BlockingPg pg(config.migrations_database_url);
  if (!pg.ok()) {
    std::cerr << "cannot connect to the database (MIGRATIONS_DATABASE_URL / DATABASE_URL): " << pg.error() << "\n";
    return 1;
  }
  try {
    if (options.vehicles > 0) return seed_inventory(pg, options.vehicles);
    const std::string relative = "supabase/seed.sql";
    auto sql = read_file(project_root() / relative);
    auto hash = sha256_hex(sql);
    auto seen = pg.rows("select hash from supabase_migrations.seed_files where path = $1", {relative});
    if (!seen.empty() && !options.force) {
      std::cout << (seen[0][0] == hash ? "seed already loaded" : "seed.sql changed since it was loaded; run `forecourt seed --force` on a fresh database")
                << "\n";
      return 0;
    }
    pg.exec("begin");
    if (auto err = pg.try_exec(sql)) {
      pg.exec("rollback");
      std::cerr << "seed failed: " << relative << ":" << err->line << "\n  " << err->message << "\n";
      return 1;
    }
    pg.exec_params("insert into supabase_migrations.seed_files(path, hash) values ($1, $2) "
                   "on conflict (path) do update set hash = excluded.hash",
                   {relative, hash});
    pg.exec("commit");
    std::cout << "seed loaded\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "seed failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace forecourt::cli
