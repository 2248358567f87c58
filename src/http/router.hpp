#pragma once
// Matches a method and path to a declared route. Literal segments win over parameters
// ("/inventory/search" before "/inventory/{id}"); HEAD is served by the GET route.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/route.hpp"

namespace forecourt::http {

class Router {
 public:
  // Throws std::invalid_argument on a duplicate (method, path) or a malformed template.
  void add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> path_params;
    std::vector<Verb> allowed;  // methods that exist for this path (for 405 and OPTIONS)
  };
  [[nodiscard]] Match match(Verb method, std::string_view path) const;

  [[nodiscard]] const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }
  [[nodiscard]] static std::string allow_header(const std::vector<Verb>& allowed);

 private:
  struct Compiled {
    const Route* route;
    std::vector<std::string> segments;  // "{name}" marks a parameter
  };
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<Compiled> compiled_;  // most specific first
};

// Splits "/a/b/c" into {"a","b","c"}; "/" into {}.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace forecourt::http
