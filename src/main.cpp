// forecourt: one binary, one subcommand per operator task.
#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "auth/service.hpp"
#include "cli/commands.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "http/openapi.hpp"

namespace {

using forecourt::Config;
using forecourt::ConfigNeeds;

constexpr const char* kUsage = R"(forecourt — the backend of a car dealership's website

usage: forecourt <command> [options]

commands:
  serve     serve the HTTP API (PORT, DATABASE_URL, REDIS_URL, ...: see .env.example)
  migrate   apply db/bootstrap and new supabase/migrations to the database
  seed      load supabase/seed.sql once, or generate a large inventory (--vehicles N)
  keys      the embedded auth signing keys: `keys rotate`, `keys list`
  idempotency  `idempotency purge`: delete expired Idempotency-Key records
  openapi   print the OpenAPI 3.1 document
  config    print the effective configuration (secrets hidden)
  version   print the version

`forecourt <command> --help` describes a command's options.
)";

constexpr const char* kServeHelp = R"(usage: forecourt serve

Serves the API on HOST:PORT (default 127.0.0.1:8080) with IO_THREADS I/O threads.
Reads configuration from the environment and from .env in the working directory.
SIGINT/SIGTERM stop accepting, drain in-flight requests (SHUTDOWN_GRACE_MS), then exit.
)";

constexpr const char* kMigrateHelp = R"(usage: forecourt migrate [--no-bootstrap] [--dry-run]

