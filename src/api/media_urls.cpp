#include "api/media_urls.hpp"

namespace forecourt::api {

MediaUrls::MediaUrls(const storage::UrlSigner& signer, std::string public_base_url,
                     std::chrono::system_clock::time_point now)
    : signer_(signer), base_(std::move(public_base_url)) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  window_start_ = seconds - seconds % 60;
}

std::string MediaUrls::url(std::string_view bucket_prefixed_path) const {
  auto slash = bucket_prefixed_path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= bucket_prefixed_path.size())
    return {};
  return base_ + signer_.sign(bucket_prefixed_path.substr(0, slash),
                              bucket_prefixed_path.substr(slash + 1), storage::kMediaUrlTtl,
                              window_start_);
}

}  // namespace forecourt::api
