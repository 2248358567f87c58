#pragma once
// Signed URLs for private files, in Supabase Storage's shape, so the official client and a
// plain <img src> both work: "/storage/v1/object/sign/{bucket}/{path}?token=<JWT>", where
// the token is an HS256 JWT {"url":"<bucket>/<path>","scope":"download","iat","exp"}.
// Every media URL a response carries (cards, the VDP, documents) is made here.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/result.hpp"

namespace forecourt::storage {

class UrlSigner {
 public:
  // Secrets shorter than 32 bytes throw std::invalid_argument (a start-up error).
  explicit UrlSigner(std::string_view secret);
  ~UrlSigner();
  UrlSigner(const UrlSigner&) = delete;
  UrlSigner& operator=(const UrlSigner&) = delete;

  // The path-absolute URL (prefix it with PUBLIC_BASE_URL for an absolute one). The object
  // path is percent-encoded segment by segment; `now` is Unix seconds.
  [[nodiscard]] std::string sign(std::string_view bucket, std::string_view object_path,
                                 std::chrono::seconds ttl, std::int64_t now) const;

  // Checks a token presented for bucket/object_path: "InvalidJWT" (malformed),
  // "InvalidSignature", "ExpiredToken", or "InvalidJWT" when it names another object.
  [[nodiscard]] Result<bool> verify(std::string_view token, std::string_view bucket,
                                    std::string_view object_path, std::int64_t now) const;

 private:
  struct Key;
  std::unique_ptr<Key> key_;
};

// STORAGE_SIGNING_SECRET when set; otherwise a random secret generated once and kept in
// <data_dir>/secrets/storage-url-signing.key (mode 0600), so URLs stay valid across
// restarts and every process of one installation signs alike.
std::string storage_signing_secret(const Config& config);

// Short TTL for media on public pages (cards, VDP): the URL changes every window, so
// responses that embed it are only cacheable for less than this.
inline constexpr std::chrono::seconds kMediaUrlTtl{15 * 60};

}  // namespace forecourt::storage