Applies db/bootstrap/*.sql (creates what Supabase provides, only where absent), then each
supabase/migrations/<version>_<name>.sql not yet recorded in
supabase_migrations.schema_migrations, each in its own transaction. A failing file stops
the run with its file and line and leaves the database at the previous version.
Connects with MIGRATIONS_DATABASE_URL (falls back to DATABASE_URL).

  --no-bootstrap   skip db/bootstrap (e.g. against a hosted Supabase project)
  --dry-run        list the files that would be applied
)";

constexpr const char* kSeedHelp = R"(usage: forecourt seed [--vehicles N] [--force]

Without options: loads supabase/seed.sql (the demo: locations, ~1,000 vehicles, parts,
content, demo users) once; a second run does nothing.
  --vehicles N   generate a deterministic inventory of N vehicles (100000, 1000000, ...)
  --force        load seed.sql again even if it was loaded before
)";

int usage_error(const std::string& message) {
  std::cerr << "forecourt: " << message << "\n\n" << kUsage;
  return 2;
}

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

std::optional<Config> load(ConfigNeeds needs) {
  auto env = forecourt::read_environment(".env");
  auto config = forecourt::load_config(env, needs);
  if (!config) {
    std::cerr << "configuration error: " << config.problem().detail << "\n";
    return std::nullopt;
  }
  return *config;
}

int cmd_serve(const std::vector<std::string>& args) {
  if (wants_help(args)) return std::cout << kServeHelp, 0;
  if (!args.empty()) return usage_error("serve takes no arguments: " + args.front());
  auto config = load(ConfigNeeds::services);
  if (!config) return 1;
  forecourt::log::init(config->log_level);
  boost::json::object described;
  for (const auto& [k, v] : forecourt::describe_config(*config)) described[k] = v;
  forecourt::log::info("starting", {{"config", described}});
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(config->data_dir) / "storage", ec);
  return forecourt::run_server(*config);
}

int cmd_migrate(const std::vector<std::string>& args) {
  if (wants_help(args)) return std::cout << kMigrateHelp, 0;
  forecourt::cli::MigrateOptions options;
  for (const auto& a : args) {
    if (a == "--no-bootstrap") {
      options.bootstrap = false;
    } else if (a == "--dry-run") {
      options.dry_run = true;
    } else {
      return usage_error("unknown option for migrate: " + a);
    }
  }
  auto config = load(ConfigNeeds::database);
  return config ? forecourt::cli::migrate(*config, options) : 1;
}

int cmd_seed(const std::vector<std::string>& args) {
  if (wants_help(args)) return std::cout << kSeedHelp, 0;
  forecourt::cli::SeedOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--force") {
      options.force = true;
    } else if (args[i] == "--vehicles" && i + 1 < args.size()) {
      try {
        options.vehicles = std::stoll(args[++i]);
      } catch (const std::exception&) {
        return usage_error("--vehicles needs a positive number");
      }
      if (options.vehicles <= 0 || options.vehicles > 50'000'000)
        return usage_error("--vehicles must be 1..50000000");
    } else {
      return usage_error("unknown option for seed: " + args[i]);
    }
  }
  auto config = load(ConfigNeeds::database);
  return config ? forecourt::cli::seed(*config, options) : 1;
}

constexpr const char* kKeysHelp = R"(usage: forecourt keys rotate | list

The embedded auth provider's ES256 signing keys (private.auth_signing_keys, shared by every
process on the database; the first `serve` generates one).
  rotate   a new key becomes the signer; the previous one stays in the JWKS for its grace
           period (one access-token lifetime + 20 min). Running servers switch within a minute.
  list     print the published kids, the signer first
Connects with DATABASE_URL.
)";

int cmd_keys(const std::vector<std::string>& args) {
  if (wants_help(args) || args.size() != 1) return std::cout << kKeysHelp, args.size() == 1 ? 0 : 2;
  auto config = load(ConfigNeeds::database);
  if (!config) return 1;
  if (args.front() == "rotate") {
    forecourt::auth::ensure_signing_keys(config->database_url);
    std::cout << forecourt::auth::rotate_signing_key(config->database_url) << "\n";
    return 0;
  }
  if (args.front() == "list") {
    for (const auto& k : forecourt::auth::ensure_signing_keys(config->database_url))
      std::cout << k.kid << (k.signer ? " signer" : " published") << "\n";
    return 0;
  }
  return usage_error("unknown keys command: " + args.front());
}

constexpr const char* kIdempotencyHelp = R"(usage: forecourt idempotency purge [--limit N]

Deletes Idempotency-Key records past their 24-hour expiry (public.idempotency_keys), at most
N (default 100000) per run. The server already purges lazily (every claim removes a few
expired keys); run this from cron for a bulk clean-up. Several runs at once split the work.
Connects with DATABASE_URL, as service_role.
)";

int cmd_idempotency(const std::vector<std::string>& args) {
  if (wants_help(args) || args.empty() || args.front() != "purge")
    return std::cout << kIdempotencyHelp, wants_help(args) ? 0 : 2;
  int limit = 100000;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--limit" && i + 1 < args.size()) {
      try {
        limit = std::stoi(args[++i]);
      } catch (const std::exception&) {
        return usage_error("--limit needs a positive number");
      }
      if (limit <= 0) return usage_error("--limit must be positive");
    } else {
      return usage_error("unknown option for idempotency purge: " + args[i]);
    }
  }
  auto config = load(ConfigNeeds::database);
  if (!config) return 1;
  std::cout << forecourt::cli::purge_idempotency_keys(*config, limit) << " expired keys deleted\n";
  return 0;
}

int cmd_openapi(const std::vector<std::string>& args) {
  if (wants_help(args))
    return std::cout << "usage: forecourt openapi\n\nPrints the OpenAPI 3.1 document as JSON "
                        "(servers[] = PUBLIC_BASE_URL).\n`make openapi` writes it to "
                        "docs/openapi.json.\n",
           0;
  auto config = load(ConfigNeeds::none);
  if (!config) return 1;
  forecourt::http::Router router;
  forecourt::register_all_routes(router, *config);
  std::cout << forecourt::http::pretty_json(
      forecourt::http::openapi_document(router, config->public_base_url));
  return 0;
}

int cmd_config(const std::vector<std::string>& args) {
  if (wants_help(args))
    return std::cout << "usage: forecourt config\n\nPrints the effective configuration, secrets "
                        "hidden.\n",
           0;
  auto config = load(ConfigNeeds::none);
  if (!config) return 1;
  for (const auto& [k, v] : forecourt::describe_config(*config)) std::cout << k << "=" << v << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  auto command = args.front();
  args.erase(args.begin());
  try {
    if (command == "serve") return cmd_serve(args);
    if (command == "migrate") return cmd_migrate(args);
    if (command == "seed") return cmd_seed(args);
    if (command == "openapi") return cmd_openapi(args);
    if (command == "keys") return cmd_keys(args);
    if (command == "idempotency") return cmd_idempotency(args);
    if (command == "config") return cmd_config(args);
    if (command == "version" || command == "--version")
      return std::cout << FORECOURT_VERSION << "\n", 0;
  } catch (const std::exception& e) {
    std::cerr << "forecourt " << command << ": " << e.what() << "\n";
    return 1;
  }
  return usage_error("unknown command: " + command);
}
