#pragma once
// Request and response types shared by the router, the middleware and the handlers.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forecourt {
struct Services;  // per-I/O-thread services (db pool, redis, caches): app/services.hpp
}

namespace forecourt::http {

using Verb = boost::beast::http::verb;
using RawRequest = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct Route;

// Who is calling: filled by the auth stage; `anon` until then.
struct Caller {
  std::string db_role = "anon";                    // PostgreSQL role for RLS: anon | authenticated
  std::string app_role = "anonymous";              // anonymous | customer | staff | admin
  std::string user_id;                             // auth.uid(), empty for anon
  std::string aal;                                 // aal1 | aal2
  std::string claims_json = R"({"role":"anon"})";  // request.jwt.claims

  // Sees exactly what an anonymous visitor sees of the inventory (RLS lets staff see more):
  // such responses may be shared, and written from what was read as anon.
  [[nodiscard]] bool sees_public_view() const {
    return app_role == "anonymous" || app_role == "customer";
  }
};

// Validated parameter values by name (path, query and header parameters of the route).
class Params {
 public:
  void add(const std::string& name, std::string value) {
    values_[name].push_back(std::move(value));
  }
  [[nodiscard]] bool has(std::string_view name) const {
    return values_.find(name) != values_.end();
  }
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> all(std::string_view name) const;
  // Typed getters: the value was validated against the route's ParamSpec already.
  [[nodiscard]] std::optional<long long> integer(std::string_view name) const;
  [[nodiscard]] std::optional<double> number(std::string_view name) const;
  [[nodiscard]] std::optional<bool> boolean(std::string_view name) const;
  [[nodiscard]] std::string string(std::string_view name, std::string_view fallback = {}) const;
  [[nodiscard]] const std::map<std::string, std::vector<std::string>, std::less<>>& values() const {
    return values_;
  }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

struct Request {
  RawRequest msg;
  std::string path;                                        // decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::vector<std::pair<std::string, std::string>> path_params;
  Params params;
  std::string request_id;
  std::string peer_ip;
  std::string client_ip;           // after trusted-proxy resolution
  bool via_trusted_proxy = false;  // the peer is in TRUSTED_PROXIES (X-Forwarded-* believed)
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  const Route* route = nullptr;
  Caller caller;
  Services* services = nullptr;
  std::optional<bool> cache_hit;                // for the access log
  std::optional<boost::json::value> body_json;  // parsed & validated body, when the route has one

  [[nodiscard]] std::string_view header(std::string_view name) const;
  [[nodiscard]] Verb method() const { return msg.method(); }
};

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// Response builders: every JSON body goes out through these.
Response json_response(int status, std::string body);
Response json_response(int status, const boost::json::value& body);
Response empty_response(int status);

}  // namespace forecourt::http
