#pragma once
// An in-memory facet index over the visible inventory, so /inventory/search can count its
// disjunctive facets without reading every visible car in PostgreSQL per request (measured
// in bench/README.md: seconds at 1M vehicles in SQL, milliseconds here).
//
// One compact row per visible car (codes for the text facets, raw year/price/mileage) is
// loaded by a background thread through a plain libpq connection as `anon` (only public
// data), labelled with the committed inventory version that the LISTEN thread reported
// before the load started, and swapped in atomically. A request uses it only when its label
// equals the current committed version; otherwise (start-up, right after an edit, while a
// reload runs) the search falls back to the SQL facets: always correct, fast when current.
#include <optional>
#include <string>

#include "api/inventory_query.hpp"

namespace forecourt::api {

struct FacetCounts {
  long long total = 0;      // cars passing every filter
  std::string facets_json;  // {"make":{...},...}, the same shape as the SQL facets
};

// Counts for `q` (search without free text) from the index, or nullopt when the index is
// not current for `version`. Starts the loader thread on first use.
std::optional<FacetCounts> facet_counts_from_index(const std::string& database_url,
                                                   long long version, const InventoryQuery& q);

}  // namespace forecourt::api
