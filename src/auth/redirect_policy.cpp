#include "auth/redirect_policy.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace forecourt::auth {

namespace {

// scheme://host[:port], lower-cased by boost.url's normalisation; empty when not http(s).
std::string origin_of(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);  // absolute, fragment allowed
  if (!parsed) return {};
  boost::urls::url u(*parsed);
  u.normalize_scheme().normalize_authority();
  if (u.scheme() != "http" && u.scheme() != "https") return {};
  if (u.has_userinfo() || u.host().empty()) return {};
  std::string out(u.scheme());
  out.append("://").append(u.encoded_host_and_port());
  return out;
}

// A prefix entry ("https://app.example/auth/*") must reach past the origin, so
// "https://a.com*" cannot admit "https://a.com.evil.net".
bool prefix_matches(std::string_view entry, std::string_view requested) {
  while (entry.ends_with("*")) entry.remove_suffix(1);
  return entry.ends_with("/") && requested.starts_with(entry);
}

}  // namespace

std::string safe_redirect(const RedirectPolicy& policy, std::string_view requested) {
  if (requested.empty()) return policy.site_url;
  // An exact entry is the operator's explicit choice, whatever its scheme (app deep links).
  for (const auto& entry : policy.allow_list) {
    if (!entry.ends_with("*") && entry == requested) return std::string(requested);
  }
  const std::string origin = origin_of(requested);
  if (origin.empty()) return policy.site_url;
  if (origin == origin_of(policy.site_url)) return std::string(requested);
  for (const auto& entry : policy.allow_list) {
    if (entry.ends_with("*") && prefix_matches(entry, requested)) return std::string(requested);
  }
  return policy.site_url;
}

}  // namespace forecourt::auth
