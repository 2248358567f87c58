// /locations: the dealership's rooftops (multi-branch), public.
#include <boost/json.hpp>

#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "app/services.hpp"
#include "db/tx.hpp"
#include "http/errors.hpp"
#include "http/identity.hpp"
#include "http/route.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

// PostgreSQL renders the JSON; the handler passes the text through. One shape of a
// location serves the list and the single read.
constexpr std::string_view kLocationJson =
    "json_build_object('id', l.id, 'name', l.name, 'slug', l.slug, 'address', l.address, 'city', "
    "l.city, "
    "'state', l.state, 'postal_code', l.postal_code, 'country', l.country, 'lat', l.lat, 'lng', "
    "l.lng, "
    "'phone', l.phone, 'whatsapp', l.whatsapp, 'email', l.email, 'timezone', l.timezone, 'hours', "
    "l.hours_json)";

std::string_view list_locations_sql() {
  static const std::string sql = "select json_build_object('data', coalesce(json_agg(" +
                                 std::string(kLocationJson) +
                                 " order by l.state, l.city, l.name), '[]'::json), "
                                 "'meta', json_build_object('total', count(*)))::text "
                                 "from public.locations l where l.is_active";
  return sql;
}

std::string_view get_location_sql() {
  static const std::string sql =
      "select json_build_object('data', " + std::string(kLocationJson) +
      ")::text from public.locations l where l.id = $1::uuid and l.is_active";
  return sql;
}

asio::awaitable<Response> list_locations(Request& req) {
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  auto r = co_await tx.query_and_commit(db::Query{list_locations_sql(), {}});
  co_return http::json_response(200, std::string(r.text(0, 0)));
}

asio::awaitable<Response> get_location(Request& req) {
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  // A named query, not a braced list inside co_await: g++ 12 miscompiles that.
  db::Query query{get_location_sql(), {req.params.string("id")}};
  auto r = co_await tx.query_and_commit(std::move(query));
  if (r.empty()) throw http::not_found("No location has that id.");
  co_return http::json_response(200, std::string(r.text(0, 0)));
}

const boost::json::value& location_schema() {
  static const auto schema = schemas::json(
      R"({"type":"object","required":["id","name","city","state","hours"],"properties":{
    "id":{"type":"string","format":"uuid"},"name":{"type":"string"},"slug":{"type":"string"},
    "address":{"type":"string"},"city":{"type":"string"},"state":{"type":"string"},
    "postal_code":{"type":["string","null"]},"country":{"type":"string"},
    "lat":{"type":["number","null"]},"lng":{"type":["number","null"]},
    "phone":{"type":["string","null"]},"whatsapp":{"type":["string","null"]},"email":{"type":["string","null"]},
    "timezone":{"type":"string"},
    "hours":{"type":"object","description":"Opening hours per weekday: {\"mon\":[[\"09:00\",\"18:00\"]], ...}"}}})");
  return schema;
}

const boost::json::value& location_example() {
  static const auto example = schemas::json(
      R"({"id":"7b0d9c1e-3f4a-4c2b-9e1d-5a6b7c8d9e0f","name":"Forecourt Motors Austin",
    "slug":"austin","address":"1200 Congress Ave","city":"Austin","state":"TX","postal_code":"78701","country":"US",
    "lat":30.2747,"lng":-97.7404,"phone":"+1-512-555-0100","whatsapp":"+1-512-555-0101","email":"austin@forecourt.local",
    "timezone":"America/Chicago","hours":{"mon":[["09:00","19:00"]],"sat":[["10:00","17:00"]],"sun":[]}})");
  return example;
}

}  // namespace

void register_location_routes(http::Router& router) {
  using namespace http;
  router.add(Route{
      .method = Verb::get,
      .path = "/locations",
      .handler = list_locations,
      .operation_id = "listLocations",
      .summary = "The dealership's locations",
      .description =
          "Every active rooftop with address, contact details, coordinates and opening hours.",
      .tags = {"locations"},
      .access = Access::public_,
      .responses = {{200, "All active locations.",
                     boost::json::value{
                         {"type", "object"},
                         {"required", boost::json::array{"data", "meta"}},
                         {"properties",
                          {{"data", {{"type", "array"}, {"items", location_schema()}}},
                           {"meta", {{"type", "object"}}}}}},
                     boost::json::value{{"data", boost::json::array{location_example()}},
                                        {"meta", {{"total", 1}}}}}},
      .cache = CachePolicy::public_short,
      .rate_class = "read",
      .compact_fields = {"id", "name", "city", "state", "phone"}});
  router.add(Route{
      .method = Verb::get,
      .path = "/locations/{id}",
      .handler = get_location,
      .operation_id = "getLocation",
      .summary = "One location",
      .description = "A rooftop by id.",
      .tags = {"locations"},
      .access = Access::public_,
      .params = {ParamSpec{.name = "id",
                           .in = ParamIn::path,
                           .type = ParamType::uuid,
                           .required = true,
                           .description = "Location id.",
                           .example = "7b0d9c1e-3f4a-4c2b-9e1d-5a6b7c8d9e0f"}},
      .responses = {{200, "The location.", schemas::envelope(location_schema()),
                     boost::json::value{{"data", location_example()}}},
                    {404, "No active location has that id.", schemas::error_document(), nullptr}},
      .cache = CachePolicy::public_short,
      .rate_class = "read",
      .compact_fields = {"id", "name", "city", "state", "phone"}});
}

}  // namespace forecourt::api
