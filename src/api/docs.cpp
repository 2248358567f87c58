// /openapi.json (the OpenAPI 3.1 document generated from the route table), and the two
// documentation UIs over it: Swagger UI at /docs and Redoc at /redoc. Their assets come
// from the npm packages in js/node_modules and are served by Forecourt itself (no CDN), so
// the pages work offline and under a strict Content-Security-Policy.
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "cli/commands.hpp"
#include "core/digest.hpp"
#include "core/log.hpp"
#include "http/errors.hpp"
#include "http/openapi.hpp"

namespace forecourt::api {
namespace fs = std::filesystem;
namespace bhttp = boost::beast::http;
using http::Request;
using http::Response;

namespace {

// The files each page needs, nothing else: the asset route serves only these names, so
// no path from a request ever reaches the file system.
struct AssetFile {
  std::string_view name;  // in the URL
  std::string_view path;  // inside the package
};
struct AssetPackage {
  std::string_view name;
  std::vector<AssetFile> files;
};
const std::vector<AssetPackage>& asset_packages() {
  static const std::vector<AssetPackage> packages = {
      {"swagger-ui-dist",
       {{"swagger-ui.css", "swagger-ui.css"},
        {"swagger-ui-bundle.js", "swagger-ui-bundle.js"},
        {"favicon-32x32.png", "favicon-32x32.png"}}},
      {"redoc", {{"redoc.standalone.js", "bundles/redoc.standalone.js"}}},
  };
  return packages;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string_view content_type_for(std::string_view file) {
  if (file.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (file.ends_with(".css")) return "text/css; charset=utf-8";
  if (file.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

struct Asset {
  std::string body;
  std::string etag;
};

// The installed packages, read once on first use (a few MB, then served from memory).
class DocsAssets {
 public:
  explicit DocsAssets(fs::path root) : root_(std::move(root)) {}

  // The installed version of a package ("" when it is not installed).
  const std::string& version(std::string_view package) {
    load();
    static const std::string none;
    auto it = versions_.find(std::string(package));
    return it == versions_.end() ? none : it->second;
  }
  const Asset* find(std::string_view package, std::string_view file) {
    load();
    auto it = files_.find(std::string(package) + "/" + std::string(file));
    return it == files_.end() ? nullptr : &it->second;
  }

 private:
  void load() {
    std::call_once(once_, [this] {
      for (const auto& pkg : asset_packages()) {
        auto dir = root_ / pkg.name;
        auto manifest = read_file(dir / "package.json");
        boost::system::error_code ec;
        auto doc = boost::json::parse(manifest, ec);
        if (ec || !doc.is_object() || !doc.as_object().contains("version")) {
          log::warn("docs UI assets missing: run `npm ci` in js/ (or set DOCS_ASSETS_DIR)",
                    {{"package", std::string(pkg.name)}, {"dir", dir.string()}});
          continue;
        }
        versions_[std::string(pkg.name)] = std::string(doc.at("version").as_string());
        for (const auto& file : pkg.files) {
          Asset a{read_file(dir / file.path), {}};
          if (a.body.empty()) {
            log::warn("docs UI asset missing or empty", {{"file", (dir / file.path).string()}});
            continue;
          }
          a.etag = "\"" + sha256_hex(a.body).substr(0, 32) + "\"";
          files_[std::string(pkg.name) + "/" + std::string(file.name)] = std::move(a);
        }
      }
    });
  }
  fs::path root_;
  std::once_flag once_;
  std::map<std::string, std::string> versions_;
  std::map<std::string, Asset> files_;
};

fs::path assets_root(const Config& config) {
  if (!config.docs_assets_dir.empty()) return config.docs_assets_dir;
  return cli::project_root() / "js" / "node_modules";
}

// Scripts only from this origin (no inline script, no eval); inline styles are allowed
// because Redoc (styled-components) and Swagger UI inject <style> elements. Try it out
// calls the API on this origin or on PUBLIC_BASE_URL. Redoc's search runs in a blob: worker.
std::string docs_csp(const std::string& server_url) {
  auto scheme = server_url.find("://");
  auto end = scheme == std::string::npos ? std::string::npos : server_url.find('/', scheme + 3);
  std::string origin = scheme == std::string::npos ? std::string() : server_url.substr(0, end);
  return "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
         "img-src 'self' data:; font-src 'self' data:; connect-src 'self'" +
         (origin.empty() ? std::string() : " " + origin) +
         "; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

std::string asset_url(DocsAssets& assets, std::string_view package, std::string_view file) {
  return "/docs/assets/" + std::string(package) + "/" + assets.version(package) + "/" +
         std::string(file);
}

std::string swagger_page(DocsAssets& assets) {
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>Forecourt API — Swagger UI</title>\n"
         "<link rel=\"stylesheet\" href=\"" +
         asset_url(assets, "swagger-ui-dist", "swagger-ui.css") +
         "\">\n<link rel=\"icon\" type=\"image/png\" href=\"" +
         asset_url(assets, "swagger-ui-dist", "favicon-32x32.png") +
         "\">\n</head>\n<body>\n<div id=\"swagger-ui\"></div>\n<script src=\"" +
         asset_url(assets, "swagger-ui-dist", "swagger-ui-bundle.js") +
         "\"></script>\n<script src=\"/docs/swagger-init.js\"></script>\n</body>\n</html>\n";
}

// External, not inline, so the page's CSP can forbid inline scripts.
constexpr std::string_view kSwaggerInit =
    R"js(// Forecourt: Swagger UI over this server's OpenAPI document.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    docExpansion: 'list',
    validatorUrl: null,
    displayRequestDuration: true,
    tryItOutEnabled: false
  });
});
)js";

std::string redoc_page(DocsAssets& assets) {
  // <redoc spec-url> initialises itself: no inline script needed.
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>Forecourt API — Redoc</title>\n</head>\n<body>\n"
         "<redoc spec-url=\"/openapi.json\"></redoc>\n<script src=\"" +
         asset_url(assets, "redoc", "redoc.standalone.js") + "\"></script>\n</body>\n</html>\n";
}

Response text_response(std::string body, std::string_view content_type) {
  Response res = http::json_response(200, std::move(body));
  res.set(bhttp::field::content_type, content_type);
  return res;
}

Response html_page(std::string body, const std::string& csp) {
  Response res = text_response(std::move(body), "text/html; charset=utf-8");
  res.set("Content-Security-Policy", csp);
  res.set(bhttp::field::cache_control, "no-cache");
  return res;
}

// Pages and assets are not API operations: they stay out of the OpenAPI document
// (documented = false) so the document describes only JSON endpoints, each with schemas
// and examples; /openapi.json itself is documented under the `docs` tag.
void register_ui_routes(http::Router& router, const Config& config) {
  using namespace http;
  auto assets = std::make_shared<DocsAssets>(assets_root(config));
  auto csp = std::make_shared<const std::string>(docs_csp(config.public_base_url));
  auto page = [](std::string path, std::string operation_id, std::string summary, Handler handler) {
    return Route{.method = Verb::get,
                 .path = std::move(path),
                 .handler = std::move(handler),
                 .operation_id = std::move(operation_id),
                 .summary = std::move(summary),
                 .description = "Documentation UI (HTML), not part of the API.",
                 .tags = {"docs"},
                 .access = Access::public_,
                 .cache = CachePolicy::revalidate,
                 .rate_class = "static",
                 .documented = false};
  };
  router.add(page("/docs", "getSwaggerUi", "Swagger UI",
                  [assets, csp](Request&) -> boost::asio::awaitable<Response> {
                    co_return html_page(swagger_page(*assets), *csp);
                  }));
  router.add(page("/redoc", "getRedoc", "Redoc",
                  [assets, csp](Request&) -> boost::asio::awaitable<Response> {
                    co_return html_page(redoc_page(*assets), *csp);
                  }));
  router.add(page("/docs/swagger-init.js", "getSwaggerInit", "Swagger UI start-up script",
                  [](Request&) -> boost::asio::awaitable<Response> {
                    co_return text_response(std::string(kSwaggerInit),
                                            "text/javascript; charset=utf-8");
                  }));
  router.add(page("/docs/assets/{package}/{version}/{file}", "getDocsAsset", "Docs UI asset",
                  [assets](Request& req) -> boost::asio::awaitable<Response> {
                    auto package = req.params.string("package");
                    auto file = req.params.string("file");
                    const Asset* asset = assets->find(package, file);
                    // Only the installed version: the URL names it, so the asset can be cached
                    // forever.
                    if (asset == nullptr ||
                        req.params.string("version") != assets->version(package))
                      throw http::not_found("No such documentation asset.");
                    Response res = text_response(asset->body, content_type_for(file));
                    res.set(bhttp::field::cache_control, "public, max-age=31536000, immutable");
                    res.set(bhttp::field::etag, asset->etag);
                    co_return res;
                  }));
}

}  // namespace

void register_docs_routes(http::Router& router, const Config& config) {
  using namespace http;
  register_ui_routes(router, config);
  // Rendered once on first use, after every route (this one included) is registered;
  // call_once because the I/O threads may all ask at the same moment.
  struct Rendered {
    std::once_flag once;
    std::string body;
  };
  auto rendered = std::make_shared<Rendered>();
  const Router* table = &router;
  auto handler = [rendered, table, server_url = config.public_base_url](
                     Request&) -> boost::asio::awaitable<Response> {
    std::call_once(rendered->once, [&] {
      rendered->body = boost::json::serialize(openapi_document(*table, server_url));
    });
    auto res = json_response(200, rendered->body);
    res.set(boost::beast::http::field::content_type, "application/json; charset=utf-8");
    co_return res;
  };
  router.add(Route{
      .method = Verb::get,
      .path = "/openapi.json",
      .handler = handler,
      .operation_id = "getOpenApiDocument",
      .summary = "This API's OpenAPI 3.1 document",
      .description = "Generated from the route table that serves requests, so it cannot drift "
                     "from what is served. Swagger UI (/docs) and Redoc (/redoc) render it.",
      .tags = {"docs"},
      .access = Access::public_,
      .responses =
          {{200, "The OpenAPI document.",
            schemas::json(
                R"({"type":"object","required":["openapi","info","paths"],"properties":{"openapi":{"type":"string"},"info":{"type":"object"},"paths":{"type":"object"}}})"),
            schemas::json(
                R"({"openapi":"3.1.0","info":{"title":"Forecourt API","version":"0.1.0"},"paths":{}})")}},
      .cache = CachePolicy::revalidate,
      .rate_class = "read"});
}

}  // namespace forecourt::api
