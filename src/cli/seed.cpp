// `forecourt seed`: loads supabase/seed.sql once (remembered by hash in
// supabase_migrations.seed_files, as the Supabase CLI does), or with --vehicles N
// generates a large deterministic inventory in batches, with a progress bar.
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/commands.hpp"
#include "cli/pg_blocking.hpp"
#include "cli/sample_media.hpp"
#include "core/digest.hpp"

namespace forecourt::cli {

namespace {

constexpr long long kBatch = 20000;

void progress(long long done, long long total, std::chrono::steady_clock::time_point t0) {
  const int width = 40;
  auto filled = static_cast<int>(width * done / std::max(1LL, total));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
            << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << done << "/"
            << total << " vehicles, " << static_cast<long long>(secs) << " s" << std::flush;
}

// Two connections, as the machine has two cores: one generates while the other writes.
constexpr int kWorkers = 2;

// Runs `work(connection)` on kWorkers connections at once; false if any failed.
bool on_each_connection(const std::string& url, const std::function<void(BlockingPg&)>& work) {
  std::atomic<bool> ok{true};
  std::vector<std::thread> threads;
  threads.reserve(kWorkers);
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&] {
      try {
        BlockingPg pg(url);
        if (!pg.ok()) throw std::runtime_error(pg.error());
        work(pg);
      } catch (const std::exception& e) {
        std::cerr << "\nseed worker failed: " << e.what() << "\n";
        ok = false;
      }
    });
  }
  for (auto& t : threads) t.join();
  return ok;
}

int seed_inventory(BlockingPg& pg, const std::string& url, long long total) {
  // Vehicles are numbered 1..N and generated from their number alone, so a re-run with
  // the same N changes nothing and a larger N only adds the missing ones.
  auto existing = std::stoll(
      pg.rows("select coalesce(max(seed_number), 0) from private.generated_vehicles")[0][0]);
  if (existing >= total) {
    std::cout << "inventory already has the " << total << " generated vehicles\n";
    return 0;
  }
  // Secondary indexes are dropped for the load and rebuilt once at the end: maintaining
  // ~20 of them row by row costs more than generating the rows.
  pg.exec("select private.seed_bulk_begin()");
  auto t0 = std::chrono::steady_clock::now();
  std::atomic<long long> next{existing + 1};
  std::atomic<long long> done{existing};
  std::mutex print;
  progress(done, total, t0);
  bool loaded = on_each_connection(url, [&](BlockingPg& conn) {
    for (long long start = next.fetch_add(kBatch); start <= total; start = next.fetch_add(kBatch)) {
      long long count = std::min(kBatch, total - start + 1);
      conn.rows("select private.seed_vehicles($1::bigint, $2::int)",
                {std::to_string(start), std::to_string(count)});
      done += count;
      std::lock_guard lock(print);
      progress(done, total, t0);
    }
  });
  std::cerr << "\nrebuilding indexes...\n";
  bool indexed = on_each_connection(url, [&](BlockingPg& conn) {
    while (true) {
      auto built = conn.rows("select private.seed_bulk_build_next()");
      if (built.empty() || built[0][0].empty()) break;
      std::lock_guard lock(print);
      std::cerr << "  built " << built[0][0] << "\n";
    }
  });
  pg.exec("select private.seed_bulk_finish()");
  if (!loaded || !indexed) return 1;
  // The page parts too: left to autovacuum, their first vacuum (1.7 GB at 1M cars) runs
  // during whatever reads the new inventory first, a benchmark included.
  pg.exec(
      "vacuum (analyze) public.vehicles, public.vehicle_media, public.vehicle_specs, "
      "public.price_history, public.vehicle_page_parts");
  pg.exec("select private.refresh_vehicle_model_stats()");
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "inventory has " << pg.rows("select count(*) from public.vehicles")[0][0]
            << " vehicles (" << static_cast<long long>(secs) << " s)\n";
  return 0;
}

// The seeded cars' media keys get sample files, so their signed URLs serve bytes.
void report_sample_media(BlockingPg& pg, const Config& config) {
  auto created = materialise_sample_media(pg, config);
  if (created > 0) {
    std::cout << "sample media: " << created << " files under " << config.data_dir << "/storage\n";
  }
}

// Loads supabase/seed.sql unless it already was (or, with `force`, again).
int load_demo_seed(BlockingPg& pg, const Config& config, bool force) {
  const std::string relative = "supabase/seed.sql";
  auto sql = read_file(project_root() / relative);
  auto hash = sha256_hex(sql);
  auto seen =
      pg.rows("select hash from supabase_migrations.seed_files where path = $1", {relative});
  if (!seen.empty() && !force) {
    std::cout << (seen[0][0] == hash ? "seed already loaded"
                                     : "seed.sql changed since it was loaded; run `forecourt "
                                       "seed --force` on a fresh database")
              << "\n";
    report_sample_media(pg, config);
    return 0;
  }
  pg.exec("begin");
  if (auto err = pg.try_exec(sql)) {
    pg.exec("rollback");
    std::cerr << "seed failed: " << relative << ":" << err->line << "\n  " << err->message << "\n";
    return 1;
  }
  pg.exec_params(
      "insert into supabase_migrations.seed_files(path, hash) values ($1, $2) "
      "on conflict (path) do update set hash = excluded.hash",
      {relative, hash});
  pg.exec("commit");
  std::cout << "seed loaded\n";
  report_sample_media(pg, config);
  return 0;
}

}  // namespace

int seed(const Config& config, const SeedOptions& options) {
  BlockingPg pg(config.migrations_database_url);
  if (!pg.ok()) {
    std::cerr << "cannot connect to the database (MIGRATIONS_DATABASE_URL / DATABASE_URL): "
              << pg.error() << "\n";
    return 1;
  }
  try {
    if (options.vehicles == 0) return load_demo_seed(pg, config, options.force);
    // The generator spreads its cars over the active locations (their hours give the test-
    // drive slots, their addresses the JSON-LD seller). Without any, as on a database just
    // migrated, the demo seed supplies them first: a large inventory of cars at no
    // dealership would make a thin vehicle page and a flattering benchmark.
    if (pg.rows("select 1 from public.locations where is_active limit 1").empty()) {
      std::cout << "no active locations: loading the demo seed first\n";
      if (int rc = load_demo_seed(pg, config, false); rc != 0) return rc;
    }
    return seed_inventory(pg, config.migrations_database_url, options.vehicles);
  } catch (const std::exception& e) {
    std::cerr << "seed failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace forecourt::cli
