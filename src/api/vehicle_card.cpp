#include "api/vehicle_card.hpp"

#include <boost/json.hpp>

#include "api/schemas.hpp"
#include "storage/signed_url.hpp"

namespace forecourt::api {

std::string_view vehicles_by_ids_from_sql() {
  return "from unnest($1::uuid[]) with ordinality as w(id, n) "
         "join public.vehicles v on v.id = w.id and v.visible";
}

std::string uuid_array_literal(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (const auto& id : ids) out.append(out.size() > 1 ? "," : "").append(id);
  out += '}';
  return out;
}

std::string_view vehicle_card_json_sql() {
  // Filters and sorts elsewhere use the leakproof *_cents columns; here the numeric
  // columns are only rendered. The hero image is the row's own hero_image_path, which
  // triggers derive from vehicle_media (migration 20261126080000): a sub-select there cost
  // a media index descent plus, under anon, vehicle_media's per-row visibility probe, ~4 µs
  // of PostgreSQL time per card (bench/README.md).
  static constexpr std::string_view sql =
      "json_build_object("
      "'id', v.id, 'title', v.title, "
      "'price_current', v.price_current, 'price_list', v.price_list, "
      "'previous_price', case when v.price_previous_cents > v.price_current_cents "
      "then v.price_previous end, "
      "'year', v.year, 'make', v.make, 'model', v.model, 'trim', v.trim, "
      "'mileage', v.mileage, 'fuel', v.fuel, 'transmission', v.transmission, "
      "'condition', v.condition, "
      "'media_hero_url', 'unsigned:' || v.hero_image_path, "
      "'quick_specs', json_build_object('body_type', v.body_type, 'drivetrain', v.drivetrain, "
      "'color', v.color_ext, 'doors', v.doors, 'seats', v.seats), "
      "'is_new', v.condition = 'new', 'is_certified', v.condition = 'cpo', "
      "'is_special', v.is_special, "
      "'badges', array_remove(array["
      "case when v.condition = 'new' then 'New' end, "
      "case when v.condition = 'cpo' then 'CPO' end, "
      "case when v.is_special then 'Special' end, "
      "case when v.price_previous_cents > v.price_current_cents then 'Price Drop' end, "
      "case when v.is_featured then 'Featured' end], null), "
      "'location', (select json_build_object('id', l.id, 'city', l.city, 'state', l.state) "
      "from public.locations l where l.id = v.location_id))";
  return sql;
}

namespace {
constexpr std::string_view kPlaceholder = "\"unsigned:";
}

std::string sign_media_placeholders(std::string_view json_text, const MediaUrls& urls) {
  std::string out;
  out.reserve(json_text.size() + json_text.size() / 4);
  std::size_t pos = 0;
  while (true) {
    auto at = json_text.find(kPlaceholder, pos);
    if (at == std::string_view::npos) break;
    auto key_start = at + kPlaceholder.size();
    auto close = json_text.find('"', key_start);
    if (close == std::string_view::npos) break;
    // Storage keys are checked by the schema (no quotes); an escaped one is left alone.
    auto key = json_text.substr(key_start, close - key_start);
    out.append(json_text.substr(pos, at - pos));
    auto url = key.find('\\') == std::string_view::npos ? urls.url(key) : "";
    out += url.empty() ? "null" : boost::json::serialize(boost::json::string(url));
    pos = close + 1;
  }
  out.append(json_text.substr(pos));
  return out;
}

const boost::json::value& vehicle_card_schema() {
  static const auto schema = schemas::json(R"({"type":"object",
    "required":["id","title","price_current","year","mileage","fuel","transmission","media_hero_url",
                "quick_specs","is_new","is_certified","is_special","badges","location"],
    "properties":{
      "id":{"type":"string","format":"uuid"},
      "title":{"type":"string","description":"\"<year> <make> <model> <trim>\""},
      "price_current":{"type":"number","description":"Asking price in US dollars (two decimals)."},
      "price_list":{"type":["number","null"],"description":"List price (MSRP) in US dollars."},
      "previous_price":{"type":["number","null"],"description":"The price before the last drop, in US dollars; null unless the price dropped."},
      "year":{"type":"integer"},"make":{"type":"string"},"model":{"type":"string"},
      "trim":{"type":["string","null"]},
      "mileage":{"type":"integer","description":"Odometer in miles."},
      "fuel":{"type":"string","enum":["petrol","diesel","hybrid","plugin_hybrid","electric","flex","hydrogen"]},
      "transmission":{"type":"string","enum":["automatic","manual","cvt","dual_clutch"]},
      "condition":{"type":"string","enum":["new","used","cpo"]},
      "media_hero_url":{"type":["string","null"],"description":"Signed URL of the first image (expires after 15 minutes); null when the car has no image."},
      "quick_specs":{"type":"object","properties":{
        "body_type":{"type":"string"},"drivetrain":{"type":["string","null"]},
        "color":{"type":["string","null"]},"doors":{"type":["integer","null"]},"seats":{"type":["integer","null"]}}},
      "is_new":{"type":"boolean"},"is_certified":{"type":"boolean","description":"Certified pre-owned."},
      "is_special":{"type":"boolean"},
      "badges":{"type":"array","items":{"type":"string","enum":["New","CPO","Special","Price Drop","Featured"]}},
      "location":{"type":["object","null"],"properties":{"id":{"type":"string","format":"uuid"},
        "city":{"type":"string"},"state":{"type":"string"}}}}})");
  return schema;
}

const boost::json::value& vehicle_card_example() {
  static const auto example = schemas::json(R"({
    "id":"5eed0001-0000-4000-8000-000000000017","title":"2019 Toyota Camry SE",
    "price_current":19500.00,"price_list":20999.00,"previous_price":20500.00,
    "year":2019,"make":"Toyota","model":"Camry","trim":"SE","mileage":42000,
    "fuel":"petrol","transmission":"automatic","condition":"cpo",
    "media_hero_url":"/storage/v1/object/sign/vehicle-media/5eed0001-0000-4000-8000-000000000017/1.jpg?token=eyJ...",
    "quick_specs":{"body_type":"sedan","drivetrain":"fwd","color":"silver","doors":4,"seats":5},
    "is_new":false,"is_certified":true,"is_special":true,"badges":["CPO","Special","Price Drop"],
    "location":{"id":"7b0d9c1e-3f4a-4c2b-9e1d-5a6b7c8d9e0f","city":"Austin","state":"TX"}})");
  return example;
}

const std::vector<std::string>& vehicle_card_compact_fields() {
  static const std::vector<std::string> fields = {
      "id", "title", "price_current", "previous_price", "year", "mileage", "media_hero_url"};
  return fields;
}

}  // namespace forecourt::api
