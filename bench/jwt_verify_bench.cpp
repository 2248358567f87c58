// verify_jwt cost per request: ES256, RS256 and HS256, with the signature checked every time
// ("cold": verified-token cache off) and for a repeated token ("cached"). Besides Google
// Benchmark's mean, each run reports p50/p99 per operation (p50_us, p99_us); the budget is
// p50 < 20 µs with cached keys.
//
//   build/dev/jwt_verify_bench [--benchmark_filter=Es256]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "auth/jwt.hpp"

namespace {

using forecourt::auth::KeyStore;
using forecourt::auth::KeyStoreOptions;
using forecourt::auth::SigningKey;
using forecourt::auth::VerifyOptions;

const std::string kSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

// A Supabase user access token's claims (~700 bytes once encoded).
boost::json::object claims(int user) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return boost::json::object{
      {"iss", "https://abcdefghijklmnop.supabase.co/auth/v1"},
      {"sub", "6f1c2b8e-4a57-4f5e-9d0b-" + std::to_string(100000000000 + user)},
      {"aud", "authenticated"},
      {"exp", now + 3600},
      {"iat", now},
      {"email", "user" + std::to_string(user) + "@example.com"},
      {"phone", ""},
      {"app_metadata", {{"provider", "email"}, {"providers", {"email"}}}},
      {"user_metadata", boost::json::object{}},
      {"role", "authenticated"},
      {"aal", "aal1"},
      {"amr", {boost::json::object{{"method", "password"}, {"timestamp", now}}}},
      {"session_id", "0d9f7c1e-6b2a-4c3d-8e5f-a1b2c3d4e5f6"},
      {"is_anonymous", false},
  };
}

struct Fixture {
  explicit Fixture(std::size_t cache_entries)
      : keys(KeyStoreOptions{.verified_token_cache_entries = cache_entries}) {
    keys.set_legacy_hs256_secret(kSecret);
    const boost::json::object jwks{{"keys", boost::json::array{es.public_jwk(), rs.public_jwk()}}};
    if (!keys.load_jwks(boost::json::serialize(jwks))) std::abort();
    options.issuer = "https://abcdefghijklmnop.supabase.co/auth/v1";
  }
  std::string token(std::string_view alg, int user) const {
    if (alg == "ES256") return es.sign(claims(user));
    if (alg == "RS256") return rs.sign(claims(user));
    return forecourt::auth::sign_hs256(claims(user), kSecret);
  }

  SigningKey es = SigningKey::generate_es256("es-1");
  SigningKey rs = SigningKey::generate_rs256("rs-1");
  KeyStore keys;
  VerifyOptions options;
};

// Times every call on its own so the percentiles are per operation, not per batch.
void run(benchmark::State& state, const Fixture& fixture, const std::vector<std::string>& tokens) {
  std::vector<double> micros;
  micros.reserve(1 << 20);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto result =
        forecourt::auth::verify_jwt(tokens[i++ % tokens.size()], fixture.keys, fixture.options);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (!result) state.SkipWithError(result.problem().code.c_str());
    benchmark::DoNotOptimize(result);
    if (micros.size() < micros.capacity())
      micros.push_back(std::chrono::duration<double, std::micro>(elapsed).count());
  }
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
}

void verify_cold(benchmark::State& state, std::string_view alg) {
  static const Fixture fixture(0);
  const std::vector<std::string> tokens{fixture.token(alg, 1)};
  run(state, fixture, tokens);
}

void verify_cached(benchmark::State& state, std::string_view alg) {
  static const Fixture fixture(4096);
  const std::vector<std::string> tokens{fixture.token(alg, 1)};
  run(state, fixture, tokens);
}

// 1,000 signed-in users taking turns: every call a cache hit, but in a well-filled cache.
void verify_cached_many_users(benchmark::State& state, std::string_view alg) {
  static const Fixture fixture(4096);
  std::vector<std::string> tokens;
  tokens.reserve(1000);
  for (int user = 0; user < 1000; ++user) tokens.push_back(fixture.token(alg, user));
  for (const auto& t : tokens)
    benchmark::DoNotOptimize(forecourt::auth::verify_jwt(t, fixture.keys, fixture.options));
  run(state, fixture, tokens);
}

BENCHMARK_CAPTURE(verify_cold, Es256, "ES256");
BENCHMARK_CAPTURE(verify_cold, Rs256, "RS256");
BENCHMARK_CAPTURE(verify_cold, Hs256, "HS256");
BENCHMARK_CAPTURE(verify_cached, Es256, "ES256");
BENCHMARK_CAPTURE(verify_cached, Rs256, "RS256");
BENCHMARK_CAPTURE(verify_cached, Hs256, "HS256");
BENCHMARK_CAPTURE(verify_cached_many_users, Es256, "ES256");

}  // namespace

BENCHMARK_MAIN();
