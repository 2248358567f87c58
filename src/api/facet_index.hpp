#pragma once
// An in-memory facet index over the visible inventory, so /inventory/search can count its
// disjunctive facets without reading every visible car in PostgreSQL per request (measured
// in bench/README.md: seconds at 1M vehicles in SQL, about a millisecond here).
//
// Layout: one slot per visible car; per facet dimension a code column and one bitmap per
// value (bit = slot), plus the raw year/price/mileage for range filters and per-value
// counts of the whole visible inventory. A request ANDs the bitmaps of its filters and
// counts every facet in one go: per-value AND+popcount where the filtered set is large,
// one pass over its set bits where it is small (facet_index.cpp).
//
// Freshness: a background thread loads the index once as `anon` (public rows only) and
// afterwards follows public.vehicle_changes_since() (migration 20261125180000): on every
// inventory version bump it re-reads only the changed vehicles and patches their slots in
// place. The index carries the committed inventory version it is current for; a request
// uses it only when that equals the current committed version, otherwise (start-up, the
// moment right after an edit) the search falls back to the SQL facets: always correct.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/inventory_query.hpp"
#include "http/types.hpp"

namespace forecourt::api {

struct FacetCounts {
  long long total = 0;      // cars passing every filter
  std::string facets_json;  // {"make":{...},...}, the same shape as the SQL facets
};

// Free text's matches as the search statement returns them (build_inventory_sql, text_ids):
// every visible vehicle of the fuzzily matched models, plus the full-text matches' ids.
struct TextMatches {
  std::string ids;                                          // comma-separated uuids
  std::vector<std::pair<std::string, std::string>> models;  // (make, model)
};

// Counts for `q` from the index, or nullopt when the index is not current for `version`.
// With `text`, the counts are restricted to those vehicles: q's facets. Starts the index
// thread on first use.
std::optional<FacetCounts> facet_counts_from_index(const std::string& database_url,
                                                   long long version, const InventoryQuery& q,
                                                   const TextMatches* text = nullptr);

// The same, run on the facet worker pool when the index is large enough for counting to
// take noticeable time (so other requests on this I/O thread don't wait), inline otherwise.
boost::asio::awaitable<std::optional<FacetCounts>> count_facets(http::Request& req,
                                                                long long version,
                                                                const InventoryQuery& q,
                                                                const TextMatches* text = nullptr);

// Whether the index is current for `version` right now (a hint: it may move on).
bool facet_index_current(const std::string& database_url, long long version);

}  // namespace forecourt::api
