// /inventory/search and friends over HTTP against the seeded database. Every count is
// checked against a brute-force SQL count run as the superuser on the same data.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <thread>
#include <tuple>

#include "auth/base64url.hpp"
#include "cli/pg_blocking.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {
namespace json = boost::json;

class InventorySearch : public SharedServerSuite<InventorySearch> {
 protected:
  static void SetUpTestSuite() {
    admin_ = new cli::BlockingPg(required_env("MIGRATIONS_DATABASE_URL"));
    SharedServerSuite::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    SharedServerSuite::TearDownTestSuite();
    delete admin_;
    admin_ = nullptr;
  }

  static json::object get_ok(const std::string& target) {
    auto r = http_get(server_->port(), target);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
    if (r.status != 200) return {};
    return json::parse(r.body).as_object();
  }
  static long long sql_count(const std::string& where) {
    auto rows = admin_->rows("select count(*) from public.vehicles v where v.visible and " + where);
    return std::stoll(rows.at(0).at(0));
  }
  static long long total(const json::object& doc) {
    return doc.at("meta").at("total").to_number<long long>();
  }
  static std::string first_param_error(const std::string& target) {
    auto r = http_get(server_->port(), target);
    EXPECT_EQ(r.status, 400) << target << "\n" << r.body;
    if (r.status != 400) return {};
    return std::string(
        json::parse(r.body).at("errors").at(0).at("source").at("parameter").as_string());
  }
  static std::string some_location() {
    return admin_->rows(
        "select location_id::text from public.vehicles where visible group by 1 "
        "order by count(*) desc, 1 limit 1")[0][0];
  }

  // Until the facet index is current again after an edit: the new version reaches the server
  // by NOTIFY, so give it a moment, then ask (a fresh page each time: no cached answer).
  static void wait_for_index() {
    static int page = 5000;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int i = 0; i < 100; ++i) {
      auto doc = get_ok("/inventory/search?page_size=1&page=" + std::to_string(++page));
      ASSERT_FALSE(doc.empty());
      if (doc.at("meta").at("facet_source").as_string() == "index") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the facet index did not catch up";
  }

  static cli::BlockingPg* admin_;
};
cli::BlockingPg* InventorySearch::admin_ = nullptr;

TEST_F(InventorySearch, EachFilterAloneMatchesABruteForceCount) {
  std::string loc = some_location();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "true"},
      {"make=Toyota", "v.make = 'Toyota'"},
      {"make=Toyota,Honda", "v.make in ('Toyota','Honda')"},
      {"make=Toyota&make=Honda", "v.make in ('Toyota','Honda')"},
      {"model=Camry", "v.model = 'Camry'"},
      {"year_min=2020", "v.year >= 2020"},
      {"year_max=2018", "v.year <= 2018"},
      {"year_min=2019&year_max=2021", "v.year between 2019 and 2021"},
      {"price_min=20000", "v.price_current >= 20000"},
      {"price_max=30000.50", "v.price_current <= 30000.50"},
      {"mileage_max=30000", "v.mileage <= 30000"},
      {"mileage_min=50000", "v.mileage >= 50000"},
      {"fuel=electric", "v.fuel = 'electric'"},
      {"fuel=hybrid,plugin_hybrid", "v.fuel in ('hybrid','plugin_hybrid')"},
      {"color=black", "v.color_ext = 'black'"},
      {"body_type=suv", "v.body_type = 'suv'"},
      {"transmission=manual", "v.transmission = 'manual'"},
      {"drivetrain=awd", "v.drivetrain = 'awd'"},
      {"condition=cpo", "v.condition = 'cpo'"},
      {"location_id=" + loc, "v.location_id = '" + loc + "'"},
      {"is_special=true", "v.is_special"},
      {"is_special=false", "not v.is_special"},
  };
  for (const auto& [query, where] : cases) {
    auto doc = get_ok("/inventory/search?page_size=5" + (query.empty() ? "" : "&" + query));
    ASSERT_FALSE(doc.empty()) << query;
    long long expected = sql_count(where);
    EXPECT_EQ(total(doc), expected) << query;
    if (where != "true") {
      EXPECT_GT(expected, 0) << query << ": the seed should have some";
    }
  }
}

TEST_F(InventorySearch, CombinedFiltersMatchAndEveryCardSatisfiesThem) {
  auto doc = get_ok(
      "/inventory/search?body_type=suv,sedan&year_min=2018&price_max=45000&condition=used,cpo"
      "&page_size=100");
  EXPECT_EQ(total(doc), sql_count("v.body_type in ('suv','sedan') and v.year >= 2018 and "
                                  "v.price_current <= 45000 and v.condition in ('used','cpo')"));
  for (const auto& c : doc.at("data").as_array()) {
    const auto& card = c.as_object();
    EXPECT_GE(card.at("year").as_int64(), 2018);
    EXPECT_LE(card.at("price_current").to_number<double>(), 45000.0);
    EXPECT_FALSE(card.at("is_new").as_bool());
    std::string body(card.at("quick_specs").at("body_type").as_string());
    EXPECT_TRUE(body == "suv" || body == "sedan") << body;
  }
}

