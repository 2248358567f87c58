#include "auth/service.hpp"

#include <sodium.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/jwks_source.hpp"
#include "auth/sodium_init.hpp"
#include "cli/pg_blocking.hpp"
#include "core/log.hpp"

namespace forecourt::auth {
namespace {

CidrList parse_list(std::string_view name, const std::string& text) {
  auto list = CidrList::parse(text);
  if (!list)
    throw std::invalid_argument(std::string(name) + ": " + list.problem().detail + " (" +
                                list.problem().field + ")");
  return std::move(list).value();
}

// Advisory-lock key for "signing keys" (any constant unique within this database).
constexpr std::string_view kKeyLock = "select pg_advisory_xact_lock(727274101)";

constexpr std::string_view kPublishedKeys =
    "select kid, private_pem, public_jwk::text, "
    "       (retired_at is null and activated_at <= now()) as active "
    "from private.auth_signing_keys "
    "where retired_at is null or publish_until > now() "
    "order by activated_at desc";

constexpr std::string_view kInsertKey =
    "insert into private.auth_signing_keys (kid, alg, private_pem, public_jwk) "
    "values ($1, 'ES256', $2, $3::jsonb)";

constexpr std::string_view kRetireSigners =
    "update private.auth_signing_keys set retired_at = now(), "
    "publish_until = now() + make_interval(secs => $1::int) "
    "where retired_at is null and kid <> $2";

std::vector<StoredKey> read_keys(cli::BlockingPg& pg) {
  std::vector<StoredKey> keys;
  bool signer_seen = false;
  for (auto& row : pg.rows(std::string(kPublishedKeys))) {
    StoredKey k{row[0], row[1], row[2], false};
    if (row[3] == "t" && !signer_seen) k.signer = signer_seen = true;
    keys.push_back(std::move(k));
  }
  return keys;
}

void insert_new_key(cli::BlockingPg& pg, const std::string& kid) {
  auto key = SigningKey::generate_es256(kid);
  pg.exec_params(std::string(kInsertKey),
                 {kid, key.private_pem(), boost::json::serialize(key.public_jwk())});
}

// A transaction as service_role, under the signing-keys lock.
template <class F>
auto as_key_admin(const std::string& url, F body) {
  cli::BlockingPg pg(url);
  if (!pg.ok()) throw std::runtime_error("cannot connect to the database: " + pg.error());
  pg.exec("begin");
  pg.exec("set local role service_role");
  pg.exec(std::string(kKeyLock));
  auto result = body(pg);
  pg.exec("commit");
  return result;
}

// A JWKS holds a handful of keys (~1 KB each); anything much larger is not one.
constexpr std::size_t kMaxJwksBytes = std::size_t{256} * 1024;

KeyStoreOptions key_store_options(const Config& config) {
  KeyStoreOptions options;
  options.unknown_kid_refresh_interval =
      std::chrono::ceil<std::chrono::seconds>(config.supabase_jwks_cooldown);
  return options;
}

}  // namespace

std::string new_kid() {
  ensure_sodium_initialized();
  std::string bytes(12, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return base64url_encode(bytes);
}

AuthService::AuthService(const Config& config)
    : config_(config),
      keys_(key_store_options(config)),
      issuer_(config.public_base_url + "/auth/v1"),
      admin_allowlist_(parse_list("ADMIN_IP_ALLOWLIST", config.admin_ip_allowlist)),
      trusted_proxies_(parse_list("TRUSTED_PROXIES", config.trusted_proxies)) {
  verify_options_.audience = config.supabase_jwt_audience;
  if (!config.supabase_jwt_issuer.empty()) verify_options_.issuer = config.supabase_jwt_issuer;
  if (!config.supabase_jwt_secret.empty())
    keys_.set_legacy_hs256_secret(config.supabase_jwt_secret);
  if (config.auth_mode == "supabase" && !config.supabase_jwks_url.empty()) {
    const http_client::Options fetch_options{.connect_timeout = config.supabase_http_timeout,
                                             .timeout = config.supabase_http_timeout,
                                             .max_response_bytes = kMaxJwksBytes};
    jwks_source_ = std::make_unique<JwksSource>(keys_, config.supabase_jwks_url, fetch_options);
  }
}

AuthService::~AuthService() { cpu_pool_.join(); }

void AuthService::install_signing_keys(const std::vector<StoredKey>& stored) {
  boost::json::array published;
  std::shared_ptr<const SigningKey> signer;
  std::vector<std::string> kids;
  for (const auto& k : stored) {
    published.push_back(boost::json::parse(k.public_jwk_json));
    kids.push_back(k.kid);
    if (k.signer) {
      auto key = SigningKey::from_pem(k.private_pem, k.kid);
      if (!key) throw std::runtime_error("stored signing key " + k.kid + " is unusable");
      signer = std::make_shared<const SigningKey>(std::move(key).value());
    }
  }
  std::string doc = boost::json::serialize(boost::json::object{{"keys", published}});
  if (auto loaded = keys_.load_jwks(doc); !loaded)
    throw std::runtime_error("embedded JWKS rejected: " + loaded.problem().detail);
  std::lock_guard lock(keys_mutex_);
  if (signer) signer_ = std::move(signer);
  jwks_json_ = std::move(doc);
  kids_ = std::move(kids);
}

std::shared_ptr<const SigningKey> AuthService::signer() const {
  std::lock_guard lock(keys_mutex_);
  return signer_;
}

std::string AuthService::jwks_json() const {
  std::lock_guard lock(keys_mutex_);
  return jwks_json_;
}

bool AuthService::claim_key_reload() {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t last = last_reload_ms_.load();
  const std::int64_t interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(kKeyReloadInterval).count();
  while (last == 0 || now - last >= interval) {
    if (last_reload_ms_.compare_exchange_weak(last, now)) return true;
  }
  return false;
}

std::vector<std::string> AuthService::installed_kids() const {
  std::lock_guard lock(keys_mutex_);
  return kids_;
}

std::vector<StoredKey> ensure_signing_keys(const std::string& database_url) {
  return as_key_admin(database_url, [](cli::BlockingPg& pg) {
    auto keys = read_keys(pg);
    bool has_signer = false;
    for (const auto& k : keys) has_signer = has_signer || k.signer;
    if (has_signer) return keys;
    const std::string kid = new_kid();
    insert_new_key(pg, kid);
    log::info("generated the embedded auth signing key", {{"kid", kid}, {"alg", "ES256"}});
    return read_keys(pg);
  });
}

std::string rotate_signing_key(const std::string& database_url) {
  return as_key_admin(database_url, [](cli::BlockingPg& pg) {
    const std::string kid = new_kid();
    insert_new_key(pg, kid);
    pg.exec_params(std::string(kRetireSigners), {std::to_string(kRetiredKeyGrace.count()), kid});
    return kid;
  });
}

}  // namespace forecourt::auth
