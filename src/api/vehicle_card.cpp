#include "api/vehicle_card.hpp"

#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "api/json_text.hpp"
#include "api/schemas.hpp"
#include "domain/money.hpp"

namespace forecourt::api {

namespace {

// The card's columns, in the order CardRenderer reads them (Col). Prices as cents: the
// bigint columns render faster than numeric, and the renderer writes the dollars.
constexpr std::array<std::string_view, 24> kCardColumns = {"v.id",
                                                           "v.title",
                                                           "v.price_current_cents",
                                                           "v.price_list_cents",
                                                           "v.price_previous_cents",
                                                           "v.year",
                                                           "v.make",
                                                           "v.model",
                                                           "v.trim",
                                                           "v.mileage",
                                                           "v.fuel",
                                                           "v.transmission",
                                                           "v.condition",
                                                           "v.hero_image_path",
                                                           "v.body_type",
                                                           "v.drivetrain",
                                                           "v.color_ext",
                                                           "v.doors",
                                                           "v.seats",
                                                           "v.is_special",
                                                           "v.is_featured",
                                                           "l.id",
                                                           "l.city",
                                                           "l.state"};

enum Col : int {
  id,
  title,
  price_current,
  price_list,
  price_previous,
  year,
  make,
  model,
  trim,
  mileage,
  fuel,
  transmission,
  condition,
  hero_image_path,
  body_type,
  drivetrain,
  color_ext,
  doors,
  seats,
  is_special,
  is_featured,
  location_id,
  location_city,
  location_state,
  column_count
};
static_assert(kCardColumns.size() == Col::column_count);

// An integer column's text (PostgreSQL's own output: always well formed).
std::int64_t to_integer(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

std::string_view vehicle_card_columns_sql() {
  static const std::string sql = [] {
    std::string text;
    for (auto column : kCardColumns) text.append(text.empty() ? "" : ", ").append(column);
    return text;
  }();
  return sql;
}

std::string_view vehicle_card_location_join_sql() {
  return "left join public.locations l on l.id = v.location_id";
}

std::string_view vehicles_by_ids_from_sql() {
  static const std::string sql =
      "from unnest($1::uuid[]) with ordinality as w(id, n) "
      "join public.vehicles v on v.id = w.id and v.visible " +
      std::string(vehicle_card_location_join_sql());
  return sql;
}

std::string_view cards_by_ids_sql() {
  static const std::string sql = "select " + std::string(vehicle_card_columns_sql()) + " " +
                                 std::string(vehicles_by_ids_from_sql()) + " order by w.n";
  return sql;
}

std::string uuid_array_literal(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (const auto& id : ids) out.append(out.size() > 1 ? "," : "").append(id);
  out += '}';
  return out;
}

bool CardRenderer::has_card(int row) const { return !rows_.is_null(row, first_ + Col::id); }

std::string_view CardRenderer::id(int row) const { return rows_.text(row, first_ + Col::id); }

CardValues CardRenderer::values(int row) const {
  auto null = [&](int column) { return rows_.is_null(row, first_ + column); };
  auto text = [&](int column) { return rows_.text(row, first_ + column); };
  auto optional_text = [&](int column) -> std::optional<std::string_view> {
    if (null(column)) return std::nullopt;
    return text(column);
  };
  auto integer = [&](int column) { return to_integer(text(column)); };
  auto optional_integer = [&](int column) -> std::optional<std::int64_t> {
    if (null(column)) return std::nullopt;
    return integer(column);
  };
  CardValues card{.id = text(Col::id),
                  .title = text(Col::title),
                  .price_current_cents = integer(Col::price_current),
                  .price_list_cents = optional_integer(Col::price_list),
                  .price_previous_cents = optional_integer(Col::price_previous),
                  .year = integer(Col::year),
                  .mileage = integer(Col::mileage),
                  .make = text(Col::make),
                  .model = text(Col::model),
                  .fuel = text(Col::fuel),
                  .transmission = text(Col::transmission),
                  .condition = text(Col::condition),
                  .body_type = text(Col::body_type),
                  .trim = optional_text(Col::trim),
                  .drivetrain = optional_text(Col::drivetrain),
                  .color_ext = optional_text(Col::color_ext),
                  .hero_image_path = optional_text(Col::hero_image_path),
                  .doors = optional_integer(Col::doors),
                  .seats = optional_integer(Col::seats),
                  .is_special = text(Col::is_special) == "t",
                  .is_featured = text(Col::is_featured) == "t"};
  if (!null(Col::location_id))
    card.location = CardValues::Location{.id = text(Col::location_id),
                                         .city = text(Col::location_city),
                                         .state = text(Col::location_state)};
  return card;
}

namespace {

// `"key":value`, or `"key":null` when the value is absent: `write(value)` writes it.
template <class T, class Write>
void optional_member(json_text::Writer& w, std::string_view key, const std::optional<T>& value,
                     const Write& write) {
  w.key(key);
  if (value) {
    write(*value);
  } else {
    w.null();
  }
}
void optional_string(json_text::Writer& w, std::string_view key,
                     const std::optional<std::string_view>& value) {
  optional_member(w, key, value, [&w](std::string_view v) { w.string(v); });
}
void optional_integer(json_text::Writer& w, std::string_view key,
                      const std::optional<std::int64_t>& value) {
  optional_member(w, key, value, [&w](std::int64_t v) { w.integer(v); });
}
void money(json_text::Writer& w, std::string_view key, const std::optional<std::int64_t>& cents) {
  optional_member(w, key, cents,
                  [&w](std::int64_t v) { w.raw(domain::format_money(domain::Cents{v})); });
}

}  // namespace

void append_card(std::string& out, const CardValues& card, const MediaUrls& urls,
                 std::string_view extra_members) {
  json_text::Writer w(out);
  w.begin_object();
  const bool is_new = card.condition == "new";
  const bool is_certified = card.condition == "cpo";
  // The previous price only when it dropped (a raise is not shown as a former price).
  const bool dropped =
      card.price_previous_cents && *card.price_previous_cents > card.price_current_cents;
  w.key("id").string(card.id);
  w.key("title").string(card.title);
  money(w, "price_current", card.price_current_cents);
  money(w, "price_list", card.price_list_cents);
  money(w, "previous_price", dropped ? card.price_previous_cents : std::nullopt);
  w.key("year").integer(card.year);
  w.key("make").string(card.make);
  w.key("model").string(card.model);
  optional_string(w, "trim", card.trim);
  w.key("mileage").integer(card.mileage);
  w.key("fuel").string(card.fuel);
  w.key("transmission").string(card.transmission);
  w.key("condition").string(card.condition);
  optional_member(w, "media_hero_url", card.hero_image_path,
                  [&](std::string_view path) { w.string(urls.url(path)); });
  w.key("quick_specs").begin_object();
  w.key("body_type").string(card.body_type);
  optional_string(w, "drivetrain", card.drivetrain);
  optional_string(w, "color", card.color_ext);
  optional_integer(w, "doors", card.doors);
  optional_integer(w, "seats", card.seats);
  w.end_object();
  w.key("is_new").boolean(is_new);
  w.key("is_certified").boolean(is_certified);
  w.key("is_special").boolean(card.is_special);
  w.key("badges").begin_array();
  for (const auto& [on, name] : {std::pair{is_new, "New"},
                                 {is_certified, "CPO"},
                                 {card.is_special, "Special"},
                                 {dropped, "Price Drop"},
                                 {card.is_featured, "Featured"}}) {
    if (on) w.string(name);
  }
  w.end_array();
  w.key("location");
  if (card.location) {
    w.begin_object();
    w.key("id").string(card.location->id);
    w.key("city").string(card.location->city);
    w.key("state").string(card.location->state);
    w.end_object();
  } else {
    w.null();
  }
  if (!extra_members.empty()) w.out().append(",").append(extra_members);
  w.end_object();
}

std::string CardRenderer::array() const {
  std::string out;
  out.reserve(static_cast<std::size_t>(rows_.rows()) * 900);
  json_text::Writer w(out);
  w.begin_array();
  for (int row = 0; row < rows_.rows(); ++row) {
    if (has_card(row)) append(w.raw_value(), row);
  }
  w.end_array();
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