// Each facet applies every filter except its own (make also ignores model). Checked for
// both sources: the in-memory facet index and PostgreSQL's GROUPING SETS.
void check_facets_against_sql(cli::BlockingPg& admin, const json::object& doc) {
  const auto& facets = doc.at("meta").at("facets").as_object();
  struct Dim {
    std::string facet, column, own;
  };
  const std::string make = "v.make in ('Toyota','Honda')";
  const std::string body = "v.body_type in ('suv','sedan')";
  const std::string price = "v.price_current_cents <= 4000000";
  const std::string year = "v.year >= 2017";
  const std::string fuel = "v.fuel in ('petrol','hybrid')";
  auto where_except = [&](const std::string& own) {
    std::string w = "true";
    for (const auto* c : {&make, &body, &price, &year, &fuel})
      if (*c != own) w += " and " + *c;
    return w;
  };
  const std::vector<Dim> dims = {
      {"make", "v.make", make},
      {"model", "v.model", "none"},
      {"body_type", "v.body_type", body},
      {"fuel", "v.fuel", fuel},
      {"transmission", "v.transmission", "none"},
      {"color", "v.color_ext", "none"},
      {"condition", "v.condition", "none"},
      {"location", "v.location_id::text", "none"},
      {"year", "v.year::text", year},
      {"price",
       "case when v.price_current_cents < 1000000 then '0-10000' when v.price_current_cents < "
       "2000000 then '10000-20000' when v.price_current_cents < 3000000 then '20000-30000' "
       "when v.price_current_cents < 4000000 then '30000-40000' when v.price_current_cents < "
       "5000000 then '40000-50000' when v.price_current_cents < 7500000 then '50000-75000' when "
       "v.price_current_cents < 10000000 then '75000-100000' else '100000+' end",
       price},
      {"mileage",
       "case when v.mileage < 10000 then '0-10000' when v.mileage < 30000 then '10000-30000' "
       "when v.mileage < 60000 then '30000-60000' when v.mileage < 100000 then '60000-100000' "
       "when v.mileage < 150000 then '100000-150000' else '150000+' end",
       "none"},
  };
  std::string source(doc.at("meta").at("facet_source").as_string());
  for (const auto& d : dims) {
    auto rows =
        admin.rows("select " + d.column + ", count(*) from public.vehicles v where v.visible and " +
                   where_except(d.own) + " and " + d.column + " is not null group by 1");
    const auto& got = facets.at(d.facet).as_object();
    EXPECT_EQ(got.size(), rows.size()) << source << " " << d.facet << ": " << json::serialize(got);
    for (const auto& row : rows) {
      auto it = got.find(row[0]);
      ASSERT_NE(it, got.end()) << source << " " << d.facet << " lacks " << row[0];
      EXPECT_EQ(it->value().to_number<long long>(), std::stoll(row[1]))
          << source << " " << d.facet << "=" << row[0];
    }
  }
  // Choosing Toyota and Honda still shows how many other makes match the rest.
  EXPECT_GT(facets.at("make").as_object().size(), 2U);
  auto total_rows = admin.rows("select count(*) from public.vehicles v where v.visible and " +
                               where_except("none"));
  EXPECT_EQ(doc.at("meta").at("total").to_number<long long>(), std::stoll(total_rows[0][0]))
      << source;
}

