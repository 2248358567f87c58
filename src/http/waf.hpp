#pragma once
// Request hardening at the edge of the pipeline.
// * The forwarded stage: behind a trusted proxy (TRUSTED_PROXIES), the client address comes
//   from X-Forwarded-For and "is this HTTPS" from X-Forwarded-Proto; from anyone else both
//   headers are ignored.
// * The WAF stage: a small web application firewall. Rules: a configurable regex block
//   list (WAF_BLOCK_PATTERNS) over the path, the query and the headers (403); size limits
//   per content type (413); ambiguous requests that could be read two ways by a proxy and by
//   us (both Content-Length and Transfer-Encoding, several Host headers, NUL bytes) (400).
//   The server layer already refuses malformed HTTP (duplicate Content-Length, bad
//   chunking), long URLs (414) and large headers (431); it counts them here too.
// Every refusal increments a counter per rule, reported by /meta/health (data.waf).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "http/pipeline.hpp"

namespace forecourt::http {

// Process-wide counters of refused requests by rule (refusals are rare: a mutex is fine).
void waf_count(std::string_view rule);
std::vector<std::pair<std::string, std::uint64_t>> waf_counters();

// Throws std::invalid_argument naming a pattern that is not a valid regex.
Middleware make_waf_stage(const Config& config);
Middleware make_forwarded_stage(const Config& config);

// True when the request reached a trusted proxy over HTTPS (for HSTS).
bool forwarded_https(const Request& req);

}  // namespace forecourt::http
