#include "http/body_validation.hpp"

#include <boost/json.hpp>
#include <map>
#include <memory>

#include "http/errors.hpp"
#include "http/json_schema.hpp"

namespace forecourt::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

using Schemas = std::map<const Route*, std::shared_ptr<const JsonSchema>>;

boost::json::value parse_body(const Request& req) {
  auto content_type = req.header("Content-Type");
  // application/json, optionally with parameters, or any +json type.
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media != "application/json" && !media.ends_with("+json")) {
    throw HttpError(
        415, "unsupported_media_type",
        "The request body must be application/json, got '" + std::string(content_type) + "'.")
        .with_header("Accept-Post", "application/json");
  }
  const auto& body = req.msg.body();
  if (body.empty())
    throw HttpError(400, "bad_json", "The request body is empty; a JSON document is expected.");
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec) {
    throw HttpError(400, "bad_json", "The request body is not valid JSON: " + ec.message() + ".");
  }
  return doc;
}

asio::awaitable<Response> body_stage(Request& req, const Next& next, const Schemas& schemas) {
  if (req.route != nullptr) {
    if (auto it = schemas.find(req.route); it != schemas.end()) {
      auto body = parse_body(req);
      if (auto errors = it->second->validate(body); !errors.empty())
        throw HttpError(std::move(errors));
      req.body_json = std::move(body);
    }
  }
  co_return co_await next(req);
}

}  // namespace

Middleware make_body_validation_stage(const Router& router) {
  auto schemas = std::make_shared<Schemas>();
  for (const auto& route : router.routes()) {
    if (route->body_schema.is_null()) continue;
    try {
      (*schemas)[route.get()] =
          std::make_shared<const JsonSchema>(strict_schema(route->body_schema));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string(bhttp::to_string(route->method)) + " " + route->path +
                                  ": body_schema: " + e.what());
    }
  }
  return [schemas](Request& req, const Next& next) { return body_stage(req, next, *schemas); };
}

}  // namespace forecourt::http
