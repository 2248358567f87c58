#pragma once
// Inventory listing queries: the validated filters/sort/paging of /inventory/search and its
// preset siblings (featured, new, CPO, specials), their canonical cache key, and the one
// SQL statement that answers them (cards, total and disjunctive facets together).
//
// The SQL is assembled only from whitelisted fragments chosen by which filters are present
// (never from values: every value is a bound parameter), so the set of distinct statements
// is small and each is prepared once per connection. Filters use leakproof operators only
// (text/int/bigint/uuid/bool equality and ranges on the *_cents columns) and every statement
// says `v.visible`, so indexes stay usable under RLS for anon and authenticated callers.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.hpp"

namespace forecourt::api {

enum class InventoryPreset { search, featured, new_cars, cpo, specials };

struct SortKey {
  std::string key;  // a whitelisted name (price_current, year, mileage, created_at, ...)
  bool descending = false;
};

struct InventoryQuery {
  InventoryPreset preset = InventoryPreset::search;
  std::vector<std::string> make, model, fuel, color, body_type, transmission, drivetrain, condition,
      location_id;
  std::optional<long long> year_min, year_max, mileage_min, mileage_max;
  std::optional<long long> price_min_cents, price_max_cents;
  std::optional<bool> is_special;
  std::string q;
  std::vector<SortKey> sort;
  long long page = 1;
  long long page_size = 20;
  bool with_facets = false;

  [[nodiscard]] long long offset() const { return (page - 1) * page_size; }
  // Deep pages are not served: OFFSET scans grow with the page (see kMaxResultWindow).
  [[nodiscard]] bool beyond_window() const;
  // Rows on this page: page_size, fewer at the window's edge, 0 beyond it.
  [[nodiscard]] long long page_limit() const;
};

// Results are served up to this many rows deep (page * page_size); later pages are empty and
// say so in meta, like Elasticsearch's max_result_window. Nobody pages 10,000 cars deep.
inline constexpr long long kMaxResultWindow = 10000;
// Full-text (word) matches considered per query (search_vehicle_text_ids' limit); a fuzzy
// make/model match is a set of models and has no cap.
inline constexpr long long kMaxTextMatches = 10000;

// Reads the route's validated params; throws http::HttpError (400 naming the parameter) on
// cross-parameter problems: min > max, unknown sort key, relevance without q.
InventoryQuery parse_inventory_query(const http::Params& params, InventoryPreset preset);

// "name=v1,v2&..." over every parameter except `view`, names sorted, set-like lists sorted
// and de-duplicated (sort keeps its order): equal queries share one cache key.
std::string canonical_query(const http::Params& params);

struct InventorySql {
  std::string sql;
  std::vector<std::optional<std::string>> params;
};
// One statement: total (bigint) and facets (JSON object; null without facets) in columns
// 0 and 1, the page's cards in the columns after them (vehicle_card.hpp, CardRenderer with
// first column 2), one row per card in page order. An empty page is one row of totals whose
// card columns are null.
InventorySql build_inventory_sql(const InventoryQuery& q);

// q's free-text matches for the search index (facet_index.hpp TextMatches), one row: the
// fuzzily matched models as JSON [[make, model, rank], ...] and the full-text matches as
// "id rank,id rank,..." (ranks as float4 text, exact). Needs q.q.
InventorySql build_text_matches_sql(const InventoryQuery& q);

// Facet buckets (US dollars / miles), lower bound inclusive, upper exclusive.
const std::vector<long long>& price_bucket_edges_dollars();
const std::vector<long long>& mileage_bucket_edges();
// Bucket i of `edges`: "lo-hi" or, for the last, "lo+" (the facet keys).
std::string bucket_label(const std::vector<long long>& edges, std::size_t i);
// Index of the bucket holding `value` (edges scaled by `scale`, e.g. 100 for cents).
std::size_t bucket_of(long long value, const std::vector<long long>& edges, long long scale);

}  // namespace forecourt::api
