// `forecourt migrate`: applies db/bootstrap (idempotent, plain PostgreSQL only needs it)
// then each new supabase/migrations/<version>_<name>.sql in its own transaction, recorded
// in supabase_migrations.schema_migrations exactly like the Supabase CLI, so
// `supabase migration list` and `supabase db push` agree with us.
#include <libpq-fe.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/pg_blocking.hpp"

namespace forecourt::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kHistorySchema = R"sql(
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;
create table if not exists supabase_migrations.seed_files (path text not null primary key, hash text not null);
)sql";

struct MigrationFile {
  std::string version;
  std::string name;
  fs::path path;
};

std::vector<MigrationFile> list_migrations(const fs::path& dir) {
  static const std::regex pattern(R"(^([0-9]+)_(.*)\.sql$)");  // the CLI's own pattern
  std::vector<MigrationFile> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::smatch m;
    auto filename = entry.path().filename().string();
    if (entry.is_regular_file() && std::regex_match(filename, m, pattern))
      out.push_back({m[1], m[2], entry.path()});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  return out;
}

std::vector<fs::path> list_sql(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".sql") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Runs one file in one transaction; on failure reports file:line and rolls back.
bool apply_file(BlockingPg& pg, const fs::path& file, const std::string& sql,
                const MigrationFile* record) {
  pg.exec("begin");
  if (auto err = pg.try_exec(sql)) {
    pg.exec("rollback");
    std::cerr << "migration failed: " << file.string();
    if (err->line > 0) std::cerr << ":" << err->line;
    std::cerr << "\n  " << err->message << "\n";
    if (!err->detail.empty()) std::cerr << "  detail: " << err->detail << "\n";
    std::cerr << "the database is unchanged by this file; earlier files stay applied.\n";
    return false;
  }
  if (record != nullptr) {
    pg.exec_params(
        "insert into supabase_migrations.schema_migrations(version, name, statements) values ($1, "
        "$2, array[$3::text])",
        {record->version, record->name, sql});
  }
  pg.exec("commit");
  return true;
}

}  // namespace

fs::path project_root() {
  auto cwd = fs::current_path();
  if (fs::is_directory(cwd / "supabase" / "migrations")) return cwd;
  return fs::path(FORECOURT_SOURCE_DIR);
}

int migrate(const Config& config, const MigrateOptions& options) {
  auto root = project_root();
  BlockingPg pg(config.migrations_database_url);
  if (!pg.ok()) {
    std::cerr << "cannot connect to the database (MIGRATIONS_DATABASE_URL / DATABASE_URL): "
              << pg.error() << "\n";
    return 1;
  }
  // One migrator at a time (several servers may start together).
  pg.exec("select pg_advisory_lock(727274)");
  if (options.bootstrap) {
    for (const auto& file : list_sql(root / "db" / "bootstrap")) {
      if (!apply_file(pg, file, read_file(file), nullptr)) return 1;
    }
  }
  pg.exec(kHistorySchema);
  std::set<std::string> applied;
  for (auto& row : pg.rows("select version from supabase_migrations.schema_migrations"))
    applied.insert(row.at(0));
  int count = 0;
  for (const auto& m : list_migrations(root / "supabase" / "migrations")) {
    if (applied.contains(m.version)) continue;
    if (options.dry_run) {
      std::cout << "would apply " << m.path.filename().string() << "\n";
      continue;
    }
    if (!apply_file(pg, m.path, read_file(m.path), &m)) return 1;
    std::cout << "applied " << m.path.filename().string() << "\n";
    ++count;
  }
  std::cout << (count == 0 ? "database is up to date"
                           : "migrated: " + std::to_string(count) + " file(s)")
            << "\n";
  return 0;
}

}  // namespace forecourt::cli
