#include "core/config.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;  // NOLINT: POSIX, read once at start

namespace forecourt {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Problem bad(std::string_view name, std::string detail) {
  return Problem{"invalid_config", std::move(detail), std::string(name)};
}

// Reads the variables of one Config, remembering the first problem.
class Reader {
 public:
  explicit Reader(const EnvMap& env) : env_(env) {}

  void text(std::string_view name, std::string& out) {
    if (auto it = env_.find(name); it != env_.end()) out = it->second;
  }

  void integer(std::string_view name, long long lo, long long hi, auto& out) {
    auto it = env_.find(name);
    if (it == env_.end() || it->second.empty()) return;
    long long v = 0;
    const auto& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < lo || v > hi) {
      // append, not operator+ chains: g++ 12 -Warray-bounds false positive once inlined.
      std::string message(name);
      message.append(" must be an integer in ").append(std::to_string(lo)).append("..");
      message.append(std::to_string(hi)).append(", got '").append(s).append("'");
      fail(name, message);
      return;
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(v);
  }

  void millis(std::string_view name, long long lo, long long hi, std::chrono::milliseconds& out) {
    long long v = out.count();
    integer(name, lo, hi, v);
    out = std::chrono::milliseconds(v);
  }

  void boolean(std::string_view name, bool& out) {
    auto it = env_.find(name);
    if (it == env_.end() || it->second.empty()) return;
    const auto& s = it->second;
    if (s == "1" || s == "true" || s == "yes" || s == "on") {
      out = true;
    } else if (s == "0" || s == "false" || s == "no" || s == "off") {
      out = false;
    } else {
      fail(name, std::string(name) + " must be true or false, got '" + s + "'");
    }
  }

  void one_of(std::string_view name, std::initializer_list<std::string_view> allowed,
              std::string& out) {
    text(name, out);
    for (auto a : allowed) {
      if (out == a) return;
    }
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(name, std::string(name) + " must be one of " + list + ", got '" + out + "'");
  }

  void require(std::string_view name, const std::string& value) {
    if (value.empty())
      fail(name, std::string(name) + " is required but not set (see .env.example)");
  }

  void fail(std::string_view name, std::string detail) {
    if (!problem_) problem_ = bad(name, std::move(detail));
  }

  [[nodiscard]] const std::optional<Problem>& problem() const { return problem_; }

