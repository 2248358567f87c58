#include "http/waf.hpp"

#include <boost/beast/http/field.hpp>
#include <map>
#include <mutex>
#include <regex>

#include "auth/cidr.hpp"
#include "core/log.hpp"
#include "http/errors.hpp"

namespace forecourt::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

std::mutex& counters_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::uint64_t, std::less<>>& counters() {
  static std::map<std::string, std::uint64_t, std::less<>> c;
  return c;
}

struct Pattern {
  std::string source;
  std::regex regex;
};

struct WafRules {
  std::vector<Pattern> block;
  std::size_t json_max = 0;
  std::size_t form_max = 0;
  std::size_t file_max = 0;
};

[[noreturn]] void refuse(std::string_view rule, int status, std::string code, std::string detail) {
  waf_count(rule);
  throw HttpError(status, std::move(code), std::move(detail));
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

void check_ambiguity(const Request& req) {
  const auto& msg = req.msg;
  if (has_nul(msg.target())) refuse("nul_byte", 400, "bad_request", "The URL contains a NUL byte.");
  std::size_t hosts = 0;
  std::size_t lengths = 0;
  for (const auto& f : msg) {
    if (has_nul(f.value()) || has_nul(f.name_string()))
      refuse("nul_byte", 400, "bad_request", "A header contains a NUL byte.");
    if (f.name() == bhttp::field::host) ++hosts;
    if (f.name() == bhttp::field::content_length) ++lengths;
  }
  if (hosts > 1) refuse("ambiguous_host", 400, "ambiguous_request", "More than one Host header.");
  if (lengths > 1)
    refuse("ambiguous_length", 400, "ambiguous_request", "More than one Content-Length header.");
  if (lengths > 0 && msg.find(bhttp::field::transfer_encoding) != msg.end()) {
    // Request smuggling's classic: a proxy and we might disagree on where the body ends.
    refuse("ambiguous_length", 400, "ambiguous_request",
           "Both Content-Length and Transfer-Encoding are present.");
  }
}

void check_size(const Request& req, const WafRules& rules) {
  auto body = req.msg.body().size();
  if (body == 0) return;
  auto ct = req.header("Content-Type");
  std::size_t limit = rules.form_max;  // urlencoded, text and anything unknown
  if (ct.starts_with("application/json") || ct.find("+json") != std::string_view::npos) {
    limit = rules.json_max;
  } else if (ct.starts_with("multipart/form-data") || ct.starts_with("image/") ||
             ct.starts_with("video/") || ct.starts_with("application/pdf") ||
             ct.starts_with("application/octet-stream")) {
    limit = rules.file_max;
  }
  if (body > limit) {
    refuse("body_size", 413, "payload_too_large",
           "The body is larger than " + std::to_string(limit) + " bytes allowed for '" +
               std::string(ct) + "'.");
  }
}

void check_block_list(const Request& req, const WafRules& rules) {
  if (rules.block.empty()) return;
  // The decoded query: an encoded "%20" must not slip past a pattern written with \s.
  std::string query;
  for (const auto& [k, v] : req.query) query += (query.empty() ? "" : "&") + k + "=" + v;
  for (std::size_t i = 0; i < rules.block.size(); ++i) {
    const auto& p = rules.block[i];
    bool hit = std::regex_search(req.path, p.regex) || std::regex_search(query, p.regex);
    for (auto it = req.msg.begin(); !hit && it != req.msg.end(); ++it) {
      std::string line = std::string(it->name_string()) + ": " + std::string(it->value());
      hit = std::regex_search(line, p.regex);
    }
    if (hit) {
      log::warn("waf: request blocked",
                {{"rule", "block_list:" + std::to_string(i)}, {"request_id", req.request_id}});
      refuse("block_list:" + std::to_string(i), 403, "request_blocked",
             "The request was blocked by a security rule.");
    }
  }
}

asio::awaitable<Response> waf_stage(Request& req, const Next& next, const WafRules& rules) {
  check_ambiguity(req);
  check_size(req, rules);
  check_block_list(req, rules);
  co_return co_await next(req);
}

struct Forwarding {
  auth::CidrList trusted;
};

}  // namespace

void waf_count(std::string_view rule) {
  std::lock_guard lock(counters_mutex());
  auto& c = counters();
  auto it = c.find(rule);
  if (it == c.end()) it = c.emplace(std::string(rule), 0).first;
  ++it->second;
}

std::vector<std::pair<std::string, std::uint64_t>> waf_counters() {
  std::lock_guard lock(counters_mutex());
  return {counters().begin(), counters().end()};
}

Middleware make_waf_stage(const Config& config) {
  auto rules = std::make_shared<WafRules>();
  for (const auto& source : config.waf_block_patterns) {
    try {
      rules->block.push_back(Pattern{
          source,
          std::regex(source, std::regex::ECMAScript | std::regex::icase | std::regex::optimize)});
    } catch (const std::regex_error& e) {
      throw std::invalid_argument("WAF_BLOCK_PATTERNS: '" + source +
                                  "' is not a valid regex: " + e.what());
    }
  }
  rules->json_max = config.json_max_bytes;
  rules->form_max = config.waf_form_max_bytes;
  rules->file_max = config.file_max_bytes;
  return [rules](Request& req, const Next& next) { return waf_stage(req, next, *rules); };
}

Middleware make_forwarded_stage(const Config& config) {
  auto parsed = auth::CidrList::parse(config.trusted_proxies);
  if (!parsed) {
    throw std::invalid_argument("TRUSTED_PROXIES: " + parsed.problem().detail);
  }
  auto fwd = std::make_shared<Forwarding>(Forwarding{*parsed});
  return [fwd](Request& req, const Next& next) -> asio::awaitable<Response> {
    if (!fwd->trusted.empty() && fwd->trusted.contains(req.peer_ip)) {
      req.client_ip = auth::client_ip(req.peer_ip, req.header("X-Forwarded-For"), fwd->trusted);
      req.via_trusted_proxy = true;
    } else {
      req.client_ip = req.peer_ip;
    }
    co_return co_await next(req);
  };
}

bool forwarded_https(const Request& req) {
  if (!req.via_trusted_proxy) return false;
  auto proto = req.header("X-Forwarded-Proto");
  return proto == "https" || proto == "HTTPS";
}

}  // namespace forecourt::http
