#include "api/similar_vehicles.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "api/facet_index.hpp"
#include "api/json_text.hpp"
#include "api/vehicle_card.hpp"

namespace forecourt::api {
namespace {

// The candidates' features only (cards come after ranking, similar_cards_query), read from
// the rows the scans visit anyway: joining back by id cost 64 more primary-key lookups per
// page, most of the VDP's btree descents. Four short index range scans, each LIMITed: the
// nearest prices above and below the target within the same body type
// (vehicles_visible_body_price_idx), and the nearest model years above and below within the same
// make and model (vehicles_make_model_year_idx). Price and year windows match
// domain::similar_candidate_window (outside them a candidate scores only on body and make/model).
// Every condition is on a leakproof operator (text, int, bigint, uuid), so the indexes stay usable
// under RLS for anon. The target's values come in as InitPlan parameters (scalar sub-selects),
// which the planner treats as constants: each scan then reads its index in ORDER BY order and stops
// at the LIMIT, instead of sorting every car of the body type in the price band (a join to `t`
// did). `c.year + 0` keeps the year window a filter: with parameters of unknown value the planner
// otherwise ANDed the year and price indexes over ~90k rows at 100k vehicles (650 ms).
// Ties break on id, nearest first, like the facet index's (column, id) orders: the search
// index answers these windows itself when it is current (facet_index.hpp
// similar_candidates_from_index), and both paths must pick the same candidates. This query is
// the fallback: start-up, the moment after an edit, and hidden cars (staff only).
constexpr std::string_view kSimilarCandidates = R"sql(
with t as materialized (
  select v.id, v.body_type, v.make, v.model, v.year, v.price_current_cents as p
  from public.vehicles v where v.id = $1::uuid
), candidates as (
  (select c.id, c.price_current_cents, c.year, c.body_type, c.make, c.model, c.mileage
    from public.vehicles c
    where c.visible and c.body_type = (select t.body_type from t)
      and c.price_current_cents >= (select t.p from t)
      and c.price_current_cents <= (select (t.p * 10 + 6) / 7 from t)
      and c.year + 0 between (select t.year - 5 from t) and (select t.year + 5 from t)
      and c.id <> $1::uuid
    order by c.price_current_cents, c.id limit 24)
  union
  (select c.id, c.price_current_cents, c.year, c.body_type, c.make, c.model, c.mileage
    from public.vehicles c
    where c.visible and c.body_type = (select t.body_type from t)
      and c.price_current_cents < (select t.p from t)
      and c.price_current_cents >= (select (t.p * 7) / 10 from t)
      and c.year + 0 between (select t.year - 5 from t) and (select t.year + 5 from t)
      and c.id <> $1::uuid
    order by c.price_current_cents desc, c.id desc limit 24)
  union
  (select c.id, c.price_current_cents, c.year, c.body_type, c.make, c.model, c.mileage
    from public.vehicles c
    where c.visible and c.make = (select t.make from t) and c.model = (select t.model from t)
      and c.year >= (select t.year from t) and c.id <> $1::uuid
    order by c.year, c.id limit 8)
  union
  (select c.id, c.price_current_cents, c.year, c.body_type, c.make, c.model, c.mileage
    from public.vehicles c
    where c.visible and c.make = (select t.make from t) and c.model = (select t.model from t)
      and c.year < (select t.year from t) and c.id <> $1::uuid
    order by c.year desc, c.id desc limit 8)
)
select c.id, c.price_current_cents, c.year, c.body_type, c.make, c.model, c.mileage
from candidates c
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

std::string_view similar_candidates_sql() { return kSimilarCandidates; }

std::vector<domain::SimilarVehicle> rank_similar_rows(const db::PgResult& rows,
                                                      const domain::VehicleFeatures& target,
                                                      std::size_t limit) {
  std::vector<domain::VehicleFeatures> candidates;
  candidates.reserve(static_cast<std::size_t>(rows.rows()));
  for (int r = 0; r < rows.rows(); ++r) candidates.push_back(vehicle_features(rows, r));
  return domain::rank_similar(target, candidates, limit);
}

// The winners' cards, in rank order ($1 = their ids). Read after ranking: the candidates
// are ~64, the cards 8.
db::Query similar_cards_query(const std::vector<domain::SimilarVehicle>& ranked) {
  std::vector<std::string> ids;
  ids.reserve(ranked.size());
  for (const auto& r : ranked) ids.push_back(r.id);
  return db::Query{cards_by_ids_sql(), {uuid_array_literal(ids)}};
}

namespace {

// `"similarity":0.842` (as printf's %.3f writes it, without printf) into `buffer`.
std::string_view similarity_member(std::array<char, 40>& buffer, double score) {
  constexpr std::string_view kKey = "\"similarity\":";
  std::copy(kKey.begin(), kKey.end(), buffer.begin());
  auto end = std::to_chars(buffer.data() + kKey.size(), buffer.data() + buffer.size(), score,
                           std::chars_format::fixed, 3)
                 .ptr;
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

}  // namespace

void append_similar_cards(std::string& out, const db::PgResult& cards,
                          const std::vector<domain::SimilarVehicle>& ranked,
                          const MediaUrls& urls) {
  // A handful of cars (kSimilarMax at most): a scan beats hashing their ids.
  auto score_of = [&ranked](std::string_view id) -> const double* {
    for (const auto& r : ranked) {
      if (r.id == id) return &r.score;
    }
    return nullptr;
  };
  const CardRenderer render(cards, 0, urls);
  std::array<char, 40> similarity{};
  json_text::Writer w(out);
  w.begin_array();
  for (int row = 0; row < cards.rows(); ++row) {
    if (const double* score = score_of(render.id(row)))
      render.append(w.raw_value(), row, similarity_member(similarity, *score));
  }
  w.end_array();
}

std::optional<std::string> similar_cards_from_index(
    const std::string& database_url, const SimilarCandidates& found,
    const std::vector<domain::SimilarVehicle>& ranked, const MediaUrls& urls) {
  // Each ranked car is one of the candidates (a handful: a scan finds it).
  IndexCars cars{.generation = found.candidate_cars.generation, .slots = {}};
  for (const auto& r : ranked) {
    for (std::size_t i = 0; i < found.candidates.size(); ++i) {
      if (found.candidates[i].id == r.id) cars.slots.push_back(found.candidate_cars.slots[i]);
    }
  }
  if (cars.slots.size() != ranked.size()) return std::nullopt;  // not from these candidates
  std::array<char, 40> similarity{};
  std::string out;
  out.reserve(ranked.size() * 1024);
  auto extra = [&](std::size_t i) { return similarity_member(similarity, ranked[i].score); };
  if (!append_public_cards(out, database_url, cars, urls, extra)) return std::nullopt;
  return out;
}

}  // namespace forecourt::api