 private:
  const EnvMap& env_;
  std::optional<Problem> problem_;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string_view rest = s;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = trim(rest.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

// Docs UI, rate limits and WAF (issue 6).
void read_platform_settings(Reader& r, Config& c) {
  r.text("DOCS_ASSETS_DIR", c.docs_assets_dir);
  r.boolean("RATE_LIMIT_ENABLED", c.rate_limit_enabled);
  long long multiplier = 1;
  r.integer("RATE_LIMIT_MULTIPLIER", 1, 100000, multiplier);
  c.rate_limit_multiplier = static_cast<double>(multiplier);
  r.integer("RATE_LIMIT_ANON_PER_MIN", 1, 1000000, c.rate_limit_anonymous_per_min);
  r.integer("RATE_LIMIT_AUTH_PER_MIN", 1, 1000000, c.rate_limit_authenticated_per_min);
  std::string patterns;
  r.text("WAF_BLOCK_PATTERNS", patterns);
  // `;;` separates patterns: a regex may well contain a comma.
  std::string_view rest = patterns;
  while (!rest.empty()) {
    auto sep = rest.find(";;");
    auto item = trim(rest.substr(0, sep));
    if (!item.empty()) c.waf_block_patterns.emplace_back(item);
    if (sep == std::string_view::npos) break;
    rest.remove_prefix(sep + 2);
  }
  r.integer("WAF_FORM_MAX_BYTES", 1024, 64LL * 1024 * 1024, c.waf_form_max_bytes);
}

// The embedded auth server's email flows (issue 4).
void read_auth_email_settings(Reader& r, Config& c) {
  r.text("SITE_URL", c.site_url);
  if (c.site_url.empty()) c.site_url = c.public_base_url;
  std::string allow;
  r.text("URI_ALLOW_LIST", allow);
  c.uri_allow_list = split_list(allow);
  long long expiry = c.otp_expiry.count();
  r.integer("AUTH_OTP_EXPIRY_S", 60, 86400, expiry);
  c.otp_expiry = std::chrono::seconds(expiry);
  long long resend = c.email_resend_interval.count();
  r.integer("AUTH_EMAIL_RESEND_INTERVAL_S", 0, 3600, resend);
  c.email_resend_interval = std::chrono::seconds(resend);
  r.boolean("DEV_MAILBOX", c.dev_mailbox);
  // The dev mailbox hands out sign-in codes to anyone who asks: never in production.
  if (c.dev_mailbox && c.environment == "production")
    r.fail("DEV_MAILBOX", "DEV_MAILBOX must not be on in production");
}

bool http_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

// AUTH_MODE=supabase: the URLs must be http(s), and the JWKS defaults to the project's
// (Supabase serves it at <SUPABASE_URL>/auth/v1/.well-known/jwks.json).
void read_supabase_auth_settings(Reader& r, Config& c) {
  if (!c.supabase_url.empty() && !http_url(c.supabase_url))
    r.fail("SUPABASE_URL", "SUPABASE_URL must be an http:// or https:// URL");
  if (!c.supabase_jwks_url.empty() && !http_url(c.supabase_jwks_url))
    r.fail("SUPABASE_JWKS_URL", "SUPABASE_JWKS_URL must be an http:// or https:// URL");
  if (c.auth_mode != "supabase" || !c.supabase_jwks_url.empty() || c.supabase_url.empty()) return;
  std::string_view base = c.supabase_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  c.supabase_jwks_url = std::string(base).append("/auth/v1/.well-known/jwks.json");
}

}  // namespace

Result<Config> load_config(const EnvMap& env, ConfigNeeds needs) {
  Config c;
  Reader r(env);
  r.one_of("ENVIRONMENT", {"development", "test", "staging", "production"}, c.environment);
  r.text("HOST", c.host);
  r.integer("PORT", 0, 65535, c.port);
  r.integer("IO_THREADS", 0, 256, c.io_threads);
  if (c.io_threads == 0)
    c.io_threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  r.text("PUBLIC_BASE_URL", c.public_base_url);
  if (c.public_base_url.empty())
    c.public_base_url = "http://" + c.host + ":" + std::to_string(c.port);

  r.text("DATABASE_URL", c.database_url);
  r.text("MIGRATIONS_DATABASE_URL", c.migrations_database_url);
  if (c.migrations_database_url.empty()) c.migrations_database_url = c.database_url;
  r.integer("DB_POOL_SIZE", 1, 1000, c.db_pool_size);
  r.integer("DB_POOL_MIN", 0, 1000, c.db_pool_min);
  c.db_pool_min = std::min(c.db_pool_min, c.db_pool_size);
  r.millis("DB_ACQUIRE_TIMEOUT_MS", 1, 600000, c.db_acquire_timeout);
  r.millis("DB_STATEMENT_TIMEOUT_MS", 1, 3600000, c.db_statement_timeout);
  r.boolean("DB_PREPARED_STATEMENTS", c.db_prepared_statements);
  r.text("REDIS_URL", c.redis_url);
  r.text("FORECOURT_DATA_DIR", c.data_dir);

  std::string origins;
  r.text("ALLOWED_ORIGINS", origins);
  c.allowed_origins = split_list(origins);
  auto file_mb = static_cast<long long>(c.file_max_bytes / (std::size_t{1024} * 1024));
  r.integer("FILE_MAX_MB", 1, 1024, file_mb);
  c.file_max_bytes = static_cast<std::size_t>(file_mb) * 1024U * 1024U;
  r.integer("JSON_MAX_BYTES", 1024, 64LL * 1024 * 1024, c.json_max_bytes);
  r.integer("HEADER_MAX_BYTES", 1024, 1024LL * 1024, c.header_max_bytes);
  r.integer("URL_MAX_BYTES", 256, 64LL * 1024, c.url_max_bytes);
  r.integer("MAX_CONNECTIONS", 1, 1000000, c.max_connections);
  r.millis("REQUEST_TIMEOUT_MS", 100, 600000, c.request_timeout);
  r.millis("IDLE_TIMEOUT_MS", 100, 3600000, c.idle_timeout);
  r.millis("SHUTDOWN_GRACE_MS", 0, 600000, c.shutdown_grace);
  r.one_of("LOG_LEVEL", {"trace", "debug", "info", "warn", "error"}, c.log_level);
  r.boolean("CACHE_ENABLED", c.cache_enabled);

  r.one_of("AUTH_MODE", {"embedded", "supabase"}, c.auth_mode);
  r.text("SUPABASE_URL", c.supabase_url);
  r.text("SUPABASE_ANON_KEY", c.supabase_anon_key);
  r.text("SUPABASE_SERVICE_ROLE_KEY", c.supabase_service_role_key);
  r.text("SUPABASE_JWT_SECRET", c.supabase_jwt_secret);
  r.text("SUPABASE_JWT_AUDIENCE", c.supabase_jwt_audience);
  r.text("SUPABASE_JWT_ISSUER", c.supabase_jwt_issuer);
  r.text("SUPABASE_JWKS_URL", c.supabase_jwks_url);
  r.millis("SUPABASE_HTTP_TIMEOUT_MS", 100, 120000, c.supabase_http_timeout);
  r.millis("SUPABASE_JWKS_COOLDOWN_MS", 1000, 3600000, c.supabase_jwks_cooldown);
  read_supabase_auth_settings(r, c);
  r.one_of("STORAGE_BACKEND", {"local", "supabase"}, c.storage_backend);
  r.text("STORAGE_SIGNING_SECRET", c.storage_signing_secret);
  r.text("ADMIN_IP_ALLOWLIST", c.admin_ip_allowlist);
  r.text("TRUSTED_PROXIES", c.trusted_proxies);
  r.text("SENTRY_DSN", c.sentry_dsn);
  r.text("OTEL_EXPORTER_OTLP_ENDPOINT", c.otel_exporter_otlp_endpoint);
  r.text("PAYMENT_WEBHOOK_SECRET", c.payment_webhook_secret);
  read_platform_settings(r, c);
  read_auth_email_settings(r, c);

  if (needs != ConfigNeeds::none) r.require("DATABASE_URL", c.database_url);
  if (needs == ConfigNeeds::services) {
    r.require("REDIS_URL", c.redis_url);
    if (c.auth_mode == "supabase") {
      r.require("SUPABASE_URL", c.supabase_url);
      r.require("SUPABASE_ANON_KEY", c.supabase_anon_key);
    }
    if (c.environment == "production" && c.allowed_origins.empty()) {
      r.fail("ALLOWED_ORIGINS",
             "ALLOWED_ORIGINS is required in production (comma-separated origins)");
    }
  }
  if (r.problem()) return *r.problem();
  return c;
}

EnvMap parse_dotenv(std::string_view text) {
  EnvMap out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (auto hash = value.find(" #"); hash != std::string_view::npos) {
      value = trim(value.substr(0, hash));  // trailing comment on an unquoted value
    }
    if (!key.empty()) out[std::string(key)] = std::string(value);
  }
  return out;
}

EnvMap read_environment(const std::string& dotenv_path) {
  EnvMap env;
  if (std::ifstream in(dotenv_path); in) {
    std::stringstream ss;
    ss << in.rdbuf();
    env = parse_dotenv(ss.str());
  }
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos)
      env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return env;
}

