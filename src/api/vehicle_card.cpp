#include "api/vehicle_card.hpp"

#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cstdint>

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

std::int64_t to_cents(std::string_view cents_text) {
  std::int64_t cents = 0;
  std::from_chars(cents_text.data(), cents_text.data() + cents_text.size(), cents);
  return cents;
}

void append_money(std::string& out, std::string_view cents_text) {
  out += domain::format_money(domain::Cents{to_cents(cents_text)});
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

int vehicle_card_column_count() { return Col::column_count; }

std::string_view vehicle_card_location_join_sql() {
  return "left join public.locations l on l.id = v.location_id";
}

std::string_view vehicles_by_ids_from_sql() {
  return "from unnest($1::uuid[]) with ordinality as w(id, n) "
         "join public.vehicles v on v.id = w.id and v.visible "
         "left join public.locations l on l.id = v.location_id";
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

std::string_view CardRenderer::text(int row, int column) const {
  return rows_.text(row, first_ + column);
}

bool CardRenderer::is_null(int row, int column) const {
  return rows_.is_null(row, first_ + column);
}

bool CardRenderer::has_card(int row) const { return !is_null(row, Col::id); }

std::string_view CardRenderer::id(int row) const { return text(row, Col::id); }

void CardRenderer::append(std::string& out, int row, std::string_view extra_members) const {
  auto string_or_null = [&](int column) {
    if (is_null(row, column)) {
      out += "null";
    } else {
      json_text::append_string(out, text(row, column));
    }
  };
  auto number_or_null = [&](int column) {
    out += is_null(row, column) ? std::string_view("null") : text(row, column);
  };
  auto money_or_null = [&](int column) {
    if (is_null(row, column)) {
      out += "null";
    } else {
      append_money(out, text(row, column));
    }
  };
  auto flag = [&](int column) { return text(row, column) == "t"; };
  const auto cond = text(row, Col::condition);
  // The previous price only when it dropped (a raise is not shown as a former price).
  const bool dropped =
      !is_null(row, Col::price_previous) &&
      to_cents(text(row, Col::price_previous)) > to_cents(text(row, Col::price_current));

  out += "{\"id\":";
  string_or_null(Col::id);
  out += ",\"title\":";
  string_or_null(Col::title);
  out += ",\"price_current\":";
  money_or_null(Col::price_current);
  out += ",\"price_list\":";
  money_or_null(Col::price_list);
  out += ",\"previous_price\":";
  if (dropped) {
    append_money(out, text(row, Col::price_previous));
  } else {
    out += "null";
  }
  out += ",\"year\":";
  number_or_null(Col::year);
  out += ",\"make\":";
  string_or_null(Col::make);
  out += ",\"model\":";
  string_or_null(Col::model);
  out += ",\"trim\":";
  string_or_null(Col::trim);
  out += ",\"mileage\":";
  number_or_null(Col::mileage);
  out += ",\"fuel\":";
  string_or_null(Col::fuel);
  out += ",\"transmission\":";
  string_or_null(Col::transmission);
  out += ",\"condition\":";
  string_or_null(Col::condition);
  out += ",\"media_hero_url\":";
  const auto hero = is_null(row, Col::hero_image_path) ? std::string()
                                                       : urls_.url(text(row, Col::hero_image_path));
  if (hero.empty()) {
    out += "null";
  } else {
    json_text::append_string(out, hero);
  }
  out += ",\"quick_specs\":{\"body_type\":";
  string_or_null(Col::body_type);
  out += ",\"drivetrain\":";
  string_or_null(Col::drivetrain);
  out += ",\"color\":";
  string_or_null(Col::color_ext);
  out += ",\"doors\":";
  number_or_null(Col::doors);
  out += ",\"seats\":";
  number_or_null(Col::seats);
  out += "},\"is_new\":";
  out += cond == "new" ? "true" : "false";
  out += ",\"is_certified\":";
  out += cond == "cpo" ? "true" : "false";
  out += ",\"is_special\":";
  out += flag(Col::is_special) ? "true" : "false";
  out += ",\"badges\":[";
  std::size_t badges = 0;
  auto badge = [&](bool on, std::string_view name) {
    if (!on) return;
    out.append(badges++ > 0 ? ",\"" : "\"").append(name) += '"';
  };
  badge(cond == "new", "New");
  badge(cond == "cpo", "CPO");
  badge(flag(Col::is_special), "Special");
  badge(dropped, "Price Drop");
  badge(flag(Col::is_featured), "Featured");
  out += "],\"location\":";
  if (is_null(row, Col::location_id)) {
    out += "null";
  } else {
    out += "{\"id\":";
    string_or_null(Col::location_id);
    out += ",\"city\":";
    string_or_null(Col::location_city);
    out += ",\"state\":";
    string_or_null(Col::location_state);
    out += '}';
  }
  if (!extra_members.empty()) out.append(",").append(extra_members);
  out += '}';
}

std::string CardRenderer::array() const {
  std::string out = "[";
  out.reserve(static_cast<std::size_t>(rows_.rows()) * 900);
  for (int row = 0; row < rows_.rows(); ++row) {
    if (!has_card(row)) continue;
    if (out.size() > 1) out += ',';
    append(out, row);
  }
  out += ']';
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
