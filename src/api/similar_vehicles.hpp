#pragma once
// "Similar vehicles" (spec §12) for the vehicle page and /vehicles/{id}/similar: one
// indexed candidate query (nearest prices of the same body type, nearest years of the same
// make and model; never a scan of the inventory), ranked by domain::rank_similar.
#include <cstddef>
#include <string>
#include <string_view>

#include "api/media_urls.hpp"
#include "db/pg.hpp"
#include "domain/similarity.hpp"

namespace forecourt::api {

// $1 = the vehicle id. At most ~64 visible candidates, the vehicle itself excluded.
std::string_view similar_candidates_sql();

inline constexpr std::size_t kSimilarOnPage = 8;
inline constexpr std::size_t kSimilarMax = 24;

// What the ranking compares, read from row `row` (columns id, price_current_cents, year,
// body_type, make, model, mileage): the candidates' rows and the vehicle page's own row.
domain::VehicleFeatures vehicle_features(const db::PgResult& rows, int row);

// The `limit` best candidates of `rows` (similar_candidates_sql) as cards, best first.
// JSON text (an array), so PostgreSQL's rendering of numeric prices is kept as is.
std::string similar_vehicles_json(const db::PgResult& rows, const domain::VehicleFeatures& target,
                                  std::size_t limit, const MediaUrls& urls);

// One similar vehicle: the search card (api/vehicle_card, rendered by PostgreSQL, its hero
// URL signed here) plus the similarity score.
std::string similar_card_from_row(const db::PgResult& rows, int row, double score,
                                  const MediaUrls& urls);

}  // namespace forecourt::api
