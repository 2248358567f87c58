#include "harness.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "app/app.hpp"
#include "http/json_schema.hpp"
#include "http/openapi.hpp"
#include "http/params.hpp"

extern char** environ;  // NOLINT

namespace forecourt::testing {
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string unique_email(std::string_view prefix) {
  static std::mt19937_64 random{std::random_device{}()};
  std::string email(prefix);
  email.append("-").append(std::to_string(unix_now())).append("-");
  email.append(std::to_string(random() % 1000000)).append("@example.com");
  return email;
}

std::string error_code(const HttpResult& r) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(r.body, ec);
  if (ec || !doc.is_object()) return "(not JSON) " + r.body;
  const auto& o = doc.as_object();
  if (const auto* errors = o.if_contains("errors");
      errors && errors->is_array() && !errors->as_array().empty())
    return boost::json::value_to<std::string>(errors->as_array()[0].at("code"));
  for (const char* key : {"code", "error_code"}) {
    if (const auto* code = o.if_contains(key); code && code->is_string())
      return std::string(code->as_string());
  }
  return "(no error code) " + r.body;
}

std::map<std::string, std::string> gotrue_headers(std::string_view anon_key,
                                                  std::string_view access_token) {
  std::string bearer = "Bearer ";
  bearer.append(access_token.empty() ? anon_key : access_token);
  return {{"Authorization", bearer},
          {"apikey", std::string(anon_key)},
          {"X-Supabase-Api-Version", "2024-01-01"}};
}
using tcp = boost::asio::ip::tcp;

std::string required_env(const char* name) {
  const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before threads start
  if (v == nullptr || *v == '\0') {
    ADD_FAILURE()
        << name
        << " is not set: run the integration tests through `make test` (tests/run-suite.sh), "
        << "which starts PostgreSQL and Redis and exports their URLs";
    return {};
  }
  return v;
}

