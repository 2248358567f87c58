#pragma once
// Integration-test harness: starts a real `forecourt serve` against the PostgreSQL and
// Redis that tests/run-suite.sh started (their URLs come in the environment), talks to it
// over real HTTP, and stops it by PID.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace forecourt::testing {

// A variable the suite must provide; fails the test (not skips) when it is missing.
std::string required_env(const char* name);

// The seeded demo users (supabase/seed.sql) and the legacy HS256 secret and anon key that
// test servers are started with (tests sign their own tokens with the secret).
inline constexpr const char* kSeedAdminId = "00000000-0000-4000-a000-000000000001";
inline constexpr const char* kSeedStaffId = "00000000-0000-4000-a000-000000000002";
inline constexpr const char* kSeedCustomerId = "00000000-0000-4000-a000-000000000003";
inline constexpr const char* kSeedCustomer2Id = "00000000-0000-4000-a000-000000000004";
inline constexpr const char* kTestJwtSecret = "integration-test-legacy-jwt-secret-0123456789";
inline constexpr const char* kTestAnonKey = "sb_publishable_forecourt_integration";

std::int64_t unix_now();
// "<prefix>-<time>-<random>@example.com": a fresh account per test run.
std::string unique_email(std::string_view prefix);
// The headers auth-js sends to /auth/v1: the project's anon key as apikey, and as bearer
// unless a user's access token is given.
std::map<std::string, std::string> gotrue_headers(std::string_view anon_key,
                                                  std::string_view access_token = {});

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  [[nodiscard]] std::string header(const std::string& lower_name) const;
};

// The error's code: errors[0].code of a JSON:API document, or GoTrue's code / error_code.
std::string error_code(const HttpResult& r);

class ServerProcess {
 public:
  explicit ServerProcess(std::map<std::string, std::string> env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::string log() const;
  void signal(int signo) const;
  // Waits for the process to exit; returns its exit status, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
  bool exited_ = false;
};

// A suite whose tests share one server: started before its first test, stopped after its
// last. A suite that needs settings names them (CRTP):
//   class Auth : public SharedServerSuite<Auth> {
//    public:
//     static std::map<std::string, std::string> server_env() { return {{"KEY", "value"}}; }
//   };
// A suite with more to set up defines its own SetUpTestSuite and calls this one first.
template <class Suite>
class SharedServerSuite : public ::testing::Test {
 public:
  static std::map<std::string, std::string> server_env() { return {}; }
  static void SetUpTestSuite() { server_ = std::make_unique<ServerProcess>(Suite::server_env()); }
  static void TearDownTestSuite() { server_.reset(); }

 protected:
  static inline std::unique_ptr<ServerProcess> server_;
};

// Every answer is checked against the OpenAPI document (see response_problems): a
// mismatch fails the calling test, naming the route, the status and the JSON pointer.
HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers = {},
                        const std::string& body = {});

// How a response differs from what the OpenAPI document (generated from the route table
// in-process) says of its route and status; empty when it conforms. A documented route
// must answer a documented status, with a body matching that status' schema for the
// response's media type (none when the status documents no content). A path no route
// matches answers with the generic error document. Undocumented routes (the docs pages)
// are not checked.
std::vector<std::string> response_problems(const std::string& method, const std::string& target,
                                           const HttpResult& result);
inline HttpResult http_get(int port, const std::string& target,
                           const std::map<std::string, std::string>& headers = {}) {
  return http_request(port, "GET", target, headers);
}

// Sends raw bytes and reads until the server closes or `timeout` passes.
std::string raw_exchange(int port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A connected socket for tests that send a request in pieces.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  void send(const std::string& bytes);
  std::string read_all(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

// `text` (a JWT, or a URL ending in one) with its signature's first character changed: a
// well-formed token whose signature no longer matches. Not the last character: in a 32-byte
// HS256 signature that one carries 4 bits and 2 zero bits, and changing it can make the
// encoding non-canonical, a malformed token rather than a bad signature (1 run in 64).
std::string with_tampered_signature(std::string text);

int free_port();
int run_command(const std::string& command);
// Runs `command` (a shell command line) with its output in a temporary log; when it fails,
// prints that log to stderr so the test's output shows why. Returns the exit status.
int run_command_showing_failures(const std::string& command);

}  // namespace forecourt::testing
