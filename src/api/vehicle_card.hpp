#pragma once
// The vehicle card of spec §14, defined once: search results, the featured/new/CPO/specials
// lists and the VDP's similar_vehicles all render it through these two steps.
//
//   1. SQL: `vehicle_card_json_sql()` is a select-list expression that renders one card as
//      `json` for a row of public.vehicles aliased `v`. Its media_hero_url is still a
//      placeholder, "unsigned:<bucket>/<object>", because signing needs the server's secret.
//   2. C++: `sign_media_placeholders()` rewrites every placeholder in the JSON text into a
//      signed, short-lived URL (MediaUrls), without parsing the document.
//
//   select coalesce(json_agg(<vehicle_card_json_sql()> order by ...), '[]')::text
//     from public.vehicles v where v.visible and ...
//   -> sign_media_placeholders(text, signing) -> the response's "data".
//
// Passing PostgreSQL's JSON text through (instead of parse + serialize) keeps prices exactly
// as numeric(12,2) renders them: Boost.JSON would turn 23195.00 into 2.3195E4.
// Money: JSON numbers in US dollars with two decimals, as in spec §14 ("price_current": 19500).
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/media_urls.hpp"

namespace forecourt::api {

// A json-valued SQL expression over `v` (public.vehicles). Needs no joins.
std::string_view vehicle_card_json_sql();

// `from ...` over $1 (a uuid[] literal): the visible vehicles among those ids as `v`, with
// w.n their position in the array (order by w.n keeps the caller's order). Cards by id: the
// search index's page, the VDP's ranked similar cars.
std::string_view vehicles_by_ids_from_sql();

// Its $1: the ids (uuid text) as a uuid[] literal, "{id,id,...}".
std::string uuid_array_literal(const std::vector<std::string>& ids);

// Every JSON string "unsigned:<bucket>/<object>" in `json_text` becomes the signed URL
// (api/media_urls.hpp: the one place media URLs are signed), or null.
std::string sign_media_placeholders(std::string_view json_text, const MediaUrls& urls);

// JSON Schema and example of one card (OpenAPI), and the keys ?view=compact keeps.
const boost::json::value& vehicle_card_schema();
const boost::json::value& vehicle_card_example();
const std::vector<std::string>& vehicle_card_compact_fields();

}  // namespace forecourt::api
