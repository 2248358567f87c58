#include "api/inventory_query.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "api/vehicle_card.hpp"
#include "http/errors.hpp"

namespace forecourt::api {
namespace {

struct SortColumn {
  std::string_view key;
  std::string_view sql;  // whitelisted column expression
  bool default_descending;
};

// The only sort expressions that can reach SQL.
constexpr SortColumn kSortColumns[] = {
    {"price_current", "v.price_current_cents", false},
    {"year", "v.year", true},
    {"mileage", "v.mileage", false},
    {"created_at", "v.created_at", true},
    {"relevance", "s.rank", true},
    {"featured_position", "v.featured_position", false},
};

const SortColumn* find_sort_column(std::string_view key) {
  for (const auto& c : kSortColumns) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

std::vector<SortKey> parse_sort(const http::Params& params, InventoryPreset preset, bool has_q) {
  std::vector<SortKey> keys;
  for (const auto& item : params.all("sort")) {
    std::string_view s = item;
    auto colon = s.find(':');
    std::string_view name = s.substr(0, colon);
    std::string_view dir = colon == std::string_view::npos ? "" : s.substr(colon + 1);
    const SortColumn* col = find_sort_column(name);
    bool allowed = col != nullptr &&
                   (col->key != "featured_position" || preset == InventoryPreset::featured) &&
                   (col->key != "relevance" || has_q);
    if (!allowed) {
      std::string why =
          col != nullptr && col->key == "relevance"
              ? "relevance needs q"
              : "allowed: price_current, year, mileage, created_at" +
                    std::string(has_q ? ", relevance" : "") +
                    std::string(preset == InventoryPreset::featured ? ", featured_position" : "");
      throw http::bad_parameter("sort", "invalid_sort",
                                "Unknown sort key '" + std::string(name) + "' (" + why + ").");
    }
    if (!dir.empty() && dir != "asc" && dir != "desc") {
      throw http::bad_parameter(
          "sort", "invalid_sort",
          "Sort direction must be asc or desc, got '" + std::string(dir) + "'.");
    }
    bool descending = dir.empty() ? col->default_descending : dir == "desc";
    bool repeated =
        std::any_of(keys.begin(), keys.end(), [&](const SortKey& k) { return k.key == col->key; });
    if (repeated) {
      throw http::bad_parameter("sort", "invalid_sort",
                                "Sort key '" + std::string(name) + "' is given twice.");
    }
    keys.push_back(SortKey{std::string(col->key), descending});
  }
  if (keys.empty()) {
    if (has_q) {
      keys.push_back({"relevance", true});
    } else if (preset == InventoryPreset::featured) {
      keys.push_back({"featured_position", false});
    } else {
      keys.push_back({"created_at", true});
    }
  }
  return keys;
}

void check_range(const std::optional<long long>& lo, const std::optional<long long>& hi,
                 const std::string& lo_name, const std::string& hi_name) {
  if (lo && hi && *lo > *hi) {
    throw http::bad_parameter(lo_name, "invalid_range",
                              lo_name + " must not be greater than " + hi_name + ".");
  }
}

std::optional<long long> dollars_to_cents(const http::Params& params, std::string_view name) {
  auto v = params.number(name);
  if (!v) return std::nullopt;
  return std::llround(*v * 100.0);
}

// A PostgreSQL array literal of text values: {"a","b"} with quotes and backslashes escaped.
std::string pg_text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::vector<std::string> unique_sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Builds the statement text and its bound parameters side by side.
class SqlBuilder {
 public:
  std::string bind(std::optional<std::string> value) {
    params_.push_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }
  std::vector<std::optional<std::string>> take_params() { return std::move(params_); }

 private:
  std::vector<std::optional<std::string>> params_;
};

// A filter that has a facet: relaxing it is what makes facets disjunctive.
struct FacetFilter {
  std::string flag;  // ok_<name>, a boolean column of the facet CTE
  std::string condition;
};

struct FacetDef {
  std::string_view name;                  // key in meta.facets
  std::string_view column;                // column of the facet CTE
  std::vector<std::string_view> relaxes;  // flags it ignores
};

const std::vector<FacetDef>& facet_defs() {
  // make ignores model too: picking Camry must not hide Honda in the make list. model
  // keeps the make filter ("models within the chosen makes").
  static const std::vector<FacetDef> defs = {
      {"make", "make", {"ok_make", "ok_model"}},
      {"model", "model", {"ok_model"}},
      {"body_type", "body_type", {"ok_body_type"}},
      {"fuel", "fuel", {"ok_fuel"}},
      {"transmission", "transmission", {"ok_transmission"}},
      {"color", "color_ext", {"ok_color"}},
      {"condition", "condition", {"ok_condition"}},
      {"location", "location_id", {"ok_location"}},
      {"year", "year", {"ok_year"}},
      {"price", "price_bucket", {"ok_price"}},
      {"mileage", "mileage_bucket", {"ok_mileage"}},
  };
  return defs;
}

std::string bucket_case(std::string_view column, const std::vector<long long>& edges,
                        long long scale) {
  std::string out = "case";
  for (std::size_t i = 0; i < edges.size(); ++i) {
    out += " when " + std::string(column) + " < " + std::to_string(edges[i] * scale) + " then " +
           std::to_string(i);
  }
  out += " else " + std::to_string(edges.size()) + " end";
  return out;
}

std::string bucket_labels(const std::vector<long long>& edges) {
  std::string out = "(array[";
  for (std::size_t i = 0; i <= edges.size(); ++i)
    out += (i > 0 ? ", '" : "'") + bucket_label(edges, i) + "'";
  return out + "])";
}

std::string join_and(const std::vector<std::string>& parts) {
  if (parts.empty()) return "true";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " and ") + p;
  return out;
}

// `column` equal to one of `values`. One value is written as plain equality: the planner
// then reads a (column, sort key, id) index in order (condition=used&sort=mileage), which
// it never does for `= any(array)` on an index's leading column (PostgreSQL 15).
std::string any_of(SqlBuilder& b, const char* column, const std::vector<std::string>& values,
                   const char* type) {
  if (values.size() == 1) return std::string(column) + " = " + b.bind(values[0]) + "::" + type;
  return std::string(column) + " = any(" + b.bind(pg_text_array(values)) + "::" + type + "[])";
}

// The free-text matches (CTEs qm and qt) passing `where`, one row per vehicle: id, rank
// and each of `columns` as k0, k1, ... A vehicle of a matched model (read through
// vehicles_visible_facets_idx (make, model), which covers every filter column) ranks by the
// model's similarity plus its own word rank ("2019 camry": the 2019 Camrys first); a word
// match outside those models by its word rank. Each vehicle comes from one branch only, so no GROUP
// BY over tens of thousands of rows: qm names each model once and qt each vehicle once.
std::string text_matches(const std::string& where, const std::vector<std::string>& columns) {
  std::string carried;
  for (std::size_t i = 0; i < columns.size(); ++i)
    carried += ", " + columns[i] + " as k" + std::to_string(i);
  return "select v.id, qm.rank + coalesce(qt.rank, 0) as rank" + carried +
         " from qm join public.vehicles v on v.make = qm.make and v.model = qm.model"
         " left join qt on qt.vehicle_id = v.id where " +
         where + " union all select v.id, qt.rank" + carried +
         " from qt join public.vehicles v on v.id = qt.vehicle_id where " + where +
         " and not exists (select from qm where qm.make = v.make and qm.model = v.model)";
}

}  // namespace

std::string bucket_label(const std::vector<long long>& edges, std::size_t i) {
  long long lo = i == 0 ? 0 : edges[i - 1];
  return i < edges.size() ? std::to_string(lo) + "-" + std::to_string(edges[i])
                          : std::to_string(lo) + "+";
}

std::size_t bucket_of(long long value, const std::vector<long long>& edges, long long scale) {
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (value < edges[i] * scale) return i;
  }
  return edges.size();
}

