// verify_jwt: JWS compact parsing, key selection, signature and claim checks.
#include "auth/jwt.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>

#include "auth/base64url.hpp"
#include "auth/jwt_keys.hpp"
#include "auth/verified_token_cache.hpp"

namespace forecourt::auth {
namespace {

// Supabase access tokens are ~1 KB; the bound caps the work an oversized header can cause.
constexpr std::size_t kMaxTokenBytes = std::size_t{16} * 1024;
// ±3 million years: far beyond any real date, small enough that exp + leeway cannot overflow.
constexpr double kMaxNumericDate = 1e14;

Problem malformed(std::string detail, std::string field = "") {
  return Problem{"malformed_token", std::move(detail), std::move(field)};
}

struct CompactParts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // "header.payload", what the signature covers
};

struct DecodedParts {
  std::string header;
  std::string payload;
  std::string signature;
};

struct JoseHeader {
  JwsAlgorithm alg = JwsAlgorithm::hs256;
  std::optional<std::string> kid;
};

Result<CompactParts> split_compact(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return malformed("token is too large");
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return malformed("a JWT has exactly three dot-separated parts");
  }
  CompactParts parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
                     token.substr(second + 1), token.substr(0, second)};
  if (parts.header.empty() || parts.payload.empty())
    return malformed("empty JWT header or payload");
  return parts;
}

Result<DecodedParts> decode_parts(const CompactParts& parts) {
  auto header = base64url_decode(parts.header);
  auto payload = base64url_decode(parts.payload);
  auto signature = base64url_decode(parts.signature);
  if (!header || !payload || !signature) return malformed("a JWT part is not unpadded base64url");
  return DecodedParts{std::move(header).value(), std::move(payload).value(),
                      std::move(signature).value()};
}

Result<boost::json::object> parse_json_object(std::string_view json, std::string_view what) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(json, ec);
  if (ec || !value.is_object())
    return malformed(std::string("the JWT ") + std::string(what) + " is not a JSON object");
  boost::json::object object = std::move(value.get_object());
  return object;
}

std::optional<JwsAlgorithm> parse_algorithm(std::string_view name) {
  if (name == "ES256") return JwsAlgorithm::es256;
  if (name == "RS256") return JwsAlgorithm::rs256;
  if (name == "HS256") return JwsAlgorithm::hs256;
  return std::nullopt;  // "none", HS384, PS256, EdDSA, …: never accepted
}

Result<JoseHeader> read_header(std::string_view json) {
  auto header = parse_json_object(json, "header");
  if (!header) return header.problem();
  const auto* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return malformed("the JWT header has no alg", "alg");
  auto parsed = parse_algorithm(alg->get_string());
  if (!parsed)
    return Problem{"unsupported_alg", "only ES256, RS256 and HS256 tokens are accepted", "alg"};
  // RFC 7515 §4.1.11: extensions listed in crit must be understood; we implement none.
  if (header->contains("crit"))
    return malformed("critical JWT header extensions are not supported", "crit");
  JoseHeader result{*parsed, std::nullopt};
  if (const auto* kid = header->if_contains("kid")) {
    if (!kid->is_string()) return malformed("kid must be a string", "kid");
    result.kid = std::string(kid->get_string());
  }
  return result;
}

// RFC 7519 NumericDate: seconds since the epoch, possibly fractional (floored).
std::optional<std::int64_t> numeric_date(const boost::json::value& v) {
  double seconds = 0;
  if (v.is_int64())
    seconds = static_cast<double>(v.get_int64());
  else if (v.is_uint64())
    seconds = static_cast<double>(v.get_uint64());
  else if (v.is_double())
    seconds = v.get_double();
  else
    return std::nullopt;
  if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxNumericDate) return std::nullopt;
  return static_cast<std::int64_t>(std::floor(seconds));
}

std::optional<std::int64_t> date_claim(const boost::json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  return v != nullptr ? numeric_date(*v) : std::nullopt;
}

// Claims we read must have their registered type when present; checks later rely on it.
std::optional<Problem> wrong_claim_type(const boost::json::object& claims) {
  for (std::string_view name : {"exp", "nbf", "iat"}) {
    if (claims.contains(name) && !date_claim(claims, name))
      return malformed(std::string(name) + " must be a NumericDate", std::string(name));
  }
  for (std::string_view name : {"iss", "sub", "role", "aal", "session_id", "email"}) {
    const auto* v = claims.if_contains(name);
    if (v != nullptr && !v->is_string())
      return malformed(std::string(name) + " must be a string", std::string(name));
  }
  if (const auto* aud = claims.if_contains("aud")) {
    const bool strings =
        aud->is_string() ||
        (aud->is_array() && std::all_of(aud->get_array().begin(), aud->get_array().end(),
                                        [](const auto& a) { return a.is_string(); }));
    if (!strings) return malformed("aud must be a string or an array of strings", "aud");
  }
  const auto* anonymous = claims.if_contains("is_anonymous");
  if (anonymous != nullptr && !anonymous->is_bool())
    return malformed("is_anonymous must be a boolean", "is_anonymous");
  return std::nullopt;
}

std::string string_claim(const boost::json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  return v != nullptr ? std::string(v->get_string()) : std::string();
}