std::string HttpResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string with_tampered_signature(std::string text) {
  char& first = text[text.rfind('.') + 1];
  first = first == 'A' ? 'B' : 'A';
  return text;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  // Port 0: the kernel picks a free one; getsockname reads it (0 if bind failed).
  (void)::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

int run_command(const std::string& command) {
  int rc = std::system(command.c_str());  // NOLINT(cert-env33-c): test harness, fixed commands
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int run_command_showing_failures(const std::string& command) {
  char tmpl[] = "/tmp/forecourt-command-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd >= 0) ::close(fd);
  const std::string log = tmpl;
  const int rc = run_command("( " + command + " ) > '" + log + "' 2>&1");
  if (rc != 0) (void)run_command("cat '" + log + "' >&2");
  std::filesystem::remove(log);
  return rc;
}

ServerProcess::ServerProcess(std::map<std::string, std::string> env) {
  port_ = free_port();
  char tmpl[] = "/tmp/forecourt-it-XXXXXX";
  int log_fd = ::mkstemp(tmpl);
  log_path_ = tmpl;
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  vars["PORT"] = std::to_string(port_);
  vars["HOST"] = "127.0.0.1";
  vars["IO_THREADS"] = "2";
  vars["ENVIRONMENT"] = "test";
  vars["LOG_LEVEL"] = "info";
  // Suites share one Redis and one client IP: limits x1000 unless a test sets its own.
  vars["RATE_LIMIT_MULTIPLIER"] = "1000";
  for (auto& [k, v] : env) vars[k] = v;
  std::vector<std::string> flat;
  for (auto& [k, v] : vars) flat.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : flat) envp.push_back(s.data());
  envp.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    const char* argv[] = {FORECOURT_BINARY, "serve", nullptr};
    ::execve(FORECOURT_BINARY, const_cast<char* const*>(argv), envp.data());
    ::_exit(127);
  }
  ::close(log_fd);
  // Ready when the liveness route answers.
  for (int i = 0; i < 200; ++i) {
    try {
      if (http_get(port_, "/meta/live").status == 200) return;
    } catch (const std::exception&) {
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      ADD_FAILURE() << "forecourt exited during start-up:\n" << log();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "forecourt did not answer /meta/live within 10 s:\n" << log();
}

ServerProcess::~ServerProcess() {
  if (!exited_ && pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (wait_exit(std::chrono::seconds(15)) == -1) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ::unlink(log_path_.c_str());
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ServerProcess::signal(int signo) const { ::kill(pid_, signo); }

int ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers,
                        const std::string& body) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) {
    req.body() = body;
    if (req.find(bhttp::field::content_type) == req.end())
      req.set(bhttp::field::content_type, "application/json");
  }
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::uint64_t{64} * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(stream, buffer, parser);
  auto res = parser.release();
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  for (const auto& problem : response_problems(method, target, out))
    ADD_FAILURE() << problem << "\nbody: " << out.body.substr(0, 600);
  return out;
}

// ---------------------------------------------------------------- response validation
namespace {
namespace json = boost::json;

// The route table and its document, built once as the server builds them.
struct Contract {
  Contract() {
    auto loaded = load_config({}, ConfigNeeds::none);
    config = *loaded;
    register_all_routes(router, config);
    document = http::openapi_document(router, "http://127.0.0.1:8080");
    error_schema = std::make_unique<http::JsonSchema>(
        document.at("components").at("schemas").at("ErrorDocument"));
  }
  // One compiled validator per (operation, status, media type), made on first use.
  const http::JsonSchema& schema(const std::string& key, const json::value& schema) {
    std::lock_guard lock(mutex);
    auto& slot = compiled[key];
    if (!slot) slot = std::make_unique<http::JsonSchema>(http::resolve_refs(schema, document));
    return *slot;
  }
  Config config;
  http::Router router;
  json::value document;
  std::unique_ptr<http::JsonSchema> error_schema;
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<http::JsonSchema>> compiled;
};

Contract& contract() {
  static Contract c;
  return c;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_json_media(std::string_view type) {
  return type.starts_with("application/json") ||
         (type.starts_with("application/") && type.find("+json") != std::string_view::npos);
}

void check_body(const http::JsonSchema& schema, const std::string& where, const HttpResult& result,
                std::vector<std::string>& problems) {
  boost::system::error_code ec;
  auto body = json::parse(result.body, ec);
  if (ec) {
    problems.push_back(where + ": the body is not JSON (" + ec.message() + ")");
    return;
  }
  for (const auto& e : schema.validate(body)) {
    problems.push_back(where + ": the body does not match the documented schema at '" + e.pointer +
                       "': " + e.detail);
  }
}

}  // namespace

std::vector<std::string> response_problems(const std::string& method, const std::string& target,
                                           const HttpResult& result) {
  auto& c = contract();
  std::vector<std::string> problems;
  std::string path = target.substr(0, target.find('?'));
  if (auto parsed = http::parse_target(target); parsed) path = parsed->path;
  auto verb = bhttp::string_to_verb(method);
  const bool head = verb == bhttp::verb::head;
  auto match = c.router.match(verb, path);
  const auto content_type =
      lower(result.header("content-type").substr(0, result.header("content-type").find(';')));
  const std::string where = method + " " + target + " -> " + std::to_string(result.status);
  if (match.route == nullptr) {
    // No route for this method and path: 404/405 (or OPTIONS' 204), with the generic error
    // document when there is a body.
    if (result.status >= 400 && !head && !result.body.empty())
      check_body(*c.error_schema, where + " (no route)", result, problems);
    return problems;
  }
  const auto& route = *match.route;
  if (!route.documented) return problems;
  const std::string op_name =
      lower(std::string(bhttp::to_string(route.method))) + " " + http::openapi_path(route.path);
  const auto& op = c.document.at("paths")
                       .at(http::openapi_path(route.path))
                       .at(lower(std::string(bhttp::to_string(route.method))))
                       .as_object();
  const auto* response = op.at("responses").as_object().if_contains(std::to_string(result.status));
  const std::string route_where = where + " (route " + op_name + ")";
  if (response == nullptr) {
    problems.push_back(route_where + ": status " + std::to_string(result.status) +
                       " is not documented for this route");
    return problems;
  }
  const auto* content = response->as_object().if_contains("content");
  if (content == nullptr) {
    if (!head && !result.body.empty())
      problems.push_back(route_where + ": a body, where the status documents none");
    return problems;
  }
  if (head) return problems;  // HEAD has the GET's headers and no body
  const auto& media_types = content->as_object();
  const auto* media = media_types.if_contains(content_type);
  const bool exact_type = media != nullptr;
  if (media == nullptr) {  // a documented range ("image/*", "*/*"): stored files of any type
    media = media_types.if_contains(content_type.substr(0, content_type.find('/')) + "/*");
    if (media == nullptr) media = media_types.if_contains("*/*");
  }
  if (media == nullptr) {
    std::string documented;
    for (const auto& m : media_types)
      documented += (documented.empty() ? "" : ", ") + std::string(m.key());
    problems.push_back(route_where + ": Content-Type '" + content_type +
                       "' is not documented (documented: " + documented + ")");
    return problems;
  }
  // Bytes, HTML, or a file whose type the range allows: the type is the contract.
  if (!exact_type || !is_json_media(content_type)) return problems;
  // ?view=compact keeps a route's compact_fields of the documented body: a projection, so
  // the full schema's required members don't apply to it.
  if (target.find("view=compact") != std::string::npos) return problems;
  const auto* schema = media->as_object().if_contains("schema");
  if (schema == nullptr) return problems;
  check_body(c.schema(op_name + " " + std::to_string(result.status) + " " + content_type, *schema),
             route_where, result, problems);
  return problems;
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    ADD_FAILURE() << "connect failed";
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void RawConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

std::string RawConnection::read_all(std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[8192];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string raw_exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
  RawConnection c(port);
  c.send(bytes);
  return c.read_all(timeout);
}

}  // namespace forecourt::testing