TEST_F(InventorySearch, DisjunctiveFacetCountsMatchBruteForce) {
  const std::string target =
      "/inventory/search?make=Toyota,Honda&body_type=suv,sedan&price_max=40000&year_min=2017"
      "&fuel=petrol,hybrid";
  std::set<std::string> sources;
  // The facet index catches up with every inventory change from the change feed; in the
  // moment right after one, PostgreSQL answers. A no-op update bumps the version, so both sources
  // get checked.
  auto any_id = admin_->rows("select id::text from public.vehicles where visible limit 1")[0][0];
  for (int i = 0; i < 40 && sources.size() < 2; ++i) {
    if (i % 2 == 0 && sources.count("database") == 0) {
      admin_->exec_params("update public.vehicles set price_current = price_current where id = $1",
                          {any_id});
    }
    auto doc = get_ok(target + "&page=" + std::to_string(1 + i % 3));  // distinct cache keys
    std::string source(doc.at("meta").at("facet_source").as_string());
    if (sources.insert(source).second) check_facets_against_sql(*admin_, doc);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(sources.count("index"), 1U) << "the facet index answered";
  EXPECT_EQ(sources.count("database"), 1U) << "PostgreSQL answered";
}

// The facet index follows edits through the change feed (public.vehicle_changes_since):
// after a price change, a visibility change, an insert and a delete, the next answers come
// from the index again, and its counts match a brute-force count.
TEST_F(InventorySearch, FacetIndexFollowsEditsIncrementally) {
  const std::string target =
      "/inventory/search?make=Toyota,Honda&body_type=suv,sedan&price_max=40000&year_min=2017"
      "&fuel=petrol,hybrid&page_size=1";
  int page = 100;  // a fresh page per request: distinct cache keys, each answer built anew
  auto index_answer = [&](const std::string& what) {
    // The new version reaches the server by NOTIFY (its listener thread); until then the
    // index is rightly "current" for the old version. Give the notification time to land.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    json::object doc;
    for (int i = 0; i < 100; ++i) {
      doc = get_ok(target + "&page=" + std::to_string(++page));
      if (doc.empty()) return;
      if (doc.at("meta").at("facet_source").as_string() == "index") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(doc.at("meta").at("facet_source").as_string(), "index") << what;
    SCOPED_TRACE(what);
    check_facets_against_sql(*admin_, doc);
  };
  index_answer("before any edit");
  auto car = admin_->rows(
      "select id::text from public.vehicles v where v.visible and v.make = 'Toyota' and "
      "v.body_type = 'suv' and v.fuel = 'petrol' and v.year >= 2017 and "
      "v.price_current_cents <= 4000000 order by id limit 1");
  ASSERT_EQ(car.size(), 1U) << "the seed has a matching Toyota SUV";
  const std::string id = car[0][0];

  admin_->exec_params(
      "update public.vehicles set price_current = price_current + 5000 where id = $1", {id});
  index_answer("price change");
  admin_->exec_params(
      "update public.vehicles set price_current = price_current - 5000 where id = $1", {id});
  admin_->exec_params("update public.vehicles set visible = false where id = $1", {id});
  index_answer("hidden");
  admin_->exec_params("update public.vehicles set visible = true where id = $1", {id});
  index_answer("visible again");

  admin_->exec(
      "insert into public.vehicles (vin, make, model, year, body_type, fuel, transmission, "
      "condition, price_current, mileage, color_ext, location_id) "
      "select 'FACET0NDEX0TEST12', 'Honda', 'FacetTestModel', 2024, 'sedan', 'hybrid', "
      "'automatic', 'new', 31000, 12, 'purple', v.location_id from public.vehicles v "
      "where v.id = '" +
      id + "'");
  index_answer("insert");
  auto model = get_ok(target + "&page=" + std::to_string(++page));
  EXPECT_EQ(model.at("meta").at("facets").at("model").at("FacetTestModel").to_number<long long>(),
            1);
  admin_->exec("delete from public.vehicles where vin = 'FACET0NDEX0TEST12'");
  index_answer("delete");
  auto gone = get_ok(target + "&page=" + std::to_string(++page));
  EXPECT_FALSE(gone.at("meta").at("facets").at("model").as_object().contains("FacetTestModel"));
}

// A free-text match, by definition: a vehicle of a fuzzily matched model, or a word match.
std::string text_match_sql(const std::string& text) {
  return "((v.make, v.model) in (select m.make, m.model from public.search_vehicle_models('" +
         text + "') m) or v.id in (select t.vehicle_id from public.search_vehicle_text_ids('" +
         text + "', 10000) t))";
}

// Free text: the index counts the facets of the models and ids PostgreSQL matched.
TEST_F(InventorySearch, FreeTextFacetsMatchBruteForce) {
  const std::string matched = text_match_sql("toyta camry");
  json::object doc;
  for (int i = 0; i < 100; ++i) {
    doc = get_ok("/inventory/search?q=toyta%20camry&year_min=2016&page_size=1&page=" +
                 std::to_string(i + 1));
    ASSERT_FALSE(doc.empty());
    if (doc.at("meta").at("facet_source").as_string() == "index") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(doc.at("meta").at("facet_source").as_string(), "index");
  EXPECT_EQ(total(doc), sql_count(matched + " and v.year >= 2016"));
  const auto& facets = doc.at("meta").at("facets").as_object();
  for (const auto& [facet, column, where] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"year", "v.year::text", matched},
           {"model", "v.model", matched + " and v.year >= 2016"},
           {"condition", "v.condition", matched + " and v.year >= 2016"}}) {
    auto rows = admin_->rows("select " + column + ", count(*) from public.vehicles v where " +
                             "v.visible and " + where + " group by 1");
    const auto& got = facets.at(facet).as_object();
    EXPECT_EQ(got.size(), rows.size()) << facet << ": " << json::serialize(got);
    for (const auto& row : rows) {
      ASSERT_TRUE(got.contains(row[0])) << facet << " lacks " << row[0];
      EXPECT_EQ(got.at(row[0]).to_number<long long>(), std::stoll(row[1])) << facet << row[0];
    }
  }
}

TEST_F(InventorySearch, FuzzyFreeTextFindsTheModel) {
  auto doc = get_ok("/inventory/search?q=toyta%20camry&page_size=10");
  ASSERT_GT(total(doc), 0);
  for (const auto& c : doc.at("data").as_array()) {
    EXPECT_EQ(c.at("make").as_string(), "Toyota");
    EXPECT_EQ(c.at("model").as_string(), "Camry");
  }
  EXPECT_EQ(doc.at("meta").at("sort").at(0).as_string(), "relevance:desc");
  // Free text combines with filters and facets.
  auto narrowed = get_ok("/inventory/search?q=toyta%20camry&year_min=2022");
  EXPECT_LE(total(narrowed), total(doc));
  EXPECT_TRUE(narrowed.at("meta").at("facets").at("year").is_object());
}

// Every free-text path, checked against the definition: a model match ("camry", every word
// a model's: no word scan), a misspelling ("toyta camry"), words outside any model name
// ("2019 camry": the word scan runs and adds nothing beyond Camrys of 2019), words with no
// model ("automatic"), and free text sorted by a column the match carries.
TEST_F(InventorySearch, FreeTextTotalsMatchTheirDefinition) {
  for (const auto& [query, text] : std::vector<std::pair<std::string, std::string>>{
           {"q=camry", "camry"},
           {"q=toyta%20camry", "toyta camry"},
           {"q=2019%20camry", "2019 camry"},
           {"q=automatic", "automatic"},
           {"q=camry&sort=created_at:desc", "camry"},
           {"q=camry&sort=price_current:asc&make=Toyota", "camry"}}) {
    auto doc = get_ok("/inventory/search?" + query + "&page_size=100");
    std::string where = text_match_sql(text);
    if (query.find("make=Toyota") != std::string::npos) where += " and v.make = 'Toyota'";
    long long expected = sql_count(where);
    EXPECT_EQ(total(doc), expected) << query;
    EXPECT_EQ(static_cast<long long>(doc.at("data").as_array().size()), std::min(expected, 100LL))
        << query;
  }
  // Words rank within the model: for "2020 camry" the 2020 Camrys come first.
  auto by_year = get_ok("/inventory/search?q=2020%20camry&page_size=100");
  long long of_2020 = sql_count("v.make = 'Toyota' and v.model = 'Camry' and v.year = 2020");
  ASSERT_GT(of_2020, 0);
  const auto& ranked = by_year.at("data").as_array();
  ASSERT_GT(static_cast<long long>(ranked.size()), of_2020);
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    bool first = static_cast<long long>(i) < of_2020;
    EXPECT_EQ(ranked[i].at("year").to_number<long long>() == 2020, first) << i;
  }
  // "camry" matches the model, so every card is a Camry; newest first when asked.
  auto by_date = get_ok("/inventory/search?q=camry&sort=created_at:desc&page_size=100");
  for (const auto& c : by_date.at("data").as_array()) EXPECT_EQ(c.at("model").as_string(), "Camry");
}

