// The whole route table, as the server registers it (register_all_routes): every route is
// documented completely, and every example in the generated OpenAPI document validates
// against its schema (valijson, the validator the pipeline uses for bodies).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "app/app.hpp"
#include "http/json_schema.hpp"
#include "http/openapi.hpp"

namespace forecourt {
namespace {
namespace json = boost::json;

struct Table {
  Table() {
    auto loaded = load_config({}, ConfigNeeds::none);
    config = *loaded;
    register_all_routes(router, config);
    document = http::openapi_document(router, "http://127.0.0.1:8080");
  }
  Config config;
  http::Router router;
  json::value document;
};

const Table& table() {
  static const Table t;
  return t;
}

std::string name(const http::Route& r) {
  return std::string(boost::beast::http::to_string(r.method)) + " " + r.path;
}

TEST(RouteTable, EveryDocumentedRouteIsComplete) {
  std::set<std::string> ids;
  int documented = 0;
  for (const auto& route : table().router.routes()) {
    const auto& r = *route;
    if (!r.documented) continue;
    ++documented;
    SCOPED_TRACE(name(r));
    EXPECT_FALSE(r.operation_id.empty());
    EXPECT_TRUE(ids.insert(r.operation_id).second) << "duplicate operation_id " << r.operation_id;
    EXPECT_FALSE(r.summary.empty());
    EXPECT_FALSE(r.description.empty());
    EXPECT_FALSE(r.tags.empty());
    EXPECT_FALSE(r.rate_class.empty());
    bool success = false;
    for (const auto& resp : r.responses) {
      SCOPED_TRACE(resp.status);
      EXPECT_FALSE(resp.description.empty());
      if (resp.status >= 300 && resp.status < 400 && resp.status != 304)
        success = true;  // a redirect
      if (resp.status >= 200 && resp.status < 300) {
        success = true;
        if (resp.status != 204) {
          EXPECT_FALSE(resp.schema.is_null()) << "a success response needs a schema";
          EXPECT_FALSE(resp.example.is_null()) << "a success response needs an example";
        }
      }
    }
    EXPECT_TRUE(success) << "no 2xx (or redirect) response documented";
    bool has_path_param = r.path.find('{') != std::string::npos;
    for (const auto& p : r.params) {
      SCOPED_TRACE(p.name);
      EXPECT_FALSE(p.description.empty());
      EXPECT_FALSE(p.example.empty()) << "every parameter needs an example";
    }
    if (has_path_param) {
      bool has_404 = std::any_of(r.responses.begin(), r.responses.end(),
                                 [](const http::ResponseSpec& s) { return s.status == 404; });
      EXPECT_TRUE(has_404) << "a route with a path parameter can answer 404: document it";
    }
    if (!r.body_schema.is_null()) {
      EXPECT_FALSE(r.body_example.is_null()) << "a body schema needs an example";
    }
  }
  EXPECT_GT(documented, 0);
}

TEST(RouteTable, EveryOperationDocumentsItsErrorStatuses) {
  const auto& paths = table().document.at("paths").as_object();
  for (const auto& route : table().router.routes()) {
    if (!route->documented) continue;
    SCOPED_TRACE(name(*route));
    std::string verb(boost::beast::http::to_string(route->method));
    for (auto& c : verb) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto& op = paths.at(http::openapi_path(route->path)).at(verb).as_object();
    const auto& responses = op.at("responses").as_object();
    for (const auto* status : {"429", "500"}) EXPECT_TRUE(responses.contains(status)) << status;
    bool has_4xx = false;
    for (const auto& kv : responses) has_4xx |= kv.key().starts_with("4");
    EXPECT_TRUE(has_4xx);
    if (!route->body_schema.is_null()) {
      for (const auto* status : {"400", "413", "415", "422"})
        EXPECT_TRUE(responses.contains(status)) << status;
    }
    for (const auto& kv : responses) {
      const auto* content = kv.value().as_object().if_contains("content");
      if (content == nullptr) continue;
      for (const auto& media : content->as_object())
        EXPECT_TRUE(media.value().as_object().contains("example")) << kv.key() << " has no example";
    }
  }
}

void expect_valid(const json::value& schema, const json::value& example, const std::string& what) {
  http::JsonSchema validator(http::resolve_refs(schema, table().document));
  for (const auto& e : validator.validate(example))
    ADD_FAILURE() << what << ": example does not match its schema at '" << e.pointer
                  << "': " << e.detail;
}

TEST(RouteTable, EveryExampleValidatesAgainstItsSchema) {
  int checked = 0;
  for (const auto& path : table().document.at("paths").as_object()) {
    for (const auto& op : path.value().as_object()) {
      auto where = std::string(op.key()) + " " + std::string(path.key());
      const auto& o = op.value().as_object();
      if (const auto* params = o.if_contains("parameters")) {
        for (const auto& p : params->as_array()) {
          const auto& po = p.as_object();
          if (!po.contains("example")) continue;
          // Typed by the generator (an integer parameter's example is a JSON number).
          const json::value& ex = po.at("example");
          expect_valid(po.at("schema"), ex,
                       where + " parameter " + std::string(po.at("name").as_string()));
          ++checked;
        }
      }
      if (const auto* body = o.if_contains("requestBody")) {
        for (const auto& media : body->at("content").as_object()) {
          const auto& mo = media.value().as_object();
          if (mo.contains("example")) {
            expect_valid(mo.at("schema"), mo.at("example"), where + " request body");
            ++checked;
          }
        }
      }
      for (const auto& resp : o.at("responses").as_object()) {
        const auto* content = resp.value().as_object().if_contains("content");
        if (content == nullptr) continue;
        for (const auto& media : content->as_object()) {
          const auto& mo = media.value().as_object();
          if (mo.contains("example")) {
            expect_valid(mo.at("schema"), mo.at("example"),
                         where + " response " + std::string(resp.key()));
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 10);
}

TEST(RouteTable, DocsPagesAreServedButNotInTheDocument) {
  const auto& paths = table().document.at("paths").as_object();
  EXPECT_FALSE(paths.contains("/docs"));
  EXPECT_FALSE(paths.contains("/redoc"));
  EXPECT_TRUE(paths.contains("/openapi.json"));
  EXPECT_NE(table().router.match(http::Verb::get, "/docs").route, nullptr);
  EXPECT_NE(table().router.match(http::Verb::get, "/redoc").route, nullptr);
}

TEST(RouteTable, EveryTagHasADescription) {
  for (const auto& tag : table().document.at("tags").as_array())
    EXPECT_FALSE(tag.at("description").as_string().empty()) << tag.at("name");
}

}  // namespace
}  // namespace forecourt