bool InventoryQuery::beyond_window() const { return offset() >= kMaxResultWindow; }

long long InventoryQuery::page_limit() const {
  return beyond_window() ? 0 : std::min(page_size, kMaxResultWindow - offset());
}

const std::vector<long long>& price_bucket_edges_dollars() {
  static const std::vector<long long> edges = {10000, 20000, 30000, 40000, 50000, 75000, 100000};
  return edges;
}

const std::vector<long long>& mileage_bucket_edges() {
  static const std::vector<long long> edges = {10000, 30000, 60000, 100000, 150000};
  return edges;
}

InventoryQuery parse_inventory_query(const http::Params& params, InventoryPreset preset) {
  InventoryQuery q;
  q.preset = preset;
  q.with_facets = preset == InventoryPreset::search;
  q.make = unique_sorted(params.all("make"));
  q.model = unique_sorted(params.all("model"));
  q.fuel = unique_sorted(params.all("fuel"));
  q.color = unique_sorted(params.all("color"));
  q.body_type = unique_sorted(params.all("body_type"));
  q.transmission = unique_sorted(params.all("transmission"));
  q.drivetrain = unique_sorted(params.all("drivetrain"));
  q.condition = unique_sorted(params.all("condition"));
  q.location_id = unique_sorted(params.all("location_id"));
  q.year_min = params.integer("year_min");
  q.year_max = params.integer("year_max");
  q.mileage_min = params.integer("mileage_min");
  q.mileage_max = params.integer("mileage_max");
  q.price_min_cents = dollars_to_cents(params, "price_min");
  q.price_max_cents = dollars_to_cents(params, "price_max");
  q.is_special = params.boolean("is_special");
  q.q = params.string("q");
  while (!q.q.empty() && q.q.back() == ' ') q.q.pop_back();
  while (!q.q.empty() && q.q.front() == ' ') q.q.erase(q.q.begin());
  check_range(q.year_min, q.year_max, "year_min", "year_max");
  check_range(q.mileage_min, q.mileage_max, "mileage_min", "mileage_max");
  check_range(q.price_min_cents, q.price_max_cents, "price_min", "price_max");
  q.sort = parse_sort(params, preset, !q.q.empty());
  q.page = params.integer("page").value_or(1);
  q.page_size = params.integer("page_size").value_or(20);
  return q;
}

