// The pure half of /inventory/search: parameters -> validated query -> SQL + bound values.
#include "api/inventory_query.hpp"

#include <gtest/gtest.h>

#include "http/errors.hpp"

namespace forecourt::api {
namespace {

http::Params params(std::initializer_list<std::pair<const char*, const char*>> items) {
  http::Params p;
  for (const auto& [k, v] : items) p.add(k, v);
  return p;
}

std::string offending_parameter(const http::Params& p) {
  try {
    (void)parse_inventory_query(p, InventoryPreset::search);
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.errors().at(0).parameter;
  }
  return "(accepted)";
}

TEST(InventoryQuery, CanonicalQueryIgnoresOrderAndViewButKeepsSortOrder) {
  auto a = params({{"make", "Toyota"},
                   {"make", "Honda"},
                   {"page", "1"},
                   {"view", "compact"},
                   {"sort", "year:desc"},
                   {"sort", "price_current:asc"}});
  auto b = params({{"sort", "year:desc"},
                   {"page", "1"},
                   {"make", "Honda"},
                   {"make", "Toyota"},
                   {"sort", "price_current:asc"}});
  EXPECT_EQ(canonical_query(a), canonical_query(b));
  EXPECT_EQ(canonical_query(a), "make=Honda,Toyota&page=1&sort=year:desc,price_current:asc");
  auto c = params({{"sort", "price_current:asc"}, {"sort", "year:desc"}});
  EXPECT_NE(canonical_query(c),
            canonical_query(params({{"sort", "year:desc"}, {"sort", "price_current:asc"}})));
}

TEST(InventoryQuery, CrossParameterProblemsNameTheParameter) {
  EXPECT_EQ(offending_parameter(params({{"year_min", "2022"}, {"year_max", "2020"}})), "year_min");
  EXPECT_EQ(offending_parameter(params({{"mileage_min", "9"}, {"mileage_max", "1"}})),
            "mileage_min");
  EXPECT_EQ(offending_parameter(params({{"price_min", "10"}, {"price_max", "9.99"}})), "price_min");
  EXPECT_EQ(offending_parameter(params({{"sort", "vin"}})), "sort");
  EXPECT_EQ(offending_parameter(params({{"sort", "year:sideways"}})), "sort");
  EXPECT_EQ(offending_parameter(params({{"sort", "year"}, {"sort", "year:asc"}})), "sort");
  EXPECT_EQ(offending_parameter(params({{"sort", "relevance"}})), "sort");
  EXPECT_EQ(offending_parameter(params({{"sort", "featured_position"}})), "sort");
  EXPECT_EQ(offending_parameter(params({{"q", "camry"}, {"sort", "relevance"}})), "(accepted)");
}

TEST(InventoryQuery, DefaultsAndDollarsToCents) {
  auto q = parse_inventory_query(params({{"price_min", "19999.99"}}), InventoryPreset::search);
  EXPECT_EQ(q.price_min_cents, 1999999);
  ASSERT_EQ(q.sort.size(), 1U);
  EXPECT_EQ(q.sort[0].key, "created_at");
  EXPECT_TRUE(q.sort[0].descending);
  EXPECT_TRUE(q.with_facets);
  auto text = parse_inventory_query(params({{"q", "  toyta camry "}}), InventoryPreset::search);
  EXPECT_EQ(text.q, "toyta camry");
  EXPECT_EQ(text.sort[0].key, "relevance");
  auto featured = parse_inventory_query(params({}), InventoryPreset::featured);
  EXPECT_EQ(featured.sort[0].key, "featured_position");
  EXPECT_FALSE(featured.with_facets);
}

TEST(InventoryQuery, ValuesAreBoundNeverSpliced) {
  auto q = parse_inventory_query(params({{"make", "Bob's \"Cars\""},
                                         {"model", "x'); drop table vehicles; --"},
                                         {"q", "robert'); --"},
                                         {"year_min", "2019"}}),
                                 InventoryPreset::search);
  auto sql = build_inventory_sql(q);
  EXPECT_EQ(sql.sql.find("Bob"), std::string::npos);
  EXPECT_EQ(sql.sql.find("drop table"), std::string::npos);
  EXPECT_EQ(sql.sql.find("robert"), std::string::npos);
  EXPECT_NE(sql.sql.find("v.visible"), std::string::npos);
  bool bound = false;
  // One value is compared with `=` (so a (make, sort, id) index serves the order): it is
  // bound as itself.
  for (const auto& p : sql.params) bound = bound || (p && *p == R"(Bob's "Cars")");
  EXPECT_TRUE(bound) << "make goes in as a bound parameter";
  // Same shape, other values: the same statement text (prepared once per connection).
  auto other = parse_inventory_query(
      params({{"make", "Kia"}, {"model", "Rio"}, {"q", "rio"}, {"year_min", "2001"}}),
      InventoryPreset::search);
  EXPECT_EQ(build_inventory_sql(other).sql, sql.sql);
}

TEST(InventoryQuery, FreeTextJoinsMatchedModelsInsteadOfListingIds) {
  auto q = parse_inventory_query(params({{"q", "toyta camry"}, {"sort", "price_current:asc"}}),
                                 InventoryPreset::search);
  q.with_facets = false;
  auto sql = build_inventory_sql(q).sql;
  EXPECT_NE(sql.find("public.search_vehicle_models("), std::string::npos);
  EXPECT_NE(sql.find("public.search_vehicle_text_ids("), std::string::npos);
  EXPECT_EQ(sql.find("search_vehicle_ids"), std::string::npos) << "no id list per match";
  EXPECT_EQ(sql.find("group by"), std::string::npos) << "each match comes from one branch";
  // The sort column travels with the match, so the page never re-reads every match's row.
  EXPECT_NE(sql.find("v.price_current_cents as k0"), std::string::npos);
  EXPECT_NE(sql.find("order by s.k0 asc, s.id asc"), std::string::npos);
}

// The search index's free-text input: the matched models and the word matches with their
// ranks as float4 text (exact), q bound, never spliced.
TEST(InventoryQuery, TextMatchesForTheIndexCarryRanks) {
  auto q = parse_inventory_query(params({{"q", "toyta'; drop table x"}}), InventoryPreset::search);
  auto built = build_text_matches_sql(q);
  EXPECT_NE(built.sql.find("public.search_vehicle_models($1)"), std::string::npos);
  EXPECT_NE(built.sql.find("public.search_vehicle_text_ids($1, 10000)"), std::string::npos);
  EXPECT_NE(built.sql.find("m.rank::text"), std::string::npos);
  EXPECT_NE(built.sql.find("t.rank::text"), std::string::npos);
  EXPECT_EQ(built.sql.find("drop table"), std::string::npos);
  ASSERT_EQ(built.params.size(), 1U);
  EXPECT_EQ(built.params[0], "toyta'; drop table x");
}

TEST(InventoryQuery, PageLimitStopsAtTheResultWindow) {
  auto first = parse_inventory_query(params({}), InventoryPreset::search);
  EXPECT_EQ(first.page_limit(), 20);
  auto edge = parse_inventory_query(params({{"page", "101"}, {"page_size", "99"}}),
                                    InventoryPreset::search);
  EXPECT_EQ(edge.offset(), 9900);
  EXPECT_EQ(edge.page_limit(), 99);
  auto across = parse_inventory_query(params({{"page", "102"}, {"page_size", "99"}}),
                                      InventoryPreset::search);
  EXPECT_EQ(across.page_limit(), 10000 - 9999);
  auto beyond = parse_inventory_query(params({{"page", "103"}, {"page_size", "99"}}),
                                      InventoryPreset::search);
  EXPECT_EQ(beyond.page_limit(), 0);
}

TEST(InventoryQuery, DeepPagesFetchNothing) {
  auto q = parse_inventory_query(params({{"page", "501"}, {"page_size", "20"}}),
                                 InventoryPreset::search);
  EXPECT_TRUE(q.beyond_window());
  auto sql = build_inventory_sql(q);
  ASSERT_GE(sql.params.size(), 2U);
  EXPECT_EQ(sql.params[sql.params.size() - 2], "0") << "limit 0";
  auto last = parse_inventory_query(params({{"page", "500"}, {"page_size", "20"}}),
                                    InventoryPreset::search);
  EXPECT_FALSE(last.beyond_window());
}

}  // namespace
}  // namespace forecourt::api