TEST_F(InventorySearch, MultiKeySortIsStableAndPagesHaveNoDuplicatesOrGaps) {
  const std::string base =
      "/inventory/search?body_type=suv&sort=price_current:asc,year:desc&page_size=37";
  auto first = get_ok(base + "&page=1");
  long long n = total(first);
  ASSERT_GT(n, 37);
  std::vector<std::string> ids;
  double last_price = -1;
  long long last_year = 1 << 20;
  long long pages = first.at("meta").at("total_pages").to_number<long long>();
  for (long long p = 1; p <= pages; ++p) {
    auto doc = get_ok(base + "&page=" + std::to_string(p));
    for (const auto& c : doc.at("data").as_array()) {
      double price = c.at("price_current").to_number<double>();
      long long year = c.at("year").as_int64();
      ASSERT_GE(price, last_price);
      if (price == last_price) {
        ASSERT_LE(year, last_year);
      }
      last_price = price;
      last_year = year;
      ids.emplace_back(c.at("id").as_string());
    }
    if (p == pages) {
      EXPECT_TRUE(doc.at("links").at("next").is_null());
    } else {
      EXPECT_NE(doc.at("links").at("next").as_string().find("page=" + std::to_string(p + 1)),
                std::string::npos);
    }
  }
  EXPECT_EQ(static_cast<long long>(ids.size()), n);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  // The same page twice is the same page.
  auto again = get_ok(base + "&page=2");
  auto once = get_ok(base + "&page=2");
  EXPECT_EQ(json::serialize(again.at("data")), json::serialize(once.at("data")));
}

// One page as the search index picks it (walking a kept sort order, or sorting the
// filtered set; PostgreSQL renders the cards), against the page SQL's ORDER BY defines.
struct PageCase {
  std::string query;  // sort and filters as in the URL
  std::string text;   // q
  std::string where;  // the same filters in SQL
  std::string order;  // SQL's order: each key in its direction, then id in the last key's
  long long page = 1;
  long long page_size = 20;
};

void expect_index_page(cli::BlockingPg& admin, int port, const PageCase& c) {
  std::string url = "/inventory/search?page=" + std::to_string(c.page) +
                    "&page_size=" + std::to_string(c.page_size);
  if (!c.query.empty()) url += "&" + c.query;
  if (!c.text.empty()) {
    std::string encoded = c.text;
    for (std::size_t at = encoded.find(' '); at != std::string::npos; at = encoded.find(' '))
      encoded.replace(at, 1, "%20");
    url += "&q=" + encoded;
  }
  // Free text's relevance as build_inventory_sql defines it: the matched model's rank plus
  // the word rank, or the word rank alone.
  std::string from = "public.vehicles v where v.visible";
  if (!c.text.empty()) {
    from =
        "(select v.*, case when qm.make is not null then qm.rank + coalesce(qt.rank, 0) "
        "else qt.rank end as rank from public.vehicles v "
        "left join public.search_vehicle_models('" +
        c.text +
        "') qm on qm.make = v.make and qm.model = v.model "
        "left join public.search_vehicle_text_ids('" +
        c.text +
        "', 10000) qt on qt.vehicle_id = v.id "
        "where v.visible and (qm.make is not null or qt.vehicle_id is not null)) v where true";
  }
  auto expected = admin.rows("select v.id::text from " + from + " and " + c.where + " order by " +
                             c.order + " limit " + std::to_string(c.page_size) + " offset " +
                             std::to_string((c.page - 1) * c.page_size));
  auto r = http_get(port, url);
  ASSERT_EQ(r.status, 200) << url << "\n" << r.body;
  auto doc = json::parse(r.body);
  EXPECT_EQ(doc.at("meta").at("facet_source").as_string(), "index") << url;
  std::vector<std::string> got;
  for (const auto& card : doc.at("data").as_array()) got.emplace_back(card.at("id").as_string());
  std::vector<std::string> want;
  for (const auto& row : expected) want.push_back(row.at(0));
  EXPECT_EQ(got, want) << url;
  if (c.page == 1) {
    EXPECT_FALSE(want.empty()) << url << ": the seed should have some";
  }
}

// Every page of each kept order (price, year, mileage, created_at; both directions).
void expect_whole_orders_from_index(cli::BlockingPg& admin, int port) {
  long long n = std::stoll(admin.rows("select count(*) from public.vehicles where visible")[0][0]);
  for (const auto& [key, column] :
       std::vector<std::pair<std::string, std::string>>{{"price_current", "v.price_current_cents"},
                                                        {"year", "v.year"},
                                                        {"mileage", "v.mileage"},
                                                        {"created_at", "v.created_at"}}) {
    for (const char* dir : {"asc", "desc"}) {
      for (long long page = 1; (page - 1) * 100 < n; ++page) {
        expect_index_page(admin, port,
                          {"sort=" + key + ":" + dir, "", "true",
                           column + " " + dir + ", v.id " + dir, page, 100});
      }
    }
  }
}

