// GET /storage/v1/object/sign/{bucket}/{path}?token=: private files through signed URLs,
// as Supabase Storage serves them (so supabase-js' createSignedUrl links and a plain
// <img src> work): no Authorization needed, the token names the object and expires.
// Files live under <DATA_DIR>/storage/<bucket>/<path> (STORAGE_BACKEND=local).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "app/services.hpp"
#include "auth/base64url.hpp"
#include "http/errors.hpp"
#include "http/pipeline.hpp"
#include "http/route.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using http::Request;
using http::Response;

namespace {

// Storage's error shape: HTTP 400 for client errors, the real status in statusCode
// (supabase/storage src/http/error-handler.ts). A missing object is the exception: a real
// 404 too, so browsers, CDNs and crawlers loading an <img src> see "gone", not "bad request".
Response storage_error(std::string_view status_code, std::string_view code, std::string_view error,
                       std::string_view message, int http_status = 400) {
  boost::json::object body{
      {"statusCode", status_code}, {"code", code}, {"error", error}, {"message", message}};
  Response res = http::json_response(http_status, boost::json::value(std::move(body)));
  res.set(bhttp::field::cache_control, "no-store");
  return res;
}

Response object_not_found() {
  return storage_error("404", "NoSuchKey", "not_found", "Object not found", 404);
}

bool valid_bucket(std::string_view b) {
  if (b.empty() || b.size() > 100 || b == "." || b == "..") return false;
  for (char c : b) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// An object key: segments separated by '/', none empty, "." or ".." (no way out of the
// bucket folder), no backslash or control characters.
bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 1024) return false;
  std::size_t start = 0;
  while (start <= key.size()) {
    auto slash = key.find('/', start);
    auto seg =
        key.substr(start, slash == std::string_view::npos ? key.size() - start : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    for (unsigned char c : seg) {
      if (c < 0x20 || c == 0x7F || c == '\\') return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

std::string_view content_type_for(const fs::path& file) {
  auto ext = file.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  struct Type {
    std::string_view ext, type;
  };
  static constexpr Type kTypes[] = {
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".png", "image/png"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".gif", "image/gif"},
      {".svg", "image/svg+xml"},
      {".mp4", "video/mp4"},
      {".webm", "video/webm"},
      {".mov", "video/quicktime"},
      {".json", "application/json"},
      {".pdf", "application/pdf"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& t : kTypes) {
    if (t.ext == ext) return t.type;
  }
  return "application/octet-stream";
}

std::string http_date(std::int64_t unix_seconds) {
  std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  auto n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return {buf, n};
}

// Percent-encoding for filename* (RFC 8187): attr-char passes, everything else %XX.
std::string rfc8187(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    bool plain =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

std::string content_disposition(std::string_view requested, std::string_view key) {
  std::string name(requested.empty() ? key.substr(key.rfind('/') + 1) : requested);
  std::string ascii;
  for (unsigned char c : name) {
    ascii.push_back(c < 0x20 || c >= 0x7F || c == '"' || c == '\\' ? '_' : static_cast<char>(c));
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + rfc8187(name);
}

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// One "bytes=" range (a-b, a-, -n). nullopt: no usable Range (serve the whole file);
// unsatisfiable ranges set `unsatisfiable`. Several ranges are served whole (RFC 9110
// allows ignoring Range).
std::optional<ByteRange> parse_range(std::string_view header, std::uint64_t size,
                                     bool& unsatisfiable) {
  unsatisfiable = false;
  if (!header.starts_with("bytes=")) return std::nullopt;
  auto spec = header.substr(6);
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s, std::uint64_t& out) {
    if (s.empty() || s.size() > 19) return false;
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
  };
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  auto left = spec.substr(0, dash);
  auto right = spec.substr(dash + 1);
  if (left.empty()) {  // suffix: the last n bytes
    if (!number(right, b)) return std::nullopt;
    if (b == 0 || size == 0) {
      unsatisfiable = true;
      return std::nullopt;
    }
    return ByteRange{size > b ? size - b : 0, size - 1};
  }
  if (!number(left, a)) return std::nullopt;
  if (right.empty()) {
    b = size == 0 ? 0 : size - 1;
  } else if (!number(right, b) || b < a) {
    return std::nullopt;
  }
  if (a >= size) {
    unsatisfiable = true;
    return std::nullopt;
  }
  return ByteRange{a, std::min(b, size - 1)};
}

// Reads [offset, offset + length) of an open file. Local media are small and in the page
// cache; a blocking pread of them costs microseconds on the I/O thread.
bool read_span(int fd, std::uint64_t offset, std::uint64_t length, std::string& out) {
  out.resize(length);
  std::uint64_t done = 0;
  while (done < length) {
    auto n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n <= 0) return false;
    done += static_cast<std::uint64_t>(n);
  }
  return true;
}

// The exp claim of a token verify() accepted.
std::optional<std::int64_t> token_expiry(std::string_view token) {
  auto first = token.find('.');
  auto last = token.rfind('.');
  if (first == std::string_view::npos || last <= first) return std::nullopt;
  auto payload = auth::base64url_decode(token.substr(first + 1, last - first - 1));
  if (!payload) return std::nullopt;
  boost::system::error_code ec;
  auto claims = boost::json::parse(*payload, ec);
  if (ec || !claims.is_object()) return std::nullopt;
  const auto* exp = claims.as_object().if_contains("exp");
  if (exp == nullptr || !exp->is_int64()) return std::nullopt;
  return exp->as_int64();
}

struct FileCloser {
  explicit FileCloser(int descriptor) : fd(descriptor) {}
  int fd;
  FileCloser(const FileCloser&) = delete;
  FileCloser& operator=(const FileCloser&) = delete;
  ~FileCloser() {
    if (fd >= 0) ::close(fd);
  }
};

asio::awaitable<Response> get_signed_object(Request& req) {
  const std::string bucket = req.params.string("bucket");
  const std::string key = req.params.string("path");
  const auto token = req.params.get("token");
  if (!token || token->empty()) {
    co_return storage_error("400", "InvalidJWT", "InvalidJWT",
                            "querystring must have required property 'token'");
  }
  if (!valid_bucket(bucket) || !valid_key(key)) {
    co_return storage_error("400", "InvalidKey", "InvalidKey", "Invalid key: " + key);
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto verified = req.services->url_signer.verify(*token, bucket, key, now);
  if (!verified) {
    const auto& p = verified.problem();
    co_return storage_error("400", p.code, p.code, p.detail);
  }

  // The signature already binds the token to this exact bucket/key; the checks above and
  // the canonical-prefix check below also keep a key from ever leaving the storage root
  // (through "..", or a symlink planted inside it).
  std::error_code ec;
  const fs::path root =
      fs::weakly_canonical(fs::path(req.services->config.data_dir) / "storage", ec);
  if (ec) co_return object_not_found();
  const fs::path file = fs::canonical(root / bucket / key, ec);
  if (ec) co_return object_not_found();
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end()) co_return object_not_found();

  FileCloser fd{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (fd.fd < 0 || ::fstat(fd.fd, &st) != 0 || !S_ISREG(st.st_mode)) co_return object_not_found();
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const auto mtime_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  char etag[64];
  (void)std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                      static_cast<unsigned long long>(mtime_ns));

  // The token's remaining life bounds how long a browser may keep the bytes.
  const std::int64_t token_exp = token_expiry(*token).value_or(now);
  auto max_age = std::max<std::int64_t>(0, std::min<std::int64_t>(3600, token_exp - now));

  auto set_common = [&](Response& res) {
    res.set(bhttp::field::etag, etag);
    res.set(bhttp::field::cache_control, "private, max-age=" + std::to_string(max_age));
    res.set(bhttp::field::last_modified, http_date(st.st_mtim.tv_sec));
    res.set(bhttp::field::accept_ranges, "bytes");
    res.set(bhttp::field::expires, http_date(token_exp));
  };

  if (auto inm = req.header("If-None-Match"); !inm.empty() && http::etag_matches(inm, etag)) {
    Response res = http::empty_response(304);
    set_common(res);
    co_return res;
  }

  bool unsatisfiable = false;
  auto range = parse_range(req.header("Range"), size, unsatisfiable);
  if (unsatisfiable) {
    Response res = storage_error("416", "InvalidRange", "InvalidRange",
                                 "The requested range is not satisfiable");
    res.result(bhttp::status::range_not_satisfiable);
    res.set(bhttp::field::content_range, "bytes */" + std::to_string(size));
    co_return res;
  }
  Response res{range ? bhttp::status::partial_content : bhttp::status::ok, 11};
  std::string body;
  std::uint64_t offset = range ? range->first : 0;
  std::uint64_t length = range ? range->last - range->first + 1 : size;
  if (!read_span(fd.fd, offset, length, body)) co_return object_not_found();
  res.body() = std::move(body);
  res.set(bhttp::field::content_type, content_type_for(file));
  set_common(res);
  if (range) {
    res.set(bhttp::field::content_range, "bytes " + std::to_string(range->first) + "-" +
                                             std::to_string(range->last) + "/" +
                                             std::to_string(size));
  }
  if (auto download = req.params.get("download")) {
    res.set(bhttp::field::content_disposition, content_disposition(*download, key));
  }
  res.prepare_payload();
  co_return res;
}

const boost::json::value& storage_error_schema() {
  static const auto s = schemas::json(R"({"type":"object",
    "required":["statusCode","code","error","message"],"properties":{
    "statusCode":{"type":"string","description":"The semantic status; the HTTP status is 400"},
    "code":{"type":"string","enum":["InvalidJWT","InvalidSignature","ExpiredToken","InvalidKey","NoSuchKey","InvalidRange"]},
    "error":{"type":"string"},"message":{
  "type" : "string"
}
}
})");
  return s;
}

// Bodies of file responses: raw bytes, whatever the file holds.
boost::json::value file_bytes_schema() {
  return boost::json::value{{"type", "string"}, {"contentMediaType", "application/octet-stream"}};
}

}  // namespace

void register_storage_routes(http::Router& router) {
  using namespace http;
  router.add(Route{
      .method = Verb::get,
      .path = "/storage/v1/object/sign/{bucket}/{path*}",
      .handler = get_signed_object,
      .operation_id = "getSignedObject",
      .summary = "Download a private file through a signed URL",
      .description =
          "Supabase Storage's signed-URL download: the token (an HS256 JWT with url, scope "
          "and exp) must name this bucket/path and be unexpired; no Authorization is needed, "
          "so <img src> works. Supports Range (206), If-None-Match (304) and `download` "
          "(Content-Disposition: attachment). Errors use Storage's shape: HTTP 400 with the "
          "real status in statusCode (InvalidJWT, InvalidSignature, ExpiredToken, "
          "InvalidKey; \"404\" NoSuchKey).",
      .tags = {"storage"},
      .access = Access::public_,
      .params = {ParamSpec{.name = "bucket",
                           .in = ParamIn::path,
                           .type = ParamType::string,
                           .required = true,
                           .description = "Bucket id.",
                           .minimum = 1,
                           .maximum = 100,
                           .example = "vehicle-media"},
                 ParamSpec{.name = "path",
                           .in = ParamIn::path,
                           .type = ParamType::string,
                           .required = true,
                           .description = "Object key inside the bucket; may contain '/'.",
                           .minimum = 1,
                           .maximum = 1024,
                           .example = "5eed0001-0000-4000-8000-000000000001/1.jpg"},
                 ParamSpec{.name = "token",
                           .in = ParamIn::query,
                           .type = ParamType::string,
                           .description = "The signed URL's JWT (required; Storage-shaped "
                                          "400 InvalidJWT when missing).",
                           .maximum = 4096,
                           .example = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                                      "eyJ1cmwiOiJ2ZWhpY2xlLW1lZGlhLzEuanBnIiwic2NvcGUiOiJkb3dubG9h"
                                      "ZCIsImlhdCI6MTc5NTYyMjQwMCwiZXhwIjoxNzk1NjIzMzAwfQ.sig"},
                 ParamSpec{.name = "download",
                           .in = ParamIn::query,
                           .type = ParamType::string,
                           .description = "Present: answer as an attachment, named by the "
                                          "value or, when empty, by the object's file name.",
                           .maximum = 255,
                           .example = "camry-front.jpg"}},
      .responses =
          {{200, "The file's bytes (Content-Type from the extension).", file_bytes_schema(),
            "(the bytes of the file)", "*/*"},
           {206, "The requested byte range (Content-Range).", file_bytes_schema(),
            "(the bytes of the range)", "*/*"},
           {304, "Not modified (If-None-Match matched the ETag).", nullptr, nullptr},
           {400, "Storage-shaped error: bad, expired or foreign token, or a bad key.",
            storage_error_schema(),
            schemas::json(
                R"({"statusCode":"400","code":"ExpiredToken","error":"ExpiredToken","message":"The provided token has expired."})"),
            "application/json"},
           {404, "The object does not exist (Storage's shape, statusCode \"404\").",
            storage_error_schema(),
            schemas::json(
                R"({"statusCode":"404","code":"NoSuchKey","error":"not_found","message":"Object not found"})"),
            "application/json"},
           {416, "Range not satisfiable (Content-Range: bytes */<size>).", storage_error_schema(),
            schemas::json(
                R"({"statusCode":"416","code":"InvalidRange","error":"InvalidRange","message":"The requested range is not satisfiable"})"),
            "application/json"}},
      .cache = CachePolicy::revalidate,
      .rate_class = "storage"});
}

}  // namespace forecourt::api
