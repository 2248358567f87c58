#include "storage/signed_url.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/jws_crypto.hpp"

namespace forecourt::storage {
namespace {

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

// RFC 3986 unreserved characters pass; everything else (including '/' inside a segment is
// impossible: segments are split on it) is %XX.
std::string encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace

struct UrlSigner::Key {
  explicit Key(std::string_view secret) : hmac(secret) {}
  auth::jws::HmacSha256Key hmac;
};

UrlSigner::UrlSigner(std::string_view secret) {
  if (secret.size() < 32)
    throw std::invalid_argument("the storage signing secret must be at least 32 bytes");
  key_ = std::make_unique<Key>(secret);
}

UrlSigner::~UrlSigner() = default;

std::string UrlSigner::sign(std::string_view bucket, std::string_view object_path,
                            std::chrono::seconds ttl, std::int64_t now) const {
  // A vehicle page signs ~12 URLs: the claims are written as text, in the order (and
  // form) Storage's tokens have them, and the URL is written into one buffer, rather than
  // built from a JSON object and a dozen intermediate strings.
  static const std::string header = auth::base64url_encode(kHeader);
  std::string url;
  url.reserve(bucket.size() + 1 + object_path.size());
  url.append(bucket).append(1, '/').append(object_path);
  std::string claims;
  claims.reserve(url.size() + 80);
  claims.append("{\"url\":")
      .append(boost::json::serialize(boost::json::string_view(url)))
      .append(R"(,"scope":"download","iat":)")
      .append(std::to_string(now))
      .append(",\"exp\":")
      .append(std::to_string(now + ttl.count()))
      .append("}");
  // Room for the prefix, the path (at most "%XX" per byte) and the token: the header, the
  // claims and the 32-byte MAC in base64url (4 characters per 3 bytes), two dots.
  constexpr std::size_t kPrefixAndQuery = 32;
  constexpr std::size_t kMacText = 43;
  std::string out;
  out.reserve(kPrefixAndQuery + url.size() * 3 + header.size() + 1 + (claims.size() * 4 + 2) / 3 +
              1 + kMacText);
  out.append("/storage/v1/object/sign/").append(encode_path(url)).append("?token=");
  const std::size_t input_at = out.size();
  out.append(header).append(1, '.');
  auth::base64url_append(out, claims);
  const auto digest = key_->hmac.mac(std::string_view(out).substr(input_at));
  out.append(1, '.');
  auth::base64url_append(
      out, std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  return out;
}

Result<bool> UrlSigner::verify(std::string_view token, std::string_view bucket,
                               std::string_view object_path, std::int64_t now) const {
  auto last_dot = token.rfind('.');
  auto first_dot = token.find('.');
  if (first_dot == std::string_view::npos || last_dot == first_dot)
    return Problem{"InvalidJWT", "The token is not a JWT.", "token"};
  auto signing_input = token.substr(0, last_dot);
  auto signature = auth::base64url_decode(token.substr(last_dot + 1));
  if (!signature || !auth::jws::verify_hs256(key_->hmac, signing_input, *signature))
    return Problem{"InvalidSignature", "The token's signature is invalid.", "token"};
  auto payload = auth::base64url_decode(token.substr(first_dot + 1, last_dot - first_dot - 1));
  if (!payload) return Problem{"InvalidJWT", "The token's payload is unreadable.", "token"};
  boost::system::error_code ec;
  auto claims = boost::json::parse(*payload, ec);
  if (ec || !claims.is_object())
    return Problem{"InvalidJWT", "The token's payload is unreadable.", "token"};
  const auto& obj = claims.as_object();
  const auto* url = obj.if_contains("url");
  const auto* exp = obj.if_contains("exp");
  if (url == nullptr || !url->is_string() || exp == nullptr || !exp->is_int64())
    return Problem{"InvalidJWT", "The token lacks its url or exp claim.", "token"};
  if (exp->as_int64() <= now)
    return Problem{"ExpiredToken", "The provided token has expired.", "token"};
  const auto* scope = obj.if_contains("scope");
  if (scope != nullptr && !(scope->is_string() && scope->as_string() == "download"))
    return Problem{"InvalidJWT", "The token is not a download token.", "token"};
  std::string expected = std::string(bucket) + "/" + std::string(object_path);
  if (url->as_string() != expected)
    return Problem{"InvalidJWT", "The token was issued for another object.", "token"};
  return true;
}

namespace {

// The first line of `file` when it holds a usable secret, else empty.
std::string read_secret_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  content.erase(std::min(content.find('\n'), content.size()));
  if (content.size() < 32) content.clear();
  return content;
}

std::string random_secret() {
  std::array<unsigned char, 48> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("could not generate the storage signing secret");
  return auth::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

std::string storage_signing_secret(const Config& config) {
  if (!config.storage_signing_secret.empty()) return config.storage_signing_secret;
  namespace fs = std::filesystem;
  fs::path dir = fs::path(config.data_dir) / "secrets";
  fs::path file = dir / "storage-url-signing.key";
  if (auto existing = read_secret_file(file); !existing.empty()) return existing;
  fs::create_directories(dir);
  // Written to a temporary name, then hard-linked into place: link() fails when the file
  // exists, so of two processes starting at once the first one's secret is the one both use.
  fs::path tmp = file;
  tmp += ".tmp" + std::to_string(::getpid());
  {
    // Created 0600 from the start (O_EXCL: never through a planted file or link).
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("could not create " + tmp.string());
    std::string line = random_secret() + "\n";
    auto written = ::write(fd, line.data(), line.size());
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size()))
      throw std::runtime_error("could not write " + tmp.string());
  }
  ::link(tmp.c_str(), file.c_str());  // EEXIST: another process won; read its secret
  fs::remove(tmp);
  auto secret = read_secret_file(file);
  if (secret.empty()) throw std::runtime_error("could not store the storage signing secret");
  return secret;
}

}  // namespace forecourt::storage
