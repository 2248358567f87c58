// GET /storage/v1/object/sign/{bucket}/{path}?token= over HTTP: a server with its own data
// folder and a known signing secret, files written by the test, tokens signed with
// storage::UrlSigner as the server signs them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "auth/base64url.hpp"
#include "harness.hpp"
#include "storage/signed_url.hpp"

namespace forecourt::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kSecret = "integration-test-storage-signing-secret-0123456789";
const std::string kBytes = "0123456789abcdefghijklmnopqrstuvwxyz";  // 36 bytes

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class StorageSignedUrl : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/forecourt-storage-it-XXXXXX";
    dir_ = new fs::path(::mkdtemp(tmpl));
    write(*dir_ / "storage/vehicle-media/car-1/photo 1.jpg", kBytes);
    write(*dir_ / "storage/vehicle-media/car-1/spin/manifest.json", R"({"frames":36})");
    write(*dir_ / "outside.txt", "not for the public");
    // A symlink planted inside the bucket that points out of the storage root.
    fs::create_symlink(*dir_ / "outside.txt", *dir_ / "storage/vehicle-media/escape.txt");
    std::map<std::string, std::string> env{{"FORECOURT_DATA_DIR", dir_->string()},
                                           {"STORAGE_SIGNING_SECRET", kSecret}};
    server_ = new ServerProcess(env);
    signer_ = new storage::UrlSigner(kSecret);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete signer_;
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }
  static void write(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
  }
  static std::string signed_url(const std::string& bucket, const std::string& key,
                                std::int64_t now = unix_now(), int ttl = 600) {
    return signer_->sign(bucket, key, std::chrono::seconds(ttl), now);
  }
  // Storage's error body; HTTP 400, except a missing object: a real 404.
  static json::object storage_error(const HttpResult& r, int http_status = 400) {
    EXPECT_EQ(r.status, http_status) << r.body;
    return json::parse(r.body).as_object();
  }

  static fs::path* dir_;
  static ServerProcess* server_;
  static storage::UrlSigner* signer_;
};
fs::path* StorageSignedUrl::dir_ = nullptr;
ServerProcess* StorageSignedUrl::server_ = nullptr;
storage::UrlSigner* StorageSignedUrl::signer_ = nullptr;

TEST_F(StorageSignedUrl, ServesTheFileWithItsHeaders) {
  auto url = signed_url("vehicle-media", "car-1/photo 1.jpg");
  EXPECT_NE(url.find("photo%201.jpg"), std::string::npos);
  auto r = http_get(server_->port(), url);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, kBytes);
  EXPECT_EQ(r.header("content-type"), "image/jpeg");
  EXPECT_EQ(r.header("accept-ranges"), "bytes");
  EXPECT_FALSE(r.header("etag").empty());
  EXPECT_FALSE(r.header("last-modified").empty());
  EXPECT_FALSE(r.header("expires").empty());
  EXPECT_EQ(r.header("cache-control").rfind("private, max-age=", 0), 0U)
      << r.header("cache-control");
  EXPECT_TRUE(r.header("content-disposition").empty());
  // Nested keys work (the router's {path*} tail).
  auto nested = http_get(server_->port(), signed_url("vehicle-media", "car-1/spin/manifest.json"));
  EXPECT_EQ(nested.status, 200);
  EXPECT_EQ(nested.header("content-type"), "application/json");
}

TEST_F(StorageSignedUrl, BadTokensAreRefusedInStoragesShape) {
  auto good = signed_url("vehicle-media", "car-1/photo 1.jpg");
  // Signature tampered with.
  auto tampered = with_tampered_signature(good);
  auto e = storage_error(http_get(server_->port(), tampered));
  EXPECT_EQ(e.at("code").as_string(), "InvalidSignature");
  EXPECT_EQ(e.at("statusCode").as_string(), "400");
  // Not a JWT at all, and no token.
  auto base = good.substr(0, good.find("?token="));
  EXPECT_EQ(
      storage_error(http_get(server_->port(), base + "?token=garbage")).at("code").as_string(),
      "InvalidJWT");
  EXPECT_EQ(storage_error(http_get(server_->port(), base)).at("code").as_string(), "InvalidJWT");
  // Expired.
  auto expired = signed_url("vehicle-media", "car-1/photo 1.jpg", unix_now() - 3600, 60);
  auto x = storage_error(http_get(server_->port(), expired));
  EXPECT_EQ(x.at("code").as_string(), "ExpiredToken");
  EXPECT_EQ(x.at("message").as_string(), "The provided token has expired.");
  // A valid token for another object.
  auto other = signed_url("vehicle-media", "car-1/spin/manifest.json");
  auto token = other.substr(other.find("?token="));
  EXPECT_EQ(storage_error(http_get(server_->port(), base + token)).at("code").as_string(),
            "InvalidJWT");
  // Signed by someone else's secret.
  storage::UrlSigner stranger("a-completely-different-secret-of-enough-length!!");
  auto forged =
      stranger.sign("vehicle-media", "car-1/photo 1.jpg", std::chrono::seconds(600), unix_now());
  EXPECT_EQ(storage_error(http_get(server_->port(), forged)).at("code").as_string(),
            "InvalidSignature");
}