TEST_F(InventorySearch, IndexPagesAreExactlyTheSqlOrder) {
  wait_for_index();
  const std::vector<PageCase> cases = {
      {"", "", "true", "v.created_at desc, v.id desc"},
      {"sort=price_current:asc", "", "true", "v.price_current_cents, v.id"},
      {"sort=year:desc", "", "true", "v.year desc, v.id desc", 3},
      {"sort=mileage:asc", "", "true", "v.mileage, v.id", 2, 100},
      {"sort=created_at:asc", "", "true", "v.created_at, v.id", 4, 7},
      {"sort=price_current:asc,year:desc&body_type=suv", "", "v.body_type = 'suv'",
       "v.price_current_cents, v.year desc, v.id desc", 2, 37},
      {"sort=year:desc,mileage:asc&make=Toyota", "", "v.make = 'Toyota'",
       "v.year desc, v.mileage, v.id", 2, 10},
      {"sort=year:asc,price_current:desc&year_min=2019&year_max=2021", "",
       "v.year between 2019 and 2021", "v.year, v.price_current_cents desc, v.id desc", 3, 15},
      // The sort column's own range: the walk starts and ends inside it.
      {"sort=price_current:asc&price_min=30000", "", "v.price_current_cents >= 3000000",
       "v.price_current_cents, v.id", 2},
      {"sort=price_current:desc&price_max=20000", "", "v.price_current_cents <= 2000000",
       "v.price_current_cents desc, v.id desc"},
      {"sort=year:desc&year_min=2018&year_max=2020", "", "v.year between 2018 and 2020",
       "v.year desc, v.id desc", 2},
      {"sort=mileage:asc&mileage_max=40000&condition=used", "",
       "v.mileage <= 40000 and v.condition = 'used'", "v.mileage, v.id", 3},
      // Filters correlated with the order: the walk passes every used car before the first
      // new one, gives up, and the filtered set is sorted instead.
      {"sort=mileage:desc&condition=new&body_type=sedan", "",
       "v.condition = 'new' and v.body_type = 'sedan'", "v.mileage desc, v.id desc", 2, 10},
      // Few matches: the filtered set is sorted instead of walked.
      {"sort=created_at:asc&make=BMW&transmission=automatic", "",
       "v.make = 'BMW' and v.transmission = 'automatic'", "v.created_at, v.id"},
      {"sort=mileage:desc&condition=cpo&fuel=hybrid", "",
       "v.condition = 'cpo' and v.fuel = 'hybrid'", "v.mileage desc, v.id desc", 1, 100},
      // The last page, and an empty one past the end.
      {"sort=price_current:asc&make=Honda", "", "v.make = 'Honda'", "v.price_current_cents, v.id",
       3, 25},
      {"sort=price_current:asc&make=Honda", "", "v.make = 'Honda'", "v.price_current_cents, v.id",
       40, 25},
      // Free text: relevance, and other keys over the matches.
      {"", "camry", "true", "v.rank desc, v.id desc"},
      {"", "2019 camry", "true", "v.rank desc, v.id desc", 1, 50},
      {"", "automatic", "true", "v.rank desc, v.id desc", 2},
      {"sort=price_current:asc", "camry", "true", "v.price_current_cents, v.id"},
      {"sort=year:desc,relevance:desc&year_min=2016", "toyta camry", "v.year >= 2016",
       "v.year desc, v.rank desc, v.id desc", 1, 30},
  };
  for (const auto& c : cases) expect_index_page(*admin_, server_->port(), c);
  expect_whole_orders_from_index(*admin_, server_->port());
}

// The kept orders follow edits: one car's price moved across the range, a car hidden and
// shown again, an insert and a delete (each patched into the orders), and a bulk update of
// more cars than are patched one by one (the orders are sorted afresh).
TEST_F(InventorySearch, IndexOrdersFollowEdits) {
  auto cheapest = admin_->rows(
      "select id::text, price_current::text from public.vehicles where visible "
      "order by price_current_cents, id limit 1")[0];
  auto hidden = admin_->rows(
      "select id::text from public.vehicles where visible order by mileage desc, id limit 1")[0][0];
  admin_->exec_params("update public.vehicles set price_current = 250000 where id = $1",
                      {cheapest[0]});
  admin_->exec_params("update public.vehicles set visible = false where id = $1", {hidden});
  admin_->exec(
      "insert into public.vehicles (vin, make, model, year, body_type, fuel, transmission, "
      "condition, price_current, mileage, color_ext, location_id) "
      "select 'SRTEDXFLLWSEDTS12', 'Honda', 'OrderTestModel', 2024, 'sedan', 'hybrid', "
      "'automatic', 'new', 31000, 12, 'purple', v.location_id from public.vehicles v "
      "where v.visible limit 1");
  wait_for_index();
  expect_whole_orders_from_index(*admin_, server_->port());

  auto bulk = admin_->rows(
      "with u as (update public.vehicles set mileage = mileage + 7 where make = 'Toyota' "
      "returning 1) select count(*) from u")[0][0];
  ASSERT_GT(std::stoll(bulk), 64) << "more changes than are patched one by one";
  wait_for_index();
  expect_whole_orders_from_index(*admin_, server_->port());

  admin_->exec("update public.vehicles set mileage = mileage - 7 where make = 'Toyota'");
  admin_->exec("delete from public.vehicles where vin = 'SRTEDXFLLWSEDTS12'");
  admin_->exec_params("update public.vehicles set visible = true where id = $1", {hidden});
  admin_->exec_params("update public.vehicles set price_current = $2::numeric where id = $1",
                      {cheapest[0], cheapest[1]});
  wait_for_index();
  expect_whole_orders_from_index(*admin_, server_->port());
}

