#pragma once
// Signed URLs for the media a vehicle response embeds. vehicle_media.path is
// bucket-prefixed ("vehicle-media/<vehicle id>/1.jpg"); the URL is Storage-shaped
// (/storage/v1/object/sign/...), absolute when PUBLIC_BASE_URL is set.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/signed_url.hpp"

namespace forecourt::api {

class MediaUrls {
 public:
  // `now` is rounded down to the minute, so every URL signed within one minute is the same
  // text: bodies (and their ETags) stay stable between requests, and a URL is still valid
  // for at least kMediaUrlTtl minus a minute.
  MediaUrls(const storage::UrlSigner& signer, std::string public_base_url,
            std::chrono::system_clock::time_point now);

  // "" for a path without a bucket prefix (never produced by the schema's CHECK).
  [[nodiscard]] std::string url(std::string_view bucket_prefixed_path) const;
  [[nodiscard]] std::int64_t signed_at() const { return window_start_; }

 private:
  const storage::UrlSigner& signer_;
  std::string base_;
  std::int64_t window_start_;
};

}  // namespace forecourt::api
