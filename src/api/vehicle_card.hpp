#pragma once
// The vehicle card of spec §14, defined once: search results, the featured/new/CPO/specials
// lists and the VDP's similar_vehicles all render it through these two steps.
//
//   1. SQL: `vehicle_card_columns_sql()` is a select list of the card's columns, over a row
//      of public.vehicles aliased `v` and its location aliased `l`, joined by
//      `vehicle_card_location_join_sql()`. A statement may put other columns before them.
//   2. C++: `CardRenderer` writes each row's card as JSON, with the hero image's signed,
//      short-lived URL (MediaUrls, the one place media URLs are signed).
//
//   select <vehicle_card_columns_sql()> from public.vehicles v <location join>
//     where v.visible and ... order by ...
//   -> CardRenderer(result, first_card_column, urls).array() -> the response's "data".
//
// Why columns, not PostgreSQL's json_build_object: rendering a card there cost ~6 µs of
// the database's time per card (numeric output, per-key escaping, a location sub-plan),
// half of what reading it costs; written here a card costs about a microsecond, most of
// it the hero URL's signature (bench/README.md). Prices come as cents and are written as
// numeric(12,2) renders them ("19500.00"): exact, with no trip through a double.
// Money: JSON numbers in US dollars with two decimals, as in spec §14 ("price_current": 19500).
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/media_urls.hpp"
#include "db/pg.hpp"

namespace forecourt::api {

// The card's columns over `v` (public.vehicles) and `l` (public.locations), in the order
// CardRenderer reads them.
std::string_view vehicle_card_columns_sql();

// "left join public.locations l on ...": the card's location. Under RLS an inactive
// location is not visible to the public, and the card's location is then null.
std::string_view vehicle_card_location_join_sql();

// `from ...` over $1 (a uuid[] literal): the visible vehicles among those ids as `v`, their
// location as `l`, with w.n their position in the array (order by w.n keeps the caller's
// order). Cards by id: the search index's page, the VDP's ranked similar cars.
std::string_view vehicles_by_ids_from_sql();

// "select <card columns> <vehicles_by_ids_from_sql()> order by w.n": cards by id.
std::string_view cards_by_ids_sql();

// Its $1: the ids (uuid text) as a uuid[] literal, "{id,id,...}".
std::string uuid_array_literal(const std::vector<std::string>& ids);

// A card's values, wherever they come from: a result's card columns (CardRenderer) or the
// search index's copy of the visible inventory (facet_index.hpp append_public_cards). Both
// write through append_card, so a card reads the same from either. Views into the source.
struct CardValues {
  struct Location {
    std::string_view id, city, state;
  };
  std::string_view id, title;
  std::int64_t price_current_cents = 0;
  std::optional<std::int64_t> price_list_cents, price_previous_cents;
  std::int64_t year = 0, mileage = 0;
  std::string_view make, model, fuel, transmission, condition, body_type;  // NOT NULL columns
  std::optional<std::string_view> trim, drivetrain, color_ext, hero_image_path;
  std::optional<std::int64_t> doors, seats;
  bool is_special = false, is_featured = false;
  std::optional<Location> location;  // null when the car has none, or it is not visible
};

// One card object in spec §14's order, with the hero's signed URL; `extra_members`
// ("\"k\":v,...", may be empty) go in before its '}'.
void append_card(std::string& out, const CardValues& card, const MediaUrls& urls,
                 std::string_view extra_members = {});

// Step 2: the cards of a result whose card columns start at `first_column`. A row whose
// card id is null holds no card (a statement's row of totals when its page is empty).
class CardRenderer {
 public:
  CardRenderer(const db::PgResult& rows, int first_column, const MediaUrls& urls)
      : rows_(rows), first_(first_column), urls_(urls) {}

  [[nodiscard]] bool has_card(int row) const;
  [[nodiscard]] std::string_view id(int row) const;
  [[nodiscard]] CardValues values(int row) const;
  // One card object; `extra_members` ("\"k\":v,...", may be empty) go in before its '}'.
  void append(std::string& out, int row, std::string_view extra_members = {}) const {
    append_card(out, values(row), urls_, extra_members);
  }
  // Every row's card, in row order: a JSON array.
  [[nodiscard]] std::string array() const;

 private:
  const db::PgResult& rows_;
  int first_;
  const MediaUrls& urls_;
};

// JSON Schema and example of one card (OpenAPI), and the keys ?view=compact keeps.
const boost::json::value& vehicle_card_schema();
const boost::json::value& vehicle_card_example();
const std::vector<std::string>& vehicle_card_compact_fields();

}  // namespace forecourt::api