TEST_F(InventorySearch, InvisibleVehiclesAreNeverReturned) {
  auto hidden = admin_->rows(
      "select id::text, make, model, year from public.vehicles where not visible order by id limit "
      "5");
  ASSERT_FALSE(hidden.empty()) << "the seed hides ~3% of the cars";
  EXPECT_EQ(total(get_ok("/inventory/search")), sql_count("true"));
  for (const auto& h : hidden) {
    auto doc = get_ok("/inventory/search?page_size=100&make=" + h[1] + "&year_min=" + h[3] +
                      "&year_max=" + h[3]);
    for (const auto& c : doc.at("data").as_array()) EXPECT_NE(c.at("id").as_string(), h[0]);
    auto specials = get_ok("/inventory/specials?page_size=100&make=" + h[1]);
    for (const auto& c : specials.at("data").as_array()) EXPECT_NE(c.at("id").as_string(), h[0]);
  }
}

TEST_F(InventorySearch, CardsCarryTheSpecShapeAndASignedHeroUrl) {
  auto doc = get_ok("/inventory/search?page_size=20&sort=price_current:desc");
  const auto& data = doc.at("data").as_array();
  ASSERT_EQ(data.size(), 20U);
  int with_url = 0;
  for (const auto& c : data) {
    const auto& card = c.as_object();
    for (const char* key : {"id", "title", "price_current", "price_list", "year", "mileage", "fuel",
                            "transmission", "media_hero_url", "quick_specs", "is_new",
                            "is_certified", "is_special", "badges", "location"})
      EXPECT_TRUE(card.contains(key)) << key;
    EXPECT_FALSE(card.contains("media_hero_path"));
    EXPECT_TRUE(card.at("location").at("city").is_string());
    if (!card.at("media_hero_url").is_string()) continue;
    ++with_url;
    std::string url(card.at("media_hero_url").as_string());
    EXPECT_NE(url.find("/storage/v1/object/sign/vehicle-media/"), std::string::npos) << url;
    auto token = url.substr(url.find("token=") + 6);
    auto first_dot = token.find('.');
    auto payload = auth::base64url_decode(
        token.substr(first_dot + 1, token.find('.', first_dot + 1) - first_dot - 1));
    ASSERT_TRUE(payload.ok());
    auto claims = json::parse(*payload).as_object();
    EXPECT_EQ(claims.at("exp").as_int64() - claims.at("iat").as_int64(), 900) << "15 minutes";
    auto served = http_get(server_->port(), url.substr(url.find("/storage/")));
    EXPECT_NE(served.status, 400) << "the storage route accepts the token (or is not built yet)";
  }
  EXPECT_GT(with_url, 15) << "nearly every seeded car has images";
  // A dropped price shows the previous one.
  auto dropped = admin_->rows(
      "select count(*) from public.vehicles where visible and price_previous > price_current");
  if (std::stoll(dropped[0][0]) > 0) {
    auto drops = get_ok("/inventory/search?page_size=100&condition=used");
    bool seen = false;
    for (const auto& c : drops.at("data").as_array()) {
      if (c.at("previous_price").is_null()) continue;
      seen = true;
      EXPECT_GT(c.at("previous_price").to_number<double>(),
                c.at("price_current").to_number<double>());
    }
    EXPECT_TRUE(seen);
  }
}

