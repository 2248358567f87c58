#pragma once
// Token-building helpers for the JWT tests. Tokens are assembled from raw header and
// payload text so tests can send what no well-behaved signer would; HS256 MACs come
// straight from OpenSSL's HMAC(), independently of the code under test.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"

namespace forecourt::auth::test {

inline constexpr std::int64_t kNow = 1'750'000'000;
inline const std::string kLegacySecret = "super-secret-jwt-token-with-at-least-32-characters-long";
inline const std::string kKidSecret = "another-secret-for-a-kid-named-hs256-key-0123456789";
inline const std::string kIssuer = "https://abcdefghijklmnop.supabase.co/auth/v1";

inline std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
  return std::chrono::system_clock::time_point{std::chrono::seconds{unix_seconds}};
}

inline VerifyOptions options_at(std::int64_t unix_seconds = kNow) {
  VerifyOptions options;
  options.now = at(unix_seconds);
  return options;
}

// The claim set Supabase Auth puts in a user access token (supabase-compat.md §1.6).
inline boost::json::object user_claims(std::int64_t issued_at = kNow) {
  return boost::json::object{
      {"iss", kIssuer},
      {"sub", "6f1c2b8e-4a57-4f5e-9d0b-2c7a1f3e8d90"},
      {"aud", "authenticated"},
      {"exp", issued_at + 3600},
      {"iat", issued_at},
      {"email", "jane@example.com"},
      {"phone", ""},
      {"app_metadata", {{"provider", "email"}, {"providers", {"email"}}}},
      {"user_metadata", boost::json::object{}},
      {"role", "authenticated"},
      {"aal", "aal1"},
      {"amr", {boost::json::object{{"method", "password"}, {"timestamp", issued_at}}}},
      {"session_id", "0d9f7c1e-6b2a-4c3d-8e5f-a1b2c3d4e5f6"},
      {"is_anonymous", false},
  };
}

template <class T>
boost::json::object with(boost::json::object claims, std::string_view name, T&& value) {
  claims[name] = boost::json::value_from(std::forward<T>(value));
  return claims;
}

inline boost::json::object without(boost::json::object claims, std::string_view name) {
  claims.erase(name);
  return claims;
}

inline std::string b64(std::string_view bytes) { return base64url_encode(bytes); }

inline std::string header_json(std::string_view alg,
                               std::optional<std::string_view> kid = std::nullopt) {
  boost::json::object header{{"alg", alg}, {"typ", "JWT"}};
  if (kid) header["kid"] = *kid;
  return boost::json::serialize(header);
}

inline std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

inline std::string hs256_raw(std::string_view header, std::string_view payload,
                             std::string_view secret) {
  const std::string input = b64(header) + '.' + b64(payload);
  return input + '.' + b64(hmac_sha256(secret, input));
}

inline std::string hs256_raw(std::string_view header, const boost::json::object& claims,
                             std::string_view secret) {
  return hs256_raw(header, boost::json::serialize(claims), secret);
}

inline std::string signed_raw(const SigningKey& key, std::string_view header,
                              std::string_view payload) {
  const std::string input = b64(header) + '.' + b64(payload);
  return input + '.' + b64(key.jws_signature(input));
}

inline std::string signed_raw(const SigningKey& key, std::string_view header,
                              const boost::json::object& claims) {
  return signed_raw(key, header, boost::json::serialize(claims));
}

inline std::string jwks_json(std::initializer_list<boost::json::value> keys) {
  return boost::json::serialize(
      boost::json::object{{"keys", boost::json::array(keys.begin(), keys.end())}});
}

// Keys are expensive to generate (RSA especially): one of each per test binary.
inline const SigningKey& es_key_a() {
  static const SigningKey key = SigningKey::generate_es256("es-a");
  return key;
}
inline const SigningKey& es_key_b() {
  static const SigningKey key = SigningKey::generate_es256("es-b");
  return key;
}
inline const SigningKey& rs_key() {
  static const SigningKey key = SigningKey::generate_rs256("rs-1");
  return key;
}

inline std::string problem_code(const Result<VerifiedToken>& result) {
  return result ? "ok" : result.problem().code;
}

// Splits a compact token into its three segments.
struct Segments {
  std::string header, payload, signature;
};
inline Segments segments(std::string_view token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  return {std::string(token.substr(0, first)),
          std::string(token.substr(first + 1, second - first - 1)),
          std::string(token.substr(second + 1))};
}

inline std::string join(const Segments& s) {
  return s.header + '.' + s.payload + '.' + s.signature;
}

}  // namespace forecourt::auth::test
