// /openapi.json: the OpenAPI 3.1 document generated from the route table.
#include <boost/json.hpp>
#include <memory>

#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "http/openapi.hpp"

namespace forecourt::api {

void register_docs_routes(http::Router& router, std::string server_url) {
  using namespace http;
  // Rendered on first use, after every route (this one included) is registered.
  auto rendered = std::make_shared<std::string>();
  const Router* table = &router;
  auto handler = [rendered, table, server_url](Request&) -> boost::asio::awaitable<Response> {
    if (rendered->empty()) *rendered = boost::json::serialize(openapi_document(*table, server_url));
    auto res = json_response(200, *rendered);
    res.set(boost::beast::http::field::content_type, "application/json; charset=utf-8");
    co_return res;
  };
  router.add(Route{
      .method = Verb::get,
      .path = "/openapi.json",
      .handler = handler,
      .operation_id = "getOpenApiDocument",
      .summary = "This API's OpenAPI 3.1 document",
      .description = "Generated from the route table that serves requests.",
      .tags = {"docs"},
      .access = Access::public_,
      .responses =
          {{200, "The OpenAPI document.",
            schemas::json(R"({"type":"object","required":["openapi","paths"]})"),
            schemas::json(
                R"({"openapi":"3.1.0","info":{"title":"Forecourt API","version":"0.1.0"},"paths":{}})")}},
      .cache = CachePolicy::revalidate,
      .rate_class = "read"});
}

}  // namespace forecourt::api