std::string canonical_query(const http::Params& params) {
  std::string out;
  for (const auto& [name, values] : params.values()) {
    if (name == "view") continue;
    auto v = name == "sort" ? values : unique_sorted(values);
    out += (out.empty() ? "" : "&") + name + "=";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i > 0 ? "," : "") + v[i];
  }
  return out;
}

InventorySql build_inventory_sql(const InventoryQuery& q) {
  SqlBuilder b;
  bool text = !q.q.empty();
  // Free text (migration 20261126000000): qm, the fuzzily matched models (a few rows), and
  // qt, the full-text matches (capped ids).
  std::string text_ctes;
  if (text) {
    std::string query = b.bind(q.q);
    text_ctes = "qm as (select m.make, m.model, m.rank from public.search_vehicle_models(" + query +
                ") m), qt as materialized (select t.vehicle_id, t.rank from "
                "public.search_vehicle_text_ids(" +
                query + ", " + std::to_string(kMaxTextMatches) + ") t), ";
  }
  std::string from = "public.vehicles v";
  // SQL facets for free text join every match back to its row: the fallback path only.
  if (text) from += " join (" + text_matches("v.visible", {}) + ") s on s.id = v.id";

  // Conditions without a facet, and the fixed condition of a preset list.
  std::vector<std::string> plain = {"v.visible"};
  switch (q.preset) {
    case InventoryPreset::featured:
      plain.emplace_back("v.is_featured");
      break;
    case InventoryPreset::new_cars:
      plain.emplace_back("v.condition = 'new'");
      break;
    case InventoryPreset::cpo:
      plain.emplace_back("v.condition = 'cpo'");
      break;
    case InventoryPreset::specials:
      plain.emplace_back("v.is_special");
      break;
    case InventoryPreset::search:
      break;
  }
  if (!q.drivetrain.empty()) plain.push_back(any_of(b, "v.drivetrain", q.drivetrain, "text"));
  // A literal, not a bound boolean: lets the planner match the partial specials index.
  if (q.is_special) plain.emplace_back(*q.is_special ? "v.is_special" : "not v.is_special");

  std::vector<FacetFilter> faceted;
  auto any_text = [&](const char* flag, const char* column, const std::vector<std::string>& v,
                      const char* type) {
    if (v.empty()) return;
    faceted.push_back({flag, any_of(b, column, v, type)});
  };
  auto range = [&](const char* flag, const char* column, const std::optional<long long>& lo,
                   const std::optional<long long>& hi, const char* type) {
    std::vector<std::string> parts;
    if (lo)
      parts.push_back(std::string(column) + " >= " + b.bind(std::to_string(*lo)) + "::" + type);
    if (hi)
      parts.push_back(std::string(column) + " <= " + b.bind(std::to_string(*hi)) + "::" + type);
    if (!parts.empty()) faceted.push_back({flag, join_and(parts)});
  };
  any_text("ok_make", "v.make", q.make, "text");
  any_text("ok_model", "v.model", q.model, "text");
  any_text("ok_body_type", "v.body_type", q.body_type, "text");
  any_text("ok_fuel", "v.fuel", q.fuel, "text");
  any_text("ok_transmission", "v.transmission", q.transmission, "text");
  any_text("ok_color", "v.color_ext", q.color, "text");
  any_text("ok_condition", "v.condition", q.condition, "text");
  any_text("ok_location", "v.location_id", q.location_id, "uuid");
  range("ok_year", "v.year", q.year_min, q.year_max, "int");
  range("ok_price", "v.price_current_cents", q.price_min_cents, q.price_max_cents, "bigint");
  range("ok_mileage", "v.mileage", q.mileage_min, q.mileage_max, "int");

  std::vector<std::string> all = plain;
  for (const auto& f : faceted) all.push_back(f.condition);
  std::string where_all = join_and(all);

  // The page's order. With free text the rows come from CTE tm (the matches passing every
  // filter), which carries each sort column as k<i>; otherwise from the vehicles' indexes.
  std::string order;
  std::vector<std::string> carried;  // text: the v.* sort columns tm carries
  for (const auto& k : q.sort) {
    std::string column(find_sort_column(k.key)->sql);
    if (text && k.key != "relevance") {
      carried.push_back(column);
      column = "s.k" + std::to_string(carried.size() - 1);
    }
    order += column + (k.descending ? " desc" : " asc") + ", ";
  }
  // Unique tie-breaker (stable pages without duplicates or gaps), in the last key's direction
  // so that (key, id) indexes serve the whole order in one scan.
  order += std::string(text ? "s.id" : "v.id") + (q.sort.back().descending ? " desc" : " asc");

  long long limit = q.page_limit();
  long long offset = q.beyond_window() ? 0 : q.offset();
  std::string rows = text ? "s.id, row_number() over (order by " + order + ") as rn from tm s"
                          : "v.id, row_number() over (order by " + order + ") as rn from " + from +
                                " where " + where_all;
  std::string page = "select " + rows + " order by " + order + " limit " +
                     b.bind(std::to_string(limit)) + "::bigint offset " +
                     b.bind(std::to_string(offset)) + "::bigint";
  // The page's cards beside one row of totals (`head`, computed once), so that an empty
  // page still returns its total: `head left join <cards> on true`.
  std::string cards = "(" + page + ") p join public.vehicles v on v.id = p.id and v.visible " +
                      std::string(vehicle_card_location_join_sql());
  auto with_cards = [&cards](const std::string& total, const std::string& facets) {
    return "head as materialized (select " + total + " as total, " + facets +
           " as facets) select h.total, h.facets, " + std::string(vehicle_card_columns_sql()) +
           " from head h left join (" + cards + ") on true order by p.rn";
  };

  if (!q.with_facets) {
    std::string count = text ? "(select count(*) from tm)"
                             : "(select count(*) from " + from + " where " + where_all + ")";
    std::string sql = "with " + text_ctes +
                      (text ? "tm as (" + text_matches(where_all, carried) + "), " : "") +
                      with_cards(count, "null::text");
    return {std::move(sql), b.take_params()};
  }

  // Facets: one scan of the rows that pass every non-facet filter, one boolean per facet
  // filter, and one GROUPING SETS aggregate in which each facet counts the rows passing
  // every filter but its own (disjunctive facets).
  const auto& defs = facet_defs();
  std::string f =
      "f as (select v.make, v.model, v.body_type, v.fuel, v.transmission, "
      "v.color_ext, v.condition, v.location_id, v.year, " +
      bucket_case("v.price_current_cents", price_bucket_edges_dollars(), 100) +
      " as price_bucket, " + bucket_case("v.mileage", mileage_bucket_edges(), 1) +
      " as mileage_bucket";
  for (const auto& ff : faceted) f += ", (" + ff.condition + ") as " + ff.flag;
  f += " from " + from + " where " + join_and(plain) + ")";

  auto flags_except = [&](const std::vector<std::string_view>& relaxed) {
    std::vector<std::string> parts;
    for (const auto& ff : faceted) {
      if (std::find(relaxed.begin(), relaxed.end(), ff.flag) == relaxed.end())
        parts.push_back("f." + ff.flag);
    }
    return join_and(parts);
  };
  std::string columns;
  std::string sets;
  for (const auto& d : defs) {
    columns += (columns.empty() ? "" : ", ") + std::string("f.") + std::string(d.column);
    sets += "(f." + std::string(d.column) + "), ";
  }
  std::string g = "g as (select grouping(" + columns + ") as gs, " + columns +
                  ", count(*) filter (where " + flags_except({}) + ") as c_all";
  for (std::size_t i = 0; i < defs.size(); ++i) {
    g += ", count(*) filter (where " + flags_except(defs[i].relaxes) + ") as c" + std::to_string(i);
  }
  g += " from f group by grouping sets (" + sets + "()))";

  // grouping() sets bit (n-1-i) when argument i is not grouped by the row's set.
  const long long full = (1LL << defs.size()) - 1;
  std::string facets = "json_build_object(";
  for (std::size_t i = 0; i < defs.size(); ++i) {
    long long mask = full ^ (1LL << (defs.size() - 1 - i));
    std::string col = "g." + std::string(defs[i].column);
    std::string key = col;
    if (defs[i].name == "price")
      key = bucket_labels(price_bucket_edges_dollars()) + "[" + col + " + 1]";
    if (defs[i].name == "mileage")
      key = bucket_labels(mileage_bucket_edges()) + "[" + col + " + 1]";
    std::string c = "g.c" + std::to_string(i);
    facets += (i > 0 ? ", " : "") + std::string("'") + std::string(defs[i].name) +
              "', (select coalesce(json_object_agg(" + key + ", " + c + " order by " + col +
              "), '{}'::json) from g where g.gs = " + std::to_string(mask) + " and " + c +
              " > 0 and " + col + " is not null)";
  }
  facets += ")";

  std::string total =
      "coalesce((select g.c_all from g where g.gs = " + std::to_string(full) + "), 0)";
  std::string sql = "with " + text_ctes +
                    (text ? "tm as (" + text_matches(where_all, carried) + "), " : "") + f + ", " +
                    g + ", " + with_cards(total, facets + "::text");
  return {std::move(sql), b.take_params()};
}

InventorySql build_text_matches_sql(const InventoryQuery& q) {
  static const std::string sql =
      "select (select coalesce(json_agg(json_build_array(m.make, m.model, m.rank::text)), "
      "'[]')::text from public.search_vehicle_models($1) m), "
      "(select coalesce(string_agg(t.vehicle_id::text || ' ' || t.rank::text, ','), '') "
      "from public.search_vehicle_text_ids($1, " +
      std::to_string(kMaxTextMatches) + ") t)";
  return {sql, {q.q}};
}

}  // namespace forecourt::api
