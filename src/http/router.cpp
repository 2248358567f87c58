#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace forecourt::http {
namespace {

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// "{path*}": a last segment that takes the rest of the path, one or more segments joined
// with '/' (storage object keys such as "vehicle-media/<id>/1.jpg").
bool is_tail_param(std::string_view segment) {
  return is_param(segment) && segment.size() > 3 && segment[segment.size() - 2] == '*';
}

std::string param_name(std::string_view segment) {
  return std::string(segment.substr(1, segment.size() - (is_tail_param(segment) ? 3 : 2)));
}

// Routes with more literal segments earlier in the path sort first.
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    bool pa = is_param(a[i]);
    bool pb = is_param(b[i]);
    if (pa != pb) return !pa;
  }
  return a.size() > b.size();
}

}  // namespace

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

void Router::add(Route route) {
  if (route.path.empty() || route.path.front() != '/')
    throw std::invalid_argument("route path must start with '/': " + route.path);
  Compiled c{nullptr, {}};
  for (auto seg : split_path(route.path)) {
    if (seg.find_first_of("{}") != std::string_view::npos && !is_param(seg)) {
      throw std::invalid_argument("malformed path segment in " + route.path);
    }
    if (!c.segments.empty() && is_tail_param(c.segments.back()))
      throw std::invalid_argument("a {name*} segment must come last in " + route.path);
    c.segments.emplace_back(seg);
  }
  for (const auto& existing : compiled_) {
    if (existing.route->method == route.method && existing.segments == c.segments) {
      throw std::invalid_argument("duplicate route " + route.path);
    }
  }
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  c.route = routes_.back().get();
  auto pos = std::find_if(compiled_.begin(), compiled_.end(), [&](const Compiled& other) {
    return more_specific(c.segments, other.segments);
  });
  compiled_.insert(pos, std::move(c));
}

Router::Match Router::match(Verb method, std::string_view path) const {
  auto parts = split_path(path);
  Match result;
  const std::vector<std::string>* matched_template = nullptr;
  for (const auto& c : compiled_) {
    bool tail = !c.segments.empty() && is_tail_param(c.segments.back());
    if (tail ? parts.size() < c.segments.size() : c.segments.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < c.segments.size() && ok; ++i) {
      ok = is_param(c.segments[i]) ? !parts[i].empty() : c.segments[i] == parts[i];
    }
    if (!ok) continue;
    // Only the most specific template counts: "/inventory/search" shadows "/inventory/{id}".
    if (matched_template != nullptr && *matched_template != c.segments) {
      bool same_shape = matched_template->size() == c.segments.size();
      for (std::size_t i = 0; same_shape && i < c.segments.size(); ++i) {
        same_shape = same_shape && (is_param((*matched_template)[i]) == is_param(c.segments[i]));
      }
      if (!same_shape) continue;
    }
    matched_template = &c.segments;
    result.allowed.push_back(c.route->method);
    bool wanted =
        c.route->method == method || (method == Verb::head && c.route->method == Verb::get);
    if (wanted && result.route == nullptr) {
      result.route = c.route;
      for (std::size_t i = 0; i < c.segments.size(); ++i) {
        if (is_tail_param(c.segments[i])) {
          std::string rest(parts[i]);
          for (std::size_t j = i + 1; j < parts.size(); ++j) rest += "/" + std::string(parts[j]);
          result.path_params.emplace_back(param_name(c.segments[i]), std::move(rest));
        } else if (is_param(c.segments[i])) {
          result.path_params.emplace_back(param_name(c.segments[i]), std::string(parts[i]));
        }
      }
    }
  }
  return result;
}

std::string Router::allow_header(const std::vector<Verb>& allowed) {
  std::vector<std::string> names;
  for (auto v : allowed) {
    names.emplace_back(boost::beast::http::to_string(v));
    if (v == Verb::get) names.emplace_back("HEAD");
  }
  names.emplace_back("OPTIONS");
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace forecourt::http
