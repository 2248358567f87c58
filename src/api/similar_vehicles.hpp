#pragma once
// "Similar vehicles" (spec §12) for the vehicle page and /vehicles/{id}/similar: one
// indexed candidate query (nearest prices of the same body type, nearest years of the same
// make and model; never a scan of the inventory), ranked by domain::rank_similar.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/facet_index.hpp"
#include "api/media_urls.hpp"
#include "db/pg.hpp"
#include "domain/similarity.hpp"

namespace forecourt::api {

// $1 = the vehicle id. At most ~64 visible candidates, the vehicle itself excluded: their
// features (vehicle_features' columns), no cards.
std::string_view similar_candidates_sql();

inline constexpr std::size_t kSimilarOnPage = 8;
inline constexpr std::size_t kSimilarMax = 24;

// What the ranking compares, read from row `row` (columns id, price_current_cents, year,
// body_type, make, model, mileage): the candidates' rows and the vehicle page's own row.
domain::VehicleFeatures vehicle_features(const db::PgResult& rows, int row);

// The `limit` best candidates of `rows` (similar_candidates_sql), best first.
std::vector<domain::SimilarVehicle> rank_similar_rows(const db::PgResult& rows,
                                                      const domain::VehicleFeatures& target,
                                                      std::size_t limit);

// The statement rendering the search cards (api/vehicle_card) of `ranked`, in that order.
// Its own read-only transaction: it keeps only the cars still visible.
db::Query similar_cards_query(const std::vector<domain::SimilarVehicle>& ranked);

// Those cards as a JSON array (CardRenderer) appended to `out`, each with its hero URL
// signed and its similarity score.
void append_similar_cards(std::string& out, const db::PgResult& cards,
                          const std::vector<domain::SimilarVehicle>& ranked, const MediaUrls& urls);

// The same array written from the search index's copy of the public's cards, without a read
// (facet_index.hpp append_public_cards), for `ranked` ranked from the index's `found`; nullopt
// when the index changed since it found them. Only for callers who see what the public sees
// (http::Caller::sees_public_view).
std::optional<std::string> similar_cards_from_index(
    const std::string& database_url, const SimilarCandidates& found,
    const std::vector<domain::SimilarVehicle>& ranked, const MediaUrls& urls);

}  // namespace forecourt::api
