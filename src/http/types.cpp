#include "http/types.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

namespace forecourt::http {

std::optional<std::string_view> Params::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return std::string_view(it->second.front());
}

std::vector<std::string> Params::all(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<long long> Params::integer(std::string_view name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  long long out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || p != v->data() + v->size()) return std::nullopt;
  return out;
}

std::optional<double> Params::number(std::string_view name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  double out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || p != v->data() + v->size()) return std::nullopt;
  return out;
}

std::optional<bool> Params::boolean(std::string_view name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  return *v == "true" || *v == "1";
}

std::string Params::string(std::string_view name, std::string_view fallback) const {
  auto v = get(name);
  return std::string(v ? *v : fallback);
}

std::string_view Request::header(std::string_view name) const {
  auto it = msg.find(name);
  return it == msg.end() ? std::string_view{} : std::string_view(it->value());
}

Response json_response(int status, std::string body) {
  Response res{static_cast<boost::beast::http::status>(status), 11};
  res.set(boost::beast::http::field::content_type, "application/json; charset=utf-8");
  res.body() = std::move(body);
  return res;
}

Response json_response(int status, const boost::json::value& body) {
  return json_response(status, boost::json::serialize(body));
}

Response empty_response(int status) {
  Response res{static_cast<boost::beast::http::status>(status), 11};
  return res;
}

}  // namespace forecourt::http