// The cards are written in C++ from their columns (vehicle_card.hpp). The oracle here is
// the card as PostgreSQL's json_build_object renders it from the same row, run as the
// superuser (with the public's view of locations: active ones only). Every visible car is
// compared, through the index's pages (search) and through the SQL statement's (the
// featured/new/CPO/specials lists, which do not use the index).
// Every visible car's card against an oracle built in SQL: the search's pages (with the
// index current, the public's cards are written from its copy, index_cards.hpp) and the
// preset lists (cards from SQL).
TEST_F(InventorySearch, EveryCardMatchesItsRowInSql) {
  wait_for_index();
  std::map<std::string, json::value> expected;
  for (const auto& row : admin_->rows(R"sql(
      select v.id::text, json_build_object(
        'id', v.id, 'title', v.title, 'price_current', v.price_current,
        'price_list', v.price_list,
        'previous_price', case when v.price_previous > v.price_current then v.price_previous end,
        'year', v.year, 'make', v.make, 'model', v.model, 'trim', v.trim, 'mileage', v.mileage,
        'fuel', v.fuel, 'transmission', v.transmission, 'condition', v.condition,
        'media_hero_url', v.hero_image_path,
        'quick_specs', json_build_object('body_type', v.body_type, 'drivetrain', v.drivetrain,
          'color', v.color_ext, 'doors', v.doors, 'seats', v.seats),
        'is_new', v.condition = 'new', 'is_certified', v.condition = 'cpo',
        'is_special', v.is_special,
        'badges', array_remove(array[case when v.condition = 'new' then 'New' end,
          case when v.condition = 'cpo' then 'CPO' end, case when v.is_special then 'Special' end,
          case when v.price_previous > v.price_current then 'Price Drop' end,
          case when v.is_featured then 'Featured' end], null),
        'location', (select json_build_object('id', l.id, 'city', l.city, 'state', l.state)
                     from public.locations l where l.id = v.location_id and l.is_active))::text
      from public.vehicles v where v.visible)sql")) {
    expected.emplace(row.at(0), json::parse(row.at(1)));
  }
  ASSERT_GT(expected.size(), 900U);
  auto check_page = [&](const std::string& target) {
    auto r = http_get(server_->port(), target);
    EXPECT_EQ(r.status, 200) << target;
    // Prices keep numeric(12,2)'s two decimals.
    static const std::regex price(R"re("(price_current|price_list|previous_price)":(-?\d+))re");
    for (std::sregex_iterator m(r.body.begin(), r.body.end(), price), end; m != end; ++m) {
      auto after = static_cast<std::size_t>(m->position(0) + m->length(0));
      EXPECT_TRUE(r.body.compare(after, 1, ".") == 0 && std::isdigit(r.body[after + 1]) &&
                  std::isdigit(r.body[after + 2]) && !std::isdigit(r.body[after + 3]))
          << target << ": " << r.body.substr(static_cast<std::size_t>(m->position(0)), 40);
    }
    auto doc = json::parse(r.body).as_object();
    std::size_t seen = 0;
    for (const auto& c : doc.at("data").as_array()) {
      auto card = c.as_object();
      std::string id(card.at("id").as_string());
      auto it = expected.find(id);
      if (it == expected.end()) {
        ADD_FAILURE() << "not a visible car: " << id;
        continue;
      }
      ++seen;
      auto want = it->second.as_object();
      // The hero: the oracle has the path, the card its signed URL.
      if (want.at("media_hero_url").is_null()) {
        EXPECT_TRUE(card.at("media_hero_url").is_null()) << id;
      } else {
        std::string url(card.at("media_hero_url").as_string());
        std::string path(want.at("media_hero_url").as_string());
        EXPECT_NE(url.find("/storage/v1/object/sign/" + path + "?token="), std::string::npos)
            << url;
      }
      card.erase("media_hero_url");
      want.erase("media_hero_url");
      EXPECT_EQ(json::value(card), json::value(want)) << id;
    }
    return seen;
  };
  std::size_t searched = 0;
  for (int page = 1; page <= 10; ++page) {
    const std::string target =
        "/inventory/search?page_size=100&sort=price_current:asc&page=" + std::to_string(page);
    searched += check_page(target);
    EXPECT_EQ(get_ok(target).at("meta").at("facet_source").as_string(), "index") << target;
  }
  EXPECT_EQ(searched, expected.size()) << "every visible car, once";
  for (const char* list : {"featured", "new", "cpo", "specials"}) {
    std::size_t listed = 0;
    for (int page = 1; page <= 10; ++page) {
      auto n = check_page("/inventory/" + std::string(list) +
                          "?page_size=100&page=" + std::to_string(page));
      listed += n;
      if (n < 100) break;
    }
    EXPECT_GT(listed, 0U) << list;
  }
  // An empty page (SQL path) is still a page with its total.
  auto empty = get_ok("/inventory/specials?make=NoSuchMake");
  EXPECT_TRUE(empty.at("data").as_array().empty());
  EXPECT_EQ(total(empty), 0);
}

TEST_F(InventorySearch, CompactViewKeepsOnlyTheCardEssentials) {
  auto doc = get_ok("/inventory/search?view=compact&page_size=3");
  auto card = doc.at("data").at(0).as_object();
  EXPECT_TRUE(card.contains("id"));
  EXPECT_TRUE(card.contains("media_hero_url"));
  EXPECT_FALSE(card.contains("quick_specs"));
  EXPECT_FALSE(card.contains("badges"));
  EXPECT_TRUE(doc.at("meta").as_object().contains("facets"));
}

TEST_F(InventorySearch, PresetListsAndTheirOrder) {
  auto featured = get_ok("/inventory/featured?page_size=100");
  ASSERT_GT(total(featured), 0);
  EXPECT_EQ(total(featured), sql_count("v.is_featured"));
  auto positions = admin_->rows(
      "select id::text from public.vehicles where visible and is_featured order by "
      "featured_position, id");
  const auto& fd = featured.at("data").as_array();
  ASSERT_EQ(fd.size(), positions.size());
  for (std::size_t i = 0; i < fd.size(); ++i)
    EXPECT_EQ(fd[i].at("id").as_string(), positions[i][0]);
  EXPECT_FALSE(featured.at("meta").as_object().contains("facets"));

  auto fresh = get_ok("/inventory/new?page_size=50&sort=price_current:asc");
  EXPECT_EQ(total(fresh), sql_count("v.condition = 'new'"));
  for (const auto& c : fresh.at("data").as_array()) EXPECT_TRUE(c.at("is_new").as_bool());
  auto cpo = get_ok("/inventory/cpo?page_size=50&make=Toyota");
  EXPECT_EQ(total(cpo), sql_count("v.condition = 'cpo' and v.make = 'Toyota'"));
  for (const auto& c : cpo.at("data").as_array()) EXPECT_TRUE(c.at("is_certified").as_bool());
  auto specials = get_ok("/inventory/specials?page_size=50");
  EXPECT_EQ(total(specials), sql_count("v.is_special"));
  for (const auto& c : specials.at("data").as_array()) EXPECT_TRUE(c.at("is_special").as_bool());
}