std::vector<std::pair<std::string, std::string>> describe_config(const Config& c) {
  auto secret = [](const std::string& s) { return s.empty() ? std::string() : std::string("***"); };
  auto url = [](const std::string& s) {
    // Hide a password in a URL: scheme://user:pass@host -> scheme://user:***@host
    auto at = s.find('@');
    auto scheme = s.find("://");
    if (at == std::string::npos || scheme == std::string::npos) return s;
    auto colon = s.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return s;
    return s.substr(0, colon + 1) + "***" + s.substr(at);
  };
  return {
      {"ENVIRONMENT", c.environment},
      {"HOST", c.host},
      {"PORT", std::to_string(c.port)},
      {"IO_THREADS", std::to_string(c.io_threads)},
      {"DATABASE_URL", url(c.database_url)},
      {"DB_POOL_SIZE", std::to_string(c.db_pool_size)},
      {"DB_POOL_MIN", std::to_string(c.db_pool_min)},
      {"REDIS_URL", url(c.redis_url)},
      {"FORECOURT_DATA_DIR", c.data_dir},
      {"AUTH_MODE", c.auth_mode},
      {"SUPABASE_URL", c.supabase_url},
      {"SUPABASE_ANON_KEY", secret(c.supabase_anon_key)},
      {"SUPABASE_JWKS_URL", c.supabase_jwks_url},
      {"SUPABASE_JWT_SECRET", secret(c.supabase_jwt_secret)},
      {"SUPABASE_SERVICE_ROLE_KEY", secret(c.supabase_service_role_key)},
      {"STORAGE_SIGNING_SECRET", secret(c.storage_signing_secret)},
      {"PAYMENT_WEBHOOK_SECRET", secret(c.payment_webhook_secret)},
      {"DOCS_ASSETS_DIR", c.docs_assets_dir},
      {"RATE_LIMIT_ENABLED", c.rate_limit_enabled ? "true" : "false"},
      {"RATE_LIMIT_MULTIPLIER", std::to_string(static_cast<long long>(c.rate_limit_multiplier))},
      {"SITE_URL", c.site_url},
      {"AUTH_OTP_EXPIRY_S", std::to_string(c.otp_expiry.count())},
      {"DEV_MAILBOX", c.dev_mailbox ? "true" : "false"},
  };
}

}  // namespace forecourt
