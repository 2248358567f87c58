#pragma once
// An in-memory search index over the visible inventory, so /inventory/search can count its
// disjunctive facets and pick its page without reading every matching car in PostgreSQL per
// request (measured in bench/README.md). It also keeps what a card shows (index_cards.hpp), so
// the public's cards (a search page's, a vehicle page's similar cars) are written from it
// without a read; staff's cards are read by id (they may see more under RLS).
//
// Layout: one slot per visible car; per facet dimension a code column and one bitmap per
// value (bit = slot), plus the raw year/price/mileage/created_at and id for range filters
// and ordering, per-value counts of the whole visible inventory, and per sort column the
// slots in (column, id) order. A request ANDs the bitmaps of its filters and counts every
// facet in one go: per-value AND+popcount where the filtered set is large, one pass over its
// set bits where it is small. Its page comes from walking the first sort key's order until
// enough slots pass the filters (a large filtered set), or from sorting the filtered set
// itself (a small one, and relevance, which is per query).
//
// Freshness: a background thread loads the index once as `anon` (public rows only) and
// afterwards follows public.vehicle_changes_since() (migration 20261125180000): on every
// inventory version bump it re-reads only the changed vehicles and patches their slots in
// place. The index carries the committed inventory version it is current for; a request
// uses it only when that equals the current committed version, otherwise (start-up, the
// moment right after an edit) the search runs in SQL: always correct.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/inventory_query.hpp"
#include "api/media_urls.hpp"
#include "domain/similarity.hpp"
#include "http/types.hpp"

namespace forecourt::api {

// Cars as the index holds them, for writing their cards without looking their ids up again
// (append_public_cards): valid only while the index has not changed since it named them.
struct IndexCars {
  std::uint64_t generation = 0;      // the index's state that named them
  std::vector<std::uint32_t> slots;  // in the caller's order
};

// What the index answers for a search: the total, the facet counts and the page.
struct IndexAnswer {
  long long total = 0;            // cars passing every filter
  std::string facets_json;        // {"make":{...},...}, the same shape as the SQL facets
  std::vector<std::string> page;  // the page's vehicle ids (uuid text), in the query's order
  IndexCars page_cars;            // the same cars, for their cards
};

// Free text's matches, as build_text_matches_sql returns them: the fuzzily matched models
// (every visible car of one matches) and the full-text (word) matches, each with its rank.
// A car's relevance is its model's rank plus its word rank, as in the SQL search.
struct TextMatches {
  struct Model {
    std::string make, model;
    float rank = 0;
  };
  struct Word {
    std::string id;  // uuid text
    float rank = 0;
  };
  std::vector<Model> models;
  std::vector<Word> words;
};

// The search `q` answered from the index (with `text`, restricted to those matches), or
// nullopt when the index is not current for `version`. Starts the index thread on first use.
std::optional<IndexAnswer> search_index(const std::string& database_url, long long version,
                                        const InventoryQuery& q, const TextMatches* text = nullptr);

// The same, run on the facet worker pool when the index is large enough for counting to
// take noticeable time (so other requests on this I/O thread don't wait), inline otherwise.
boost::asio::awaitable<std::optional<IndexAnswer>> search_index(http::Request& req,
                                                                long long version,
                                                                const InventoryQuery& q,
                                                                const TextMatches* text = nullptr);

// The public's cards of `cars` (what anon sees: the index's cars and locations were read as
// anon), written by append_card in their order, as a JSON array appended to `out`;
// `extra(i)`, when given, is the i-th car's extra members. False, with `out` untouched, when
// the index changed since it named the cars: then the cards come from SQL (cards_by_ids_sql).
// The cars come by slot, not id: looking 8 ids up in the index's million-entry hash table
// was ~4% of a vehicle page's server time (bench/README.md, session 12).
using CardExtraMembers = std::function<std::string_view(std::size_t)>;
bool append_public_cards(std::string& out, const std::string& database_url, const IndexCars& cars,
                         const MediaUrls& urls, const CardExtraMembers& extra = {});

// Whether the index is current for `version` right now (a hint: it may move on).
bool facet_index_current(const std::string& database_url, long long version);

// Whether the index can order a page by these keys (everything but featured_position).
bool index_can_sort(const std::vector<SortKey>& sort);

// A vehicle's similar-car candidates (similar_vehicles.hpp: the nearest prices of its body
// type within the price and year windows, the nearest years of its make and model), read
// from the index's kept orders instead of four index scans and 64 heap rows per page.
struct SimilarCandidates {
  domain::VehicleFeatures target;
  std::vector<domain::VehicleFeatures> candidates;
  IndexCars candidate_cars;  // the candidates, in the same order
};
// Only the `limit` best candidates come back (domain::rank_similar over them ranks them as it
// would rank all of them). Nullopt when the index is not current for `version` or does not
// hold the car (a hidden car, which only staff see: the SQL path serves them).
std::optional<SimilarCandidates> similar_candidates_from_index(const std::string& database_url,
                                                               long long version,
                                                               std::string_view vehicle_id,
                                                               std::size_t limit);

}  // namespace forecourt::api