TEST_F(InventorySearch, SuggestionsAndStats) {
  auto s = get_ok("/search/suggestions?q=toyta");
  const auto& makes = s.at("data").at("makes").as_array();
  ASSERT_FALSE(makes.empty()) << json::serialize(s);
  EXPECT_EQ(makes.at(0).at("make").as_string(), "Toyota");
  auto m = get_ok("/search/suggestions?q=2019%20camry");
  ASSERT_FALSE(m.at("data").at("models").as_array().empty()) << json::serialize(m);
  EXPECT_EQ(m.at("data").at("models").at(0).at("model").as_string(), "Camry");
  EXPECT_EQ(m.at("data").at("make_model_years").at(0).at("year").as_int64(), 2019);
  EXPECT_EQ(first_param_error("/search/suggestions"), "q");

  auto stats = get_ok("/stats/summary");
  EXPECT_EQ(stats.at("data").at("inventory").at("total").to_number<long long>(), sql_count("true"));
  EXPECT_TRUE(stats.at("data").as_object().contains("cars_sold"));
  EXPECT_TRUE(stats.at("data").as_object().contains("avg_rating"));
}

TEST_F(InventorySearch, EtagRevalidationAnswers304) {
  auto r = http_get(server_->port(), "/inventory/search?make=Honda");
  ASSERT_EQ(r.status, 200);
  auto etag = r.header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(r.header("cache-control"), "public, max-age=60");
  auto again = http_get(server_->port(), "/inventory/search?make=Honda", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  auto other =
      http_get(server_->port(), "/inventory/search?make=Honda", {{"If-None-Match", "\"x\""}});
  EXPECT_EQ(other.status, 200);
}

// The cache is keyed by the inventory version: a price change shows on the next request.
TEST_F(InventorySearch, PriceChangeIsVisibleOnTheNextRequest) {
  const std::string target = "/inventory/search?make=Toyota&sort=price_current:desc&page_size=1";
  // Parameter order does not matter for the cache key.
  const std::string reordered = "/inventory/search?page_size=1&sort=price_current:desc&make=Toyota";
  HttpResult r;
  for (int i = 0; i < 50; ++i) {  // the version listener connects in the background
    r = http_get(server_->port(), target);
    if (r.header("x-cache") == "hit") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(r.header("x-cache"), "hit") << "responses are cached";
  EXPECT_EQ(http_get(server_->port(), reordered).header("x-cache"), "hit");
  auto card = json::parse(r.body).at("data").at(0);
  std::string id(card.at("id").as_string());
  double price = card.at("price_current").to_number<double>();
  admin_->exec_params(
      "update public.vehicles set price_current = price_current + 1000 where id = $1", {id});
  // The new version reaches the server by NOTIFY at COMMIT (a LISTEN thread): normally
  // within a millisecond, but a loaded machine may delay that thread, so allow a short
  // grace — far below the 60 s TTL the version key replaces.
  auto changed_at = std::chrono::steady_clock::now();
  HttpResult after;
  double seen = price;
  while (std::chrono::steady_clock::now() - changed_at < std::chrono::seconds(2)) {
    after = http_get(server_->port(), target);
    ASSERT_EQ(after.status, 200);
    auto updated = json::parse(after.body).at("data").at(0);
    ASSERT_EQ(updated.at("id").as_string(), id);
    seen = updated.at("price_current").to_number<double>();
    if (seen == price + 1000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto lag = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - changed_at);
  EXPECT_DOUBLE_EQ(seen, price + 1000) << "still the old price after " << lag.count() << " ms";
  EXPECT_EQ(after.header("x-cache"), "miss");
  RecordProperty("price_change_visible_after_ms", static_cast<int>(lag.count()));
  admin_->exec_params(
      "update public.vehicles set price_current = price_current - 1000 where id = $1", {id});
}

TEST_F(InventorySearch, RedisDownStillAnswersCorrectly) {
  ServerProcess no_redis({{"REDIS_URL", "redis://127.0.0.1:" + std::to_string(free_port())}});
  auto r = http_get(no_redis.port(), "/inventory/search?make=Toyota&page_size=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(total(json::parse(r.body).as_object()), sql_count("v.make = 'Toyota'"));
}

TEST_F(InventorySearch, BadInputIs400NamingTheParameter) {
  EXPECT_EQ(first_param_error("/inventory/search?colour=red"), "colour");
  EXPECT_EQ(first_param_error("/inventory/search?year_min=abc"), "year_min");
  EXPECT_EQ(first_param_error("/inventory/search?year_min=2022&year_max=2020"), "year_min");
  EXPECT_EQ(first_param_error("/inventory/search?price_min=50000&price_max=100"), "price_min");
  EXPECT_EQ(first_param_error("/inventory/search?page_size=1000"), "page_size");
  EXPECT_EQ(first_param_error("/inventory/search?page=0"), "page");
  EXPECT_EQ(first_param_error("/inventory/search?sort=horsepower:desc"), "sort");
  EXPECT_EQ(first_param_error("/inventory/search?sort=price_current:up"), "sort");
  EXPECT_EQ(first_param_error("/inventory/search?sort=relevance"), "sort");
  EXPECT_EQ(first_param_error("/inventory/search?location_id=not-a-uuid"), "location_id");
  EXPECT_EQ(first_param_error("/inventory/search?fuel=coal"), "fuel");
  EXPECT_EQ(first_param_error("/inventory/search?is_special=maybe"), "is_special");
  EXPECT_EQ(first_param_error("/inventory/search?page=1&page=2"), "page");
  EXPECT_EQ(first_param_error("/inventory/featured?sort=relevance"), "sort");
  EXPECT_EQ(first_param_error("/inventory/new?fuel=petrol"), "fuel");

  auto started = std::chrono::steady_clock::now();
  auto deep = get_ok("/inventory/search?page=999999&page_size=100");
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(deep.at("data").as_array().empty());
  EXPECT_TRUE(deep.at("meta").at("window_exceeded").as_bool());
  EXPECT_LT(took, std::chrono::seconds(2));
}

}  // namespace
}  // namespace forecourt::testing
