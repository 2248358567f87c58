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

std::int64_t to_cents(std::string_view cents_text) {
  std::int64_t cents = 0;
  std::from_chars(cents_text.data(), cents_text.data() + cents_text.size(), cents);
  return cents;
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

namespace {

// One card's JSON, member by member, in spec §14's order, through json_text::Writer; the
// value writers read the row's card columns.
class CardWriter {
 public:
  CardWriter(std::string& out, const db::PgResult& rows, int row, int first)
      : w_(out), rows_(rows), row_(row), first_(first) {
    w_.begin_object();
  }

  [[nodiscard]] bool null(int column) const { return rows_.is_null(row_, first_ + column); }
  [[nodiscard]] std::string_view text(int column) const {
    return rows_.text(row_, first_ + column);
  }
  [[nodiscard]] bool flag(int column) const { return text(column) == "t"; }

  void string(std::string_view key, int column) {
    w_.key(key);
    if (null(column)) {
      w_.null();
    } else {
      w_.string(text(column));
    }
  }
  void number(std::string_view key, int column) {  // int columns: their text is JSON
    w_.key(key).raw(null(column) ? std::string_view("null") : text(column));
  }
  void money(std::string_view key, int column, bool shown = true) {
    w_.key(key);
    if (null(column) || !shown) {
      w_.null();
    } else {
      w_.raw(domain::format_money(domain::Cents{to_cents(text(column))}));
    }
  }
  void boolean(std::string_view key, bool value) { w_.key(key).boolean(value); }
  void url(std::string_view key, const std::string& signed_url) {
    w_.key(key);
    if (signed_url.empty()) {
      w_.null();
    } else {
      w_.string(signed_url);
    }
  }
  void open(std::string_view key) { w_.key(key).begin_object(); }
  void end() { w_.end_object(); }
  void badges(std::initializer_list<std::pair<bool, std::string_view>> badges) {
    w_.key("badges").begin_array();
    for (const auto& [on, name] : badges) {
      if (on) w_.string(name);
    }
    w_.end_array();
  }
  void null_value(std::string_view key) { w_.key(key).null(); }
  // `extra_members`: "\"a\":1,\"b\":2" (no braces), added after the card's own.
  void close(std::string_view extra_members) {
    if (!extra_members.empty()) w_.out().append(",").append(extra_members);
    w_.end_object();
  }

 private:
  json_text::Writer w_;
  const db::PgResult& rows_;
  int row_;
  int first_;
};

}  // namespace

void CardRenderer::append(std::string& out, int row, std::string_view extra_members) const {
  CardWriter w(out, rows_, row, first_);
  const auto condition = w.text(Col::condition);
  // The previous price only when it dropped (a raise is not shown as a former price).
  const bool dropped = !w.null(Col::price_previous) &&
                       to_cents(w.text(Col::price_previous)) > to_cents(w.text(Col::price_current));
  w.string("id", Col::id);
  w.string("title", Col::title);
  w.money("price_current", Col::price_current);
  w.money("price_list", Col::price_list);
  w.money("previous_price", Col::price_previous, dropped);
  w.number("year", Col::year);
  w.string("make", Col::make);
  w.string("model", Col::model);
  w.string("trim", Col::trim);
  w.number("mileage", Col::mileage);
  w.string("fuel", Col::fuel);
  w.string("transmission", Col::transmission);
  w.string("condition", Col::condition);
  w.url("media_hero_url",
        w.null(Col::hero_image_path) ? std::string() : urls_.url(w.text(Col::hero_image_path)));
  w.open("quick_specs");
  w.string("body_type", Col::body_type);
  w.string("drivetrain", Col::drivetrain);
  w.string("color", Col::color_ext);
  w.number("doors", Col::doors);
  w.number("seats", Col::seats);
  w.end();
  w.boolean("is_new", condition == "new");
  w.boolean("is_certified", condition == "cpo");
  w.boolean("is_special", w.flag(Col::is_special));
  w.badges({{condition == "new", "New"},
            {condition == "cpo", "CPO"},
            {w.flag(Col::is_special), "Special"},
            {dropped, "Price Drop"},
            {w.flag(Col::is_featured), "Featured"}});
  if (w.null(Col::location_id)) {
    w.null_value("location");
  } else {
    w.open("location");
    w.string("id", Col::location_id);
    w.string("city", Col::location_city);
    w.string("state", Col::location_state);
    w.end();
  }
  w.close(extra_members);
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