Result<VerifiedToken> read_claims(std::string_view json) {
  auto claims = parse_json_object(json, "payload");
  if (!claims) return claims.problem();
  if (auto problem = wrong_claim_type(*claims)) return *std::move(problem);
  auto exp = date_claim(*claims, "exp");
  if (!exp) return Problem{"missing_claim", "the token has no exp", "exp"};
  VerifiedToken token;
  token.sub = string_claim(*claims, "sub");
  token.role = string_claim(*claims, "role");
  token.aal = string_claim(*claims, "aal");
  token.session_id = string_claim(*claims, "session_id");
  token.email = string_claim(*claims, "email");
  token.exp = *exp;
  const auto* anonymous = claims->if_contains("is_anonymous");
  token.is_anonymous = anonymous != nullptr && anonymous->get_bool();
  token.claims = std::move(claims).value();
  return token;
}

std::int64_t unix_now(const VerifyOptions& options) {
  const auto now = options.now.value_or(std::chrono::system_clock::now());
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

bool audience_matches(const boost::json::value& aud, std::string_view expected) {
  if (aud.is_string()) return aud.get_string() == expected;
  const auto& list = aud.get_array();
  return std::any_of(list.begin(), list.end(),
                     [&](const auto& a) { return a.get_string() == expected; });
}

std::optional<Problem> check_times(const VerifiedToken& token, const VerifyOptions& options) {
  const std::int64_t now = unix_now(options);
  const std::int64_t leeway = options.leeway.count();
  if (now >= token.exp + leeway) return Problem{"token_expired", "the token has expired", "exp"};
  if (auto nbf = date_claim(token.claims, "nbf"); nbf && now + leeway < *nbf) {
    return Problem{"token_not_yet_valid", "the token is not valid yet", "nbf"};
  }
  if (auto iat = date_claim(token.claims, "iat"); iat && now + leeway < *iat) {
    return Problem{"token_not_yet_valid", "the token was issued in the future; check the clocks",
                   "iat"};
  }
  return std::nullopt;
}

std::optional<Problem> check_claims(const VerifiedToken& token, const VerifyOptions& options) {
  if (auto problem = check_times(token, options)) return problem;
  if (!options.audience.empty()) {
    const auto* aud = token.claims.if_contains("aud");
    if (aud == nullptr) return Problem{"missing_claim", "the token has no aud", "aud"};
    if (!audience_matches(*aud, options.audience))
      return Problem{"wrong_audience", "the token is for another audience", "aud"};
  }
  if (options.issuer) {
    const auto* iss = token.claims.if_contains("iss");
    if (iss == nullptr) return Problem{"missing_claim", "the token has no iss", "iss"};
    if (iss->get_string() != *options.issuer)
      return Problem{"wrong_issuer", "the token is from another issuer", "iss"};
  }
  return std::nullopt;
}

// Everything that depends only on the token and the keys, not on the options: the part a
// cache hit may skip.
Result<CachedPtr> verify_signature_and_read(const CompactParts& parts, const KeySnapshot& keys) {
  auto decoded = decode_parts(parts);
  if (!decoded) return decoded.problem();
  auto header = read_header(decoded->header);
  if (!header) return header.problem();
  auto key = select_key(keys, header->alg, header->kid);
  if (!key) return key.problem();
  if (!(*key)->verify(parts.signing_input, decoded->signature)) {
    return Problem{"bad_signature", "the token signature does not verify", ""};
  }
  auto token = read_claims(decoded->payload);
  if (!token) return token.problem();
  return std::make_shared<const CachedVerification>(CachedVerification{
      std::move(token).value(), std::move(key).value(), header->alg, std::move(header->kid)});
}

bool still_current(const CachedVerification& hit, const KeySnapshot& keys) {
  auto key = select_key(keys, hit.alg, hit.kid);
  return key && key->get() == hit.key.get();
}

}  // namespace

std::string_view algorithm_name(JwsAlgorithm alg) {
  switch (alg) {
    case JwsAlgorithm::hs256:
      return "HS256";
    case JwsAlgorithm::rs256:
      return "RS256";
    case JwsAlgorithm::es256:
      return "ES256";
  }
  return "unknown";
}

bool looks_like_api_key(std::string_view bearer) {
  return bearer.starts_with("sb_publishable_") || bearer.starts_with("sb_secret_");
}

Result<VerifiedToken> verify_jwt(std::string_view token, const KeyStore& keys,
                                 const VerifyOptions& options) {
  auto parts = split_compact(token);
  if (!parts) return parts.problem();
  const auto snapshot = keys.snapshot_.load();
  VerifiedTokenCache* cache = keys.verified_cache_.get();
  jws::Sha256Digest digest{};
  if (cache != nullptr) {
    digest = jws::sha256(token);
    if (auto hit = cache->find(digest); hit && still_current(*hit, *snapshot)) {
      if (auto refused = check_claims(hit->token, options)) {
        if (refused->code == "token_expired") cache->erase(digest);  // held until exp, no longer
        return *std::move(refused);
      }
      return hit->token;
    }
  }
  auto fresh = verify_signature_and_read(*parts, *snapshot);
  if (!fresh) return fresh.problem();
  if (auto refused = check_claims((*fresh)->token, options)) return *std::move(refused);
  if (cache != nullptr) cache->insert(digest, *fresh);
  return (*fresh)->token;
}

}  // namespace forecourt::auth
