#include "api/similar_vehicles.hpp"

#include <array>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/json_text.hpp"
#include "api/vehicle_card.hpp"

namespace forecourt::api {
namespace {

// Four short index range scans, each LIMITed: the nearest prices above and below the
// target within the same body type (vehicles_visible_body_price_idx), and the nearest
// model years above and below within the same make and model (vehicles_make_model_year_idx).
// Price and year windows match domain::similar_candidate_window (outside them a candidate
// scores only on body and make/model). Every condition is on a leakproof operator (text,
// int, bigint, uuid), so the indexes stay usable under RLS for anon. The target's values
// come in as InitPlan parameters (scalar sub-selects), which the planner treats as
// constants: each scan then reads its index in ORDER BY order and stops at the LIMIT,
// instead of sorting every car of the body type in the price band (a join to `t` did).
// `c.year + 0` keeps the year window a filter: with parameters of unknown value the planner
// otherwise ANDed the year and price indexes over ~90k rows at 100k vehicles (650 ms).
constexpr std::string_view kSimilarCandidates = R"sql(
with t as materialized (
  select v.id, v.body_type, v.make, v.model, v.year, v.price_current_cents as p
  from public.vehicles v where v.id = $1::uuid
), ids as (
  (select c.id from public.vehicles c
    where c.visible and c.body_type = (select t.body_type from t)
      and c.price_current_cents >= (select t.p from t)
      and c.price_current_cents <= (select (t.p * 10) / 7 from t)
      and c.year + 0 between (select t.year - 5 from t) and (select t.year + 5 from t)
      and c.id <> $1::uuid
    order by c.price_current_cents limit 24)
  union
  (select c.id from public.vehicles c
    where c.visible and c.body_type = (select t.body_type from t)
      and c.price_current_cents < (select t.p from t)
      and c.price_current_cents >= (select (t.p * 7) / 10 from t)
      and c.year + 0 between (select t.year - 5 from t) and (select t.year + 5 from t)
      and c.id <> $1::uuid
    order by c.price_current_cents desc limit 24)
  union
  (select c.id from public.vehicles c
    where c.visible and c.make = (select t.make from t) and c.model = (select t.model from t)
      and c.year >= (select t.year from t) and c.id <> $1::uuid
    order by c.year limit 8)
  union
  (select c.id from public.vehicles c
    where c.visible and c.make = (select t.make from t) and c.model = (select t.model from t)
      and c.year < (select t.year from t) and c.id <> $1::uuid
    order by c.year desc limit 8)
)
select v.id, v.price_current_cents, v.year, v.body_type, v.make, v.model, v.mileage,
       )sql";
// ... the shared search card (api/vehicle_card) renders each candidate:
constexpr std::string_view kSimilarCandidatesTail = R"sql( as card
from ids
join public.vehicles v on v.id = ids.id
)sql";

}  // namespace

domain::VehicleFeatures vehicle_features(const db::PgResult& rows, int row) {
  domain::VehicleFeatures f;
  f.id = rows.text(row, "id");
  f.price = domain::Cents{rows.integer(row, "price_current_cents")};
  f.year = static_cast<int>(rows.integer(row, "year"));
  f.body_type = rows.text(row, "body_type");
  f.make = rows.text(row, "make");
  f.model = rows.text(row, "model");
  f.mileage = static_cast<int>(rows.integer(row, "mileage"));
  return f;
}

std::string_view similar_candidates_sql() {
  static const std::string sql = [] {
    std::string text;
    text.append(kSimilarCandidates).append("(").append(vehicle_card_json_sql());
    text.append(")::text").append(kSimilarCandidatesTail);
    return text;
  }();
  return sql;
}

std::string similar_card_from_row(const db::PgResult& rows, int row, double score,
                                  const MediaUrls& urls) {
  std::array<char, 16> similarity{};
  auto written = std::snprintf(similarity.data(), similarity.size(), "%.3f", score);
  std::string member = "\"similarity\":";
  member.append(similarity.data(), written > 0 ? static_cast<std::size_t>(written) : 0);
  return json_text::with_members(sign_media_placeholders(rows.text(row, "card"), urls), member);
}

std::string similar_vehicles_json(const db::PgResult& rows, const domain::VehicleFeatures& target,
                                  std::size_t limit, const MediaUrls& urls) {
  std::vector<domain::VehicleFeatures> candidates;
  std::unordered_map<std::string, int> row_of;
  candidates.reserve(static_cast<std::size_t>(rows.rows()));
  for (int r = 0; r < rows.rows(); ++r) {
    auto f = vehicle_features(rows, r);
    row_of.emplace(f.id, r);
    candidates.push_back(std::move(f));
  }
  std::vector<std::string> cards;
  for (const auto& s : domain::rank_similar(target, candidates, limit)) {
    cards.push_back(similar_card_from_row(rows, row_of.at(s.id), s.score, urls));
  }
  return json_text::array(cards);
}

}  // namespace forecourt::api
