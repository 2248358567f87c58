#pragma once
// The process configuration: read once from the environment (and `.env`) at start,
// validated, then passed down by reference. Nothing else calls getenv.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace forecourt {

using EnvMap = std::map<std::string, std::string, std::less<>>;

struct Config {
  std::string environment = "development";  // the spec's FLASK_ENV
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int io_threads = 0;  // 0 = number of cores
  std::string public_base_url;

  std::string database_url;
  std::string migrations_database_url;
  int db_pool_size = 16;  // per process, split evenly across I/O threads
  int db_pool_min = 4;    // opened at start (per process), so first requests don't connect
  std::chrono::milliseconds db_acquire_timeout{2000};
  std::chrono::milliseconds db_statement_timeout{5000};
  bool db_prepared_statements = true;  // off for transaction-mode poolers (Supavisor 6543)

  std::string redis_url;
  std::string data_dir = ".local";

  std::vector<std::string> allowed_origins;
  std::size_t file_max_bytes = std::size_t{15} * 1024 * 1024;
  std::size_t json_max_bytes = std::size_t{1024} * 1024;
  std::size_t header_max_bytes = std::size_t{16} * 1024;
  std::size_t url_max_bytes = 4096;
  int max_connections = 4096;
  std::chrono::milliseconds request_timeout{15000};  // to read one whole request
  std::chrono::milliseconds idle_timeout{60000};     // keep-alive connection idle
  std::chrono::milliseconds shutdown_grace{10000};   // drain in-flight requests
  std::string log_level = "info";
  bool cache_enabled = true;

  std::string auth_mode = "embedded";  // embedded | supabase
  std::string supabase_url;
  std::string supabase_anon_key;
  std::string supabase_service_role_key;
  std::string supabase_jwt_secret;
  std::string supabase_jwt_audience = "authenticated";
  std::string supabase_jwt_issuer;
  std::string supabase_jwks_url;  // AUTH_MODE=supabase: defaults to SUPABASE_URL's JWKS
  // Outbound calls to Supabase Auth (sign-in proxy, JWKS): connect and answer deadline each.
  std::chrono::milliseconds supabase_http_timeout{10000};
  // A token with an unknown kid refetches the JWKS at most once per this interval.
  std::chrono::milliseconds supabase_jwks_cooldown{30000};
  std::string storage_backend = "local";
  std::string storage_signing_secret;
  std::string admin_ip_allowlist;
  std::string trusted_proxies;
  std::string sentry_dsn;
  std::string otel_exporter_otlp_endpoint;
  std::string payment_webhook_secret;

  // Platform layer (issue 6): docs UI assets, rate limits, WAF.
  std::string docs_assets_dir;  // npm packages of the docs UI; empty = <project>/js/node_modules
  bool rate_limit_enabled = true;
  double rate_limit_multiplier = 1.0;  // scales every limit (benchmarks, tests that hammer)
  int rate_limit_anonymous_per_min = 60;
  int rate_limit_authenticated_per_min = 300;
  std::vector<std::string> waf_block_patterns;  // regexes matched on path, query and headers
  std::size_t waf_form_max_bytes = std::size_t{64} * 1024;  // urlencoded / text bodies

  // Embedded auth's email flows (OTP, magic link, recovery; issue 4).
  std::string site_url;                     // where email links land by default (PUBLIC_BASE_URL)
  std::vector<std::string> uri_allow_list;  // other redirect_to targets links may use
  std::chrono::seconds otp_expiry{3600};    // email OTP / link lifetime (GoTrue MAILER_OTP_EXP)
  std::chrono::seconds email_resend_interval{60};  // per address; 0 = no limit
  bool dev_mailbox = false;  // GET /auth/v1/dev/mailbox: local development only, never prod
};

// Which settings a command needs: `serve` needs the services, `openapi` needs none.
enum class ConfigNeeds { none, database, services };

// Pure: builds and validates a Config from variables. The Problem names the variable.
Result<Config> load_config(const EnvMap& env, ConfigNeeds needs);

// Parses `.env` text (KEY=VALUE lines, `#` comments, optional quotes, `export ` prefix).
EnvMap parse_dotenv(std::string_view text);

// The process environment overlaid on `.env` (real variables win), read once at start.
EnvMap read_environment(const std::string& dotenv_path);

// For logs and `forecourt config`: every setting, secrets replaced by "***".
std::vector<std::pair<std::string, std::string>> describe_config(const Config& config);

}  // namespace forecourt
