#pragma once
// Where email links may send a browser after /auth/v1/verify: GoTrue's rule. A requested
// redirect_to is honoured only when it has the SITE_URL's origin or matches an entry of the
// allow-list (URI_ALLOW_LIST); anything else (an open redirect) falls back to SITE_URL.
#include <string>
#include <string_view>
#include <vector>

namespace forecourt::auth {

struct RedirectPolicy {
  std::string site_url;                 // absolute http(s) URL
  std::vector<std::string> allow_list;  // exact URLs (any scheme: app deep links), or http(s)
                                        // prefixes ending in "/*" or "/**"
};

// `requested` if allowed, else the site URL. Apart from exact allow-list entries, only
// absolute http(s) URLs without user info are ever returned from the request.
std::string safe_redirect(const RedirectPolicy& policy, std::string_view requested);

}  // namespace forecourt::auth