TEST_F(StorageSignedUrl, PathTraversalIsRefused) {
  // The token names the traversing key itself, so only the key checks stand in the way.
  for (const std::string key :
       {"../outside.txt", "car-1/../../outside.txt", "./car-1/photo 1.jpg"}) {
    auto token = signed_url("vehicle-media", key);
    token = token.substr(token.find("?token="));
    for (const std::string& target :
         {std::string("/storage/v1/object/sign/vehicle-media/").append(key).append(token),
          "/storage/v1/object/sign/vehicle-media/car-1/%2e%2e/%2e%2e/outside.txt" + token}) {
      auto r = http_get(server_->port(), target);
      EXPECT_NE(r.status, 200) << target;
      EXPECT_EQ(r.body.find("not for the public"), std::string::npos) << target;
    }
  }
  // The bucket may not climb either.
  auto up = signed_url("..", "outside.txt");
  EXPECT_NE(http_get(server_->port(), up).status, 200);
  // A symlink inside the bucket leading out of the storage root is not followed out.
  auto link = http_get(server_->port(), signed_url("vehicle-media", "escape.txt"));
  EXPECT_EQ(link.status, 404);
  EXPECT_EQ(json::parse(link.body).at("statusCode").as_string(), "404");
  EXPECT_EQ(link.body.find("not for the public"), std::string::npos);
}

TEST_F(StorageSignedUrl, MissingObjectIsStorages404) {
  auto e =
      storage_error(http_get(server_->port(), signed_url("vehicle-media", "car-1/none.jpg")), 404);
  EXPECT_EQ(e.at("statusCode").as_string(), "404");
  EXPECT_EQ(e.at("error").as_string(), "not_found");
  EXPECT_EQ(e.at("message").as_string(), "Object not found");
}

TEST_F(StorageSignedUrl, RangeRequestsGet206) {
  auto url = signed_url("vehicle-media", "car-1/photo 1.jpg");
  auto r = http_get(server_->port(), url, {{"Range", "bytes=0-3"}});
  ASSERT_EQ(r.status, 206) << r.body;
  EXPECT_EQ(r.body, "0123");
  EXPECT_EQ(r.header("content-range"), "bytes 0-3/36");
  auto tail = http_get(server_->port(), url, {{"Range", "bytes=-4"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, "wxyz");
  auto open = http_get(server_->port(), url, {{"Range", "bytes=30-"}});
  EXPECT_EQ(open.body, "uvwxyz");
  auto beyond = http_get(server_->port(), url, {{"Range", "bytes=100-"}});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.header("content-range"), "bytes */36");
  // Several ranges: served whole (allowed by RFC 9110).
  EXPECT_EQ(http_get(server_->port(), url, {{"Range", "bytes=0-1,4-5"}}).status, 200);
}

TEST_F(StorageSignedUrl, IfNoneMatchGives304AndDownloadNamesTheFile) {
  auto url = signed_url("vehicle-media", "car-1/photo 1.jpg");
  auto first = http_get(server_->port(), url);
  ASSERT_EQ(first.status, 200);
  auto again = http_get(server_->port(), url, {{"If-None-Match", first.header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  auto named = http_get(server_->port(), url + "&download=front.jpg");
  EXPECT_EQ(named.header("content-disposition"),
            "attachment; filename=\"front.jpg\"; filename*=UTF-8''front.jpg");
  auto plain = http_get(server_->port(), url + "&download=");
  EXPECT_EQ(plain.header("content-disposition"),
            "attachment; filename=\"photo 1.jpg\"; filename*=UTF-8''photo%201.jpg");
}

// The seeded cars' media resolve: the VDP's signed URL serves the sample image that
// `forecourt seed` linked into the suite's data folder.
TEST(StorageSeededMedia, VehiclePageImageUrlsServeBytes) {
  ServerProcess server;
  auto list = http_get(server.port(), "/vehicles/5eed0001-0000-4000-8000-000000000001/media");
  if (list.status == 404) GTEST_SKIP() << "seed vehicle 1 is hidden in this seed";
  ASSERT_EQ(list.status, 200) << list.body;
  auto url =
      std::string(json::parse(list.body).at("data").at("images").at(0).at("url").as_string());
  auto path = url.substr(url.find("/storage/v1/"));
  auto img = http_get(server.port(), path);
  ASSERT_EQ(img.status, 200) << img.body;
  EXPECT_EQ(img.header("content-type"), "image/jpeg");
  EXPECT_EQ(img.body.substr(0, 2), std::string("\xFF\xD8", 2));
}

}  // namespace
}  // namespace forecourt::testing
