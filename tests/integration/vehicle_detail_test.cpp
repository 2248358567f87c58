// GET /vehicles/{id} and its sections over HTTP against the seeded database: every section
// of the page, visibility, bad ids, similar-vehicle ranking, price history order, cache
// invalidation on a price change, 304, and serving with Redis down.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "api/similar_vehicles.hpp"
#include "auth/jwt.hpp"
#include "cli/pg_blocking.hpp"
#include "domain/money.hpp"
#include "domain/payment.hpp"
#include "domain/similarity.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {

namespace json = boost::json;

// A visible car of the demo seed with images, a location with sales hours, and at least
// one approved review (when the seed has any for vehicles).
constexpr const char* kPickVisible = R"sql(
select v.id::text from public.vehicles v
join public.locations l on l.id = v.location_id and l.is_active
where v.visible and exists (select 1 from public.vehicle_media m where m.vehicle_id = v.id and m.kind = 'image')
order by (select count(*) from public.reviews r where r.target_type = 'vehicle' and r.target_id = v.id
          and r.status = 'approved') desc, v.id
limit 1)sql";

class VehicleDetail : public SharedServerSuite<VehicleDetail> {
 protected:
  static void SetUpTestSuite() {
    SharedServerSuite::SetUpTestSuite();
    admin_ = new cli::BlockingPg(required_env("MIGRATIONS_DATABASE_URL"));
    ASSERT_TRUE(admin_->ok()) << admin_->error();
    visible_id_ = admin_->rows(kPickVisible).at(0).at(0);
    auto hidden = admin_->rows("select id::text from public.vehicles where not visible limit 1");
    ASSERT_FALSE(hidden.empty()) << "the seed hides ~3% of cars";
    hidden_id_ = hidden.at(0).at(0);
  }
  static void TearDownTestSuite() {
    SharedServerSuite::TearDownTestSuite();
    delete admin_;
    admin_ = nullptr;
  }

  static json::value get_json(const std::string& target, int expected_status = 200) {
    auto r = http_get(server_->port(), target);
    EXPECT_EQ(r.status, expected_status) << target << "\n" << r.body;
    return json::parse(r.body);
  }
  // "hit" / "miss" of the last access-log line for `path` (the cache stage logs it).
  static std::string last_cache_state(const std::string& path) {
    auto log = server_->log();
    std::string state;
    std::size_t pos = 0;
    const std::string needle = R"("path":")" + path + "\"";
    while ((pos = log.find(needle, pos)) != std::string::npos) {
      auto line_end = log.find('\n', pos);
      auto line = log.substr(pos, line_end - pos);
      state = line.find(R"("cache":"hit")") != std::string::npos    ? "hit"
              : line.find(R"("cache":"miss")") != std::string::npos ? "miss"
                                                                    : "";
      pos = line_end;
    }
    return state;
  }
  // Until the facet index of the server on `port` is current (its search says so): an edit's
  // NOTIFY first, then a fresh page each time (no cached answer).
  static void wait_for_index_of(int port) {
    static int fresh_page = 700;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int i = 0; i < 200; ++i) {
      auto r = http_get(port, "/inventory/search?page_size=1&page=" + std::to_string(++fresh_page));
      ASSERT_EQ(r.status, 200) << r.body;
      if (json::parse(r.body).at("meta").at("facet_source").as_string() == "index") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the facet index did not catch up";
  }
  static std::string scalar(const std::string& sql, const std::vector<std::string>& params = {}) {
    return admin_->rows(sql, params).at(0).at(0);
  }

  static cli::BlockingPg* admin_;
  static std::string visible_id_;
  static std::string hidden_id_;
};
cli::BlockingPg* VehicleDetail::admin_ = nullptr;
std::string VehicleDetail::visible_id_;
std::string VehicleDetail::hidden_id_;

TEST_F(VehicleDetail, PageHasEverySection) {
  auto doc = get_json("/vehicles/" + visible_id_);
  const auto& v = doc.at("data").as_object();
  EXPECT_EQ(v.at("id").as_string(), visible_id_);
  EXPECT_EQ(v.at("vin").as_string().size(), 17U);
  EXPECT_TRUE(v.at("specs").is_object());
  EXPECT_FALSE(v.at("specs").as_object().empty()) << "the seed writes a spec document per car";
  EXPECT_TRUE(v.at("location").at("city").is_string());

  // Prices: PostgreSQL's exact decimal, equal to the row.
  auto cents = std::stoll(
      scalar("select price_current_cents from public.vehicles where id = $1", {visible_id_}));
  EXPECT_NEAR(v.at("price_current").to_number<double>(), static_cast<double>(cents) / 100.0, 0.001);

  // Media: every image with a signed Storage URL for its own key.
  const auto& media = v.at("media").as_object();
  const auto& images = media.at("images").as_array();
  auto image_rows = std::stoul(
      scalar("select count(*) from public.vehicle_media where vehicle_id = $1 and kind = 'image'",
             {visible_id_}));
  ASSERT_EQ(images.size(), image_rows);
  for (const auto& img : images) {
    std::string url(img.at("url").as_string());
    EXPECT_NE(url.find("/storage/v1/object/sign/vehicle-media/" + visible_id_ + "/"),
              std::string::npos)
        << url;
    EXPECT_NE(url.find("?token="), std::string::npos);
  }
  EXPECT_GT(media.at("urls_expire_at").as_int64(), std::time(nullptr) + std::time_t{13} * 60);
  EXPECT_TRUE(media.at("spin360").is_array());
  EXPECT_TRUE(media.at("videos").is_array());

  // Price history, oldest first, ending at the current price.
  const auto& history = v.at("price_history").as_array();
  ASSERT_FALSE(history.empty());
  for (std::size_t i = 1; i < history.size(); ++i) {
    EXPECT_LE(history[i - 1].at("recorded_at").as_string(),
              history[i].at("recorded_at").as_string());
  }
  EXPECT_NEAR(history.back().at("price").to_number<double>(), static_cast<double>(cents) / 100.0,
              0.001);

  // Reviews: approved only, counted as SQL counts them.
  const auto& reviews = v.at("reviews").as_object();
  auto approved = std::stoll(
      scalar("select count(*) from public.reviews where target_type = 'vehicle' and target_id = $1 "
             "and status = 'approved'",
             {visible_id_}));
  EXPECT_EQ(reviews.at("count").as_int64(), approved);
  EXPECT_EQ(reviews.at("latest").as_array().size(), std::min<std::size_t>(5, approved));
  std::int64_t distributed = 0;
  for (const auto& kv : reviews.at("distribution").as_object())
    distributed += kv.value().as_int64();
  EXPECT_EQ(distributed, approved);

  // Financing: the standard terms, each exactly the domain's estimate at 6.9% with 10% down.
  const auto& financing = v.at("financing").as_object();
  auto down = domain::apply_rate(domain::Cents{cents}, domain::Rate::percent(10));
  EXPECT_EQ(financing.at("down_payment").as_string(), domain::format_money(down));
  auto expected = domain::standard_financing_options(domain::Cents{cents},
                                                     domain::Rate::from_ppm(69'000), down);
  ASSERT_TRUE(expected.ok());
  const auto& options = financing.at("options").as_array();
  ASSERT_EQ(options.size(), expected->size());
  for (std::size_t i = 0; i < options.size(); ++i) {
    EXPECT_EQ(options[i].at("term_months").as_int64(), (*expected)[i].term_months);
    EXPECT_EQ(options[i].at("monthly_payment").as_string(),
              domain::format_money((*expected)[i].monthly_payment));
  }

  // Availability: a week of future slots in time order from the location's sales hours.
  const auto& availability = v.at("availability").as_object();
  EXPECT_TRUE(availability.at("timezone").is_string());
  EXPECT_EQ(availability.at("slot_minutes").as_int64(), 30);
  const auto& days = availability.at("days").as_array();
  ASSERT_FALSE(days.empty()) << "seeded locations open for sales most days";
  std::string previous;
  for (const auto& day : days) {
    for (const auto& slot : day.at("slots").as_array()) {
      std::string s(slot.as_string());
      EXPECT_EQ(s.substr(0, 10), std::string(day.at("date").as_string()));
      EXPECT_GT(s, previous);
      previous = s;
    }
  }

  // schema.org Car with the exact offer price.
  const auto& ld = v.at("json_ld").as_object();
  EXPECT_EQ(ld.at("@type").as_string(), "Car");
  EXPECT_EQ(ld.at("vehicleIdentificationNumber").as_string(), v.at("vin").as_string());
  EXPECT_EQ(ld.at("offers").at("price").as_string(), domain::format_money(domain::Cents{cents}));
  EXPECT_EQ(ld.at("image").as_array().size(), images.size());

  // Similar vehicles: cards, never the car itself, best first.
  const auto& similar = v.at("similar_vehicles").as_array();
  ASSERT_FALSE(similar.empty());
  EXPECT_LE(similar.size(), 8U);
  double last_score = 2;
  for (const auto& card : similar) {
    EXPECT_NE(card.at("id").as_string(), visible_id_);
    for (const char* k : {"title", "year", "price_current", "mileage", "media_hero_url", "is_new",
                          "is_certified", "location"}) {
      EXPECT_TRUE(card.as_object().contains(k)) << k;
    }
    double score = card.at("similarity").to_number<double>();
    EXPECT_LE(score, last_score);
    last_score = score;
  }
}

TEST_F(VehicleDetail, HiddenVehiclesAre404ToThePublicOnEveryRoute) {
  for (const std::string suffix : {"", "/media", "/similar", "/price-history"}) {
    auto r = http_get(server_->port(), "/vehicles/" + hidden_id_ + suffix);
    EXPECT_EQ(r.status, 404) << suffix << " " << r.body;
  }
  // ...and never show up as someone else's similar vehicle.
  auto similar = get_json("/vehicles/" + visible_id_ + "/similar?limit=24");
  for (const auto& card : similar.at("data").as_array()) {
    EXPECT_NE(card.at("id").as_string(), hidden_id_);
  }
}

TEST_F(VehicleDetail, MalformedIdIs400NamingIdAndUnknownIdIs404) {
  for (const std::string suffix : {"", "/media", "/similar", "/price-history"}) {
    auto bad = http_get(server_->port(), "/vehicles/not-a-uuid" + suffix);
    EXPECT_EQ(bad.status, 400) << suffix;
    EXPECT_EQ(json::parse(bad.body).at("errors").at(0).at("source").at("parameter").as_string(),
              "id");
    auto missing =
        http_get(server_->port(), "/vehicles/00000000-0000-4000-8000-000000000000" + suffix);
    EXPECT_EQ(missing.status, 404) << suffix;
  }
  EXPECT_EQ(http_get(server_->port(), "/vehicles/" + visible_id_ + "?nope=1").status, 400);
  EXPECT_EQ(http_get(server_->port(), "/vehicles/" + visible_id_ + "/similar?limit=0").status, 400);
  EXPECT_EQ(http_get(server_->port(), "/vehicles/" + visible_id_ + "/similar?limit=25").status,
            400);
}

TEST_F(VehicleDetail, SimilarVehiclesRankSensibly) {
  auto doc = get_json("/vehicles/" + visible_id_ + "/similar?limit=24");
  const auto& cards = doc.at("data").as_array();
  ASSERT_GE(cards.size(), 3U);
  auto target = admin_->rows(
      "select body_type, make, model, price_current_cents from public.vehicles where id = $1",
      {visible_id_})[0];
  std::set<std::string> ids;
  double last = 2;
  for (const auto& c : cards) {
    std::string id(c.at("id").as_string());
    EXPECT_NE(id, visible_id_);
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    EXPECT_EQ(scalar("select visible::text from public.vehicles where id = $1", {id}), "true");
    double s = c.at("similarity").to_number<double>();
    EXPECT_LE(s, last);
    last = s;
  }
  // The best match shares the body type or the make: price and shape dominate.
  const auto& best = cards.at(0);
  std::string best_id(best.at("id").as_string());
  auto b =
      admin_->rows("select body_type, make, price_current_cents from public.vehicles where id = $1",
                   {best_id})[0];
  EXPECT_TRUE(b[0] == target[0] || b[1] == target[1]);
  double ratio = std::stod(b[2]) / std::stod(target[3]);
  EXPECT_GT(ratio, 0.69);
  EXPECT_LT(ratio, 1.45);
  // The page shows the same ranking's top 8.
  auto page = get_json("/vehicles/" + visible_id_);
  const auto& top = page.at("data").at("similar_vehicles").as_array();
  for (std::size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(top[i].at("id").as_string(), cards.at(i).at("id").as_string());
  }
}

// The facet index answers the four candidate windows itself when it is current; its
// ranking must be exactly what the SQL candidates (the fallback) give, ties included.
// The index keeps each body type's cars by price and each make and model's by year, and
// patches those orders on every edit (or sorts them afresh after a bulk one): its candidates
// must stay the SQL's, before and after edits that move cars between runs.
TEST_F(VehicleDetail, SimilarFromTheIndexEqualsTheSqlCandidatesRanking) {
  auto wait_for_index = [] { wait_for_index_of(server_->port()); };
  auto features = [](const std::vector<std::string>& row) {
    domain::VehicleFeatures f;
    f.id = row.at(0);
    f.price = domain::Cents{std::stoll(row.at(1))};
    f.year = std::stoi(row.at(2));
    f.body_type = row.at(3);
    f.make = row.at(4);
    f.model = row.at(5);
    f.mileage = std::stoi(row.at(6));
    return f;
  };
  // Cars of every body type, cheap and dear, common and rare models.
  auto picks = admin_->rows(
      "select distinct on (body_type) id::text from public.vehicles where visible "
      "order by body_type, price_current_cents desc, id");
  auto more = admin_->rows(
      "select id::text from public.vehicles where visible order by md5(id::text) limit 12");
  picks.insert(picks.end(), more.begin(), more.end());
  ASSERT_GE(picks.size(), 15U);
  auto expect_index_equals_sql = [&](const std::string& when) {
    for (const auto& pick : picks) {
      const std::string& id = pick.at(0);
      auto target = features(admin_->rows(
          "select id::text, price_current_cents, year, body_type, make, model, mileage "
          "from public.vehicles where id = $1",
          {id})[0]);
      std::vector<domain::VehicleFeatures> candidates;
      for (const auto& row : admin_->rows(
               "select c.id::text, c.price_current_cents, c.year, c.body_type, c.make, c.model, "
               "c.mileage from (" +
                   std::string(api::similar_candidates_sql()) + ") c",
               {id}))
        candidates.push_back(features(row));
      std::vector<std::string> want;
      for (const auto& r : domain::rank_similar(target, candidates, 24)) want.push_back(r.id);
      std::vector<std::string> got;
      auto similar = get_json("/vehicles/" + id + "/similar?limit=24");  // named: outlives loop
      for (const auto& card : similar.at("data").as_array())
        got.emplace_back(card.at("id").as_string());
      EXPECT_EQ(got, want) << id << " " << when;
    }
  };
  wait_for_index();
  expect_index_equals_sql("after the load");

  // One by one: a car of another body type takes the first pick's body type and price, and a
  // car of another model takes the second pick's make, model and year (both move between
  // runs); then a bulk edit of more than 64 cars (the orders are sorted afresh).
  const std::string first = picks.at(0).at(0);
  const std::string second = picks.at(picks.size() - 1).at(0);
  auto mover = admin_->rows(
      "select v.id::text, v.body_type, v.price_current::text, "
      "coalesce(v.price_previous::text, ''), coalesce(v.price_changed_at::text, '') "
      "from public.vehicles v, public.vehicles t where t.id = $1 and v.visible "
      "and v.body_type <> t.body_type and v.make <> t.make order by v.id limit 2",
      {first})[0];
  admin_->exec_params(
      "update public.vehicles v set body_type = t.body_type, price_current = t.price_current "
      "from public.vehicles t where t.id = $2 and v.id = $1",
      {mover[0], first});
  auto other = admin_->rows(
      "select v.id::text, v.make, v.model, v.year from public.vehicles v, public.vehicles t "
      "where t.id = $1 and v.visible and v.model <> t.model and v.id <> $2 order by v.id limit 1",
      {second, mover[0]})[0];
  admin_->exec_params(
      "update public.vehicles v set make = t.make, model = t.model, year = t.year "
      "from public.vehicles t where t.id = $2 and v.id = $1",
      {other[0], second});
  wait_for_index();
  expect_index_equals_sql("after two cars moved");
  auto bulk = admin_->rows(
      "with u as (update public.vehicles set year = year - 1 "
      "where make = 'Toyota' returning 1) select count(*) from u")[0][0];
  ASSERT_GT(std::stoll(bulk), 64) << "more changes than are patched one by one";
  wait_for_index();
  expect_index_equals_sql("after a bulk edit");

  admin_->exec("update public.vehicles set year = year + 1 where make = 'Toyota'");
  admin_->exec_params(
      "update public.vehicles set make = $2, model = $3, year = $4::int where id = $1",
      {other[0], other[1], other[2], other[3]});
  admin_->exec_params(
      "update public.vehicles set body_type = $2, price_current = $3::numeric where id = $1",
      {mover[0], mover[1], mover[2]});
  admin_->exec_params(  // what the price trigger set, as it was
      "update public.vehicles set price_previous = nullif($2, '')::numeric, "
      "price_changed_at = nullif($3, '')::timestamptz where id = $1",
      {mover[0], mover[3], mover[4]});
  wait_for_index();
  expect_index_equals_sql("after the edits were undone");
}

// A price change (as staff would make it) is on the next request: the cache key carries the
// inventory version. The history grows by one entry, last, with the previous price.
TEST_F(VehicleDetail, PriceChangeShowsOnTheNextRequestAndInHistory) {
  auto path = "/vehicles/" + visible_id_;
  auto first = http_get(server_->port(), path);
  ASSERT_EQ(first.status, 200);
  // Cached now, once the server's inventory-version listener is connected (it starts with
  // the first cacheable request; until then pages come straight from PostgreSQL).
  HttpResult again;
  for (int i = 0; i < 40; ++i) {
    again = http_get(server_->port(), path);
    if (last_cache_state(path) == "hit") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(again.header("etag"), first.header("etag"));
  EXPECT_EQ(last_cache_state(path), "hit");
  auto before = json::parse(first.body).at("data");
  auto old_cents = std::stoll(
      scalar("select price_current_cents from public.vehicles where id = $1", {visible_id_}));
  auto history_before = before.at("price_history").as_array().size();

  admin_->exec_params(
      "update public.vehicles set price_current = price_current - 123.45 where id = $1",
      {visible_id_});
  // The new inventory version reaches the server by NOTIFY at commit, normally within
  // milliseconds (a request may beat it: docs/inventory-search.md, Caching); the first
  // request after it is a miss under the new key.
  auto get_until_price = [&](double price) {
    auto doc = get_json(path);
    for (int i = 0; i < 40; ++i) {
      const auto& current = doc.at("data").at("price_current");
      if (std::abs(current.to_number<double>() - price) < 0.001) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      doc = get_json(path);
    }
    return doc;
  };
  auto after_doc = get_until_price(static_cast<double>(old_cents - 12345) / 100.0);
  EXPECT_EQ(last_cache_state(path), "miss") << "the new inventory version is a new key";
  const auto& after = after_doc.at("data");
  EXPECT_NEAR(after.at("price_current").to_number<double>(),
              static_cast<double>(old_cents - 12345) / 100.0, 0.001);
  EXPECT_NEAR(after.at("previous_price").to_number<double>(),
              static_cast<double>(old_cents) / 100.0, 0.001);
  const auto& history = after.at("price_history").as_array();
  EXPECT_EQ(history.size(), std::min<std::size_t>(100, history_before + 1));
  EXPECT_NEAR(history.back().at("price").to_number<double>(),
              static_cast<double>(old_cents - 12345) / 100.0, 0.001);
  EXPECT_NEAR(history.back().at("previous_price").to_number<double>(),
              static_cast<double>(old_cents) / 100.0, 0.001);
  auto sub = get_json(path + "/price-history");
  EXPECT_EQ(sub.at("data").as_array().size(), history.size());

  admin_->exec_params(
      "update public.vehicles set price_current = price_current + 123.45 where id = $1",
      {visible_id_});
  auto restored = get_until_price(static_cast<double>(old_cents) / 100.0);
  EXPECT_NEAR(restored.at("data").at("price_current").to_number<double>(),
              static_cast<double>(old_cents) / 100.0, 0.001);
}

TEST_F(VehicleDetail, MatchingETagGives304) {
  for (const std::string suffix : {"", "/media", "/similar", "/price-history"}) {
    auto path = "/vehicles/" + visible_id_ + suffix;
    auto r = http_get(server_->port(), path);
    ASSERT_EQ(r.status, 200);
    auto etag = r.header("etag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(r.header("cache-control"), "no-cache");
    auto second = http_get(server_->port(), path, {{"If-None-Match", etag}});
    EXPECT_EQ(second.status, 304) << suffix;
    EXPECT_TRUE(second.body.empty());
  }
}

TEST_F(VehicleDetail, MediaSectionMatchesThePage) {
  auto media = get_json("/vehicles/" + visible_id_ + "/media");
  auto page = get_json("/vehicles/" + visible_id_);
  EXPECT_EQ(media.at("data").at("images").as_array().size(),
            page.at("data").at("media").at("images").as_array().size());
  EXPECT_EQ(media.at("data").at("images").at(0).at("url"),
            page.at("data").at("media").at("images").at(0).at("url"));
}

// The page's media, price history and reviews come from public.vehicle_page_parts, which
// triggers keep: an image added with its variants shows on the next request, signed, and a
// deleted one goes (vehicle_media bumps the inventory version, so the cache moves on too).
TEST_F(VehicleDetail, MediaEditsShowOnTheNextRequest) {
  auto path = "/vehicles/" + visible_id_;
  auto images_now = [&] {
    auto doc = get_json(path);
    return doc.at("data").at("media").at("images").as_array();
  };
  auto count_before = images_now().size();
  admin_->exec_params(
      "insert into public.vehicle_media (vehicle_id, kind, path, position, alt_text, width, "
      "height, variants) values ($1, 'image', 'vehicle-media/' || $2 || '/added.jpg', 90, "
      "'Added', 800, 600, jsonb_build_object('thumb', 'vehicle-media/' || $2 || '/added-t.jpg'))",
      {visible_id_, visible_id_});
  json::array images;
  for (int i = 0; i < 40; ++i) {  // the version's NOTIFY arrives within milliseconds
    images = images_now();
    if (images.size() == count_before + 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(images.size(), count_before + 1);
  const auto& added = images.back().as_object();
  EXPECT_EQ(added.at("alt_text").as_string(), "Added");
  EXPECT_EQ(added.at("position").as_int64(), 90);
  EXPECT_EQ(added.at("width").as_int64(), 800);
  EXPECT_TRUE(added.at("content_type").is_null());
  std::string url(added.at("url").as_string());
  EXPECT_NE(url.find("/storage/v1/object/sign/vehicle-media/" + visible_id_ + "/added.jpg?token="),
            std::string::npos)
      << url;
  std::string thumb(added.at("variants").at("thumb").as_string());
  EXPECT_NE(thumb.find("/" + visible_id_ + "/added-t.jpg?token="), std::string::npos) << thumb;

  admin_->exec_params(
      "delete from public.vehicle_media where vehicle_id = $1 and path like '%/added.jpg'",
      {visible_id_});
  for (int i = 0; i < 40; ++i) {
    images = images_now();
    if (images.size() == count_before) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(images.size(), count_before);
}

// A booked test drive takes its slot off the page's week, and cancelling it gives it back.
// (Bookings do not move the inventory version: the test moves it, as a cached page would
// otherwise show the week it was built with for up to its TTL.)
TEST_F(VehicleDetail, ABookedTestDriveTakesItsSlot) {
  auto path = "/vehicles/" + visible_id_;
  auto slots_now = [&] {
    admin_->exec_params("update public.vehicles set mileage = mileage where id = $1",
                        {visible_id_});
    std::vector<std::string> out;
    for (int i = 0; i < 40 && out.empty(); ++i) {
      auto doc = get_json(path);
      if (last_cache_state(path) == "hit") {  // the new version's NOTIFY is on its way
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      for (const auto& day : doc.at("data").at("availability").at("days").as_array())
        for (const auto& slot : day.at("slots").as_array()) out.emplace_back(slot.as_string());
    }
    return out;
  };
  auto before = slots_now();
  ASSERT_GT(before.size(), 2U);
  const std::string slot = before[before.size() / 2];
  admin_->exec_params(
      "insert into public.service_appointments (user_id, location_id, service_type, vehicle_id, "
      "desired_at, status) select (select id from public.profiles order by id limit 1), "
      "v.location_id, 'test_drive', v.id, $2::timestamptz, 'booked' "
      "from public.vehicles v where v.id = $1",
      {visible_id_, slot});
  auto booked = slots_now();
  EXPECT_EQ(booked.size(), before.size() - 1);
  EXPECT_EQ(std::count(booked.begin(), booked.end(), slot), 0) << slot;
  admin_->exec_params(
      "update public.service_appointments set status = 'cancelled' "
      "where vehicle_id = $1 and desired_at = $2::timestamptz",
      {visible_id_, slot});
  auto freed = slots_now();
  EXPECT_EQ(std::count(freed.begin(), freed.end(), slot), 1) << slot;
  admin_->exec_params(
      "delete from public.service_appointments where vehicle_id = $1 and desired_at = "
      "$2::timestamptz",
      {visible_id_, slot});
}

// A car without a stored row (a loader that ran with triggers off) gets the same page: the
// vehicle statement renders its parts with the functions the triggers call.
TEST_F(VehicleDetail, ACarWithoutStoredPartsReadsTheSame) {
  auto id = admin_
                ->rows(
                    "select v.id::text from public.vehicles v where v.visible and v.id <> $1 and "
                    "exists (select 1 from public.reviews r where r.target_type = 'vehicle' and "
                    "r.target_id = v.id and r.status = 'approved') order by v.id limit 1",
                    {visible_id_})
                .at(0)
                .at(0);
  auto path = "/vehicles/" + id;
  auto stored = get_json(path).at("data");
  admin_->exec_params("delete from public.vehicle_page_parts where vehicle_id = $1", {id});
  // A new inventory version, so that the page is built again rather than served from cache.
  admin_->exec_params("update public.vehicles set mileage = mileage + 1 where id = $1", {id});
  json::value rendered;
  for (int i = 0; i < 40; ++i) {
    rendered = get_json(path).at("data");
    if (rendered.at("mileage") != stored.at("mileage")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  admin_->exec_params("update public.vehicles set mileage = mileage - 1 where id = $1", {id});
  admin_->exec_params("select private.derive_vehicle_page_parts(array[$1::uuid])", {id});
  ASSERT_NE(rendered.at("mileage"), stored.at("mileage")) << "the page was not rebuilt";
  EXPECT_EQ(rendered.at("price_history"), stored.at("price_history"));
  EXPECT_EQ(rendered.at("reviews"), stored.at("reviews"));
  EXPECT_GT(rendered.at("reviews").at("count").as_int64(), 0);
  // Media: the same items; the URLs' tokens carry the signing time.
  auto unsigned_images = [](const json::value& page) {
    auto images = page.at("media").at("images").as_array();
    for (auto& image : images) {
      auto& url = image.as_object()["url"];
      std::string text(url.as_string());
      url = text.substr(0, text.find('?'));
    }
    return images;
  };
  EXPECT_EQ(unsigned_images(rendered), unsigned_images(stored));
  EXPECT_FALSE(unsigned_images(stored).empty());
}

TEST_F(VehicleDetail, CompactViewKeepsTheEssentials) {
  auto doc = get_json("/vehicles/" + visible_id_ + "?view=compact");
  const auto& v = doc.at("data").as_object();
  EXPECT_TRUE(v.contains("price_current"));
  EXPECT_TRUE(v.contains("financing"));
  EXPECT_FALSE(v.contains("json_ld"));
  EXPECT_FALSE(v.contains("similar_vehicles"));
}

// Redis unreachable or caching off: every page still comes from PostgreSQL, correct.
// The public's cards (anon, customers) are written from the search index's copy of the
// inventory (index_cards.hpp); staff's come from SQL (cards_by_ids_sql). They must read the
// same, byte for byte but the URL signatures: as loaded, and after edits of every column a
// card shows (trim and so title, list and current price and so the previous price and the
// drop badge, doors, seats, featured, the hero image by another path, the location's city)
// once the index has caught up. A closed location's cars show the public no location (RLS
// hides it) and staff theirs.
TEST_F(VehicleDetail, PublicCardsFromTheIndexReadAsSqlCards) {
  ServerProcess server({{"CACHE_ENABLED", "false"},  // every answer built, none replayed
                        {"SUPABASE_JWT_SECRET", kTestJwtSecret},
                        {"SUPABASE_ANON_KEY", kTestAnonKey}});
  const std::map<std::string, std::string> staff{
      {"Authorization",
       "Bearer " +
           auth::sign_hs256(json::object{{"sub", kSeedStaffId},
                                         {"aud", "authenticated"},
                                         {"role", "authenticated"},
                                         {"aal", "aal1"},
                                         {"session_id", "6d7c1f1e-0000-4000-8000-00000000000a"},
                                         {"iat", unix_now()},
                                         {"exp", unix_now() + 3600}},
                            kTestJwtSecret)}};
  auto wait_for_index = [&server] { wait_for_index_of(server.port()); };
  auto unsigned_body = [](const std::string& body) {  // signatures: the second made
    static const std::regex token("token=[^\"]*");
    return std::regex_replace(body, token, "token=");
  };
  auto cards = [&](const std::string& path, const std::map<std::string, std::string>& headers) {
    auto r = http_get(server.port(), path, headers);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    return unsigned_body(r.body);
  };
  auto similar_ids = [&](const std::string& id) {
    std::vector<std::string> ids;
    auto doc = json::parse(cards("/vehicles/" + id + "/similar?limit=24", {}));
    for (const auto& card : doc.at("data").as_array()) ids.emplace_back(card.at("id").as_string());
    return ids;
  };
  auto picks = admin_->rows(
      "select v.id::text from public.vehicles v join public.locations l on l.id = v.location_id "
      "where v.visible and l.is_active order by md5(v.id::text) limit 6");
  ASSERT_EQ(picks.size(), 6U);
  const std::string page_car = picks[0][0];
  auto expect_same = [&](const std::string& when) {
    for (const auto& pick : picks) {
      const std::string path = "/vehicles/" + pick[0] + "/similar?limit=24";
      EXPECT_EQ(cards(path, {}), cards(path, staff)) << path << " " << when;
    }
    auto public_page = json::parse(cards("/vehicles/" + page_car, {}));
    auto staff_page = json::parse(cards("/vehicles/" + page_car, staff));
    EXPECT_EQ(public_page.at("data").at("similar_vehicles"),
              staff_page.at("data").at("similar_vehicles"))
        << when;
  };
  wait_for_index();
  expect_same("as loaded");

  // Three of the first car's neighbours get edits the ranking does not see (it reads price,
  // year, body type, make, model and mileage; the price moves by a cent).
  auto near = similar_ids(page_car);
  ASSERT_GE(near.size(), 3U);
  const std::string a = near[0], b = near[1], c = near[2];
  auto before = admin_->rows(
      "select coalesce(trim, ''), coalesce(price_list::text, ''), price_current::text, "
      "coalesce(price_previous::text, ''), coalesce(price_changed_at::text, ''), "
      "coalesce(doors::text, ''), coalesce(seats::text, ''), is_featured::text, "
      "coalesce(featured_position::text, '') "
      "from public.vehicles where id = $1",
      {a})[0];
  admin_->exec_params(
      "update public.vehicles set trim = 'Edition \"1\"', price_list = 99999.99, "
      "price_current = price_current - 0.01, doors = null, seats = 9, is_featured = true, "
      "featured_position = 9999 where id = $1",
      {a});
  auto hero = admin_->rows(
      "select id::text, path from public.vehicle_media where vehicle_id = $1 and kind = 'image' "
      "order by position limit 1",
      {b});
  ASSERT_EQ(hero.size(), 1U) << "every seeded car has images";
  admin_->exec_params(
      "update public.vehicle_media set path = 'vehicle-media/shared/hero.jpg' "
      "where id = $1",
      {hero[0][0]});
  auto location = admin_->rows(
      "select l.id::text, l.city from public.locations l join public.vehicles v "
      "on v.location_id = l.id where v.id = $1",
      {c});
  ASSERT_EQ(location.size(), 1U);
  admin_->exec_params("update public.locations set city = 'Nouvelle Ville' where id = $1",
                      {location[0][0]});
  wait_for_index();
  auto edited = similar_ids(page_car);
  for (const auto& id : {a, b, c})
    EXPECT_NE(std::find(edited.begin(), edited.end(), id), edited.end()) << id << " still near";
  auto public_cards = cards("/vehicles/" + page_car + "/similar?limit=24", {});
  EXPECT_NE(public_cards.find("Edition \\\"1\\\""), std::string::npos);
  EXPECT_NE(public_cards.find("Nouvelle Ville"), std::string::npos);
  EXPECT_NE(public_cards.find("vehicle-media/shared/hero.jpg"), std::string::npos);
  expect_same("after the edits");

  // A closed location: the public's cards lose it, staff's keep it.
  admin_->exec_params("update public.locations set is_active = false where id = $1",
                      {location[0][0]});
  wait_for_index();
  auto card_location = [&](const std::map<std::string, std::string>& headers) {
    auto doc = json::parse(cards("/vehicles/" + page_car + "/similar?limit=24", headers));
    for (const auto& card : doc.at("data").as_array()) {
      if (card.at("id").as_string() == c) return json::serialize(card.at("location"));
    }
    return std::string("absent");
  };
  EXPECT_EQ(card_location({}), "null");
  EXPECT_NE(card_location(staff).find("Nouvelle Ville"), std::string::npos);

  admin_->exec_params("update public.locations set is_active = true, city = $2 where id = $1",
                      {location[0][0], location[0][1]});
  admin_->exec_params("update public.vehicle_media set path = $2 where id = $1",
                      {hero[0][0], hero[0][1]});
  admin_->exec_params(
      "update public.vehicles set trim = nullif($2, ''), price_list = nullif($3, '')::numeric, "
      "price_current = $4::numeric, doors = nullif($5, '')::smallint, "
      "seats = nullif($6, '')::smallint, is_featured = $7::boolean, "
      "featured_position = nullif($8, '')::int where id = $1",
      {a, before[0], before[1], before[2], before[5], before[6], before[7], before[8]});
  admin_->exec_params(  // what the price trigger set, as it was
      "update public.vehicles set price_previous = nullif($2, '')::numeric, "
      "price_changed_at = nullif($3, '')::timestamptz where id = $1",
      {a, before[3], before[4]});
  wait_for_index();
  expect_same("after the edits were undone");
}

TEST_F(VehicleDetail, ServedWithoutRedisAndWithCachesOff) {
  std::map<std::string, std::string> redis_down{
      {"REDIS_URL", "redis://127.0.0.1:" + std::to_string(free_port())}};
  ServerProcess no_redis(redis_down);
  auto a = http_get(no_redis.port(), "/vehicles/" + visible_id_);
  EXPECT_EQ(a.status, 200) << a.body;
  std::map<std::string, std::string> caches_off{{"CACHE_ENABLED", "false"}};
  ServerProcess no_cache(caches_off);
  auto b = http_get(no_cache.port(), "/vehicles/" + visible_id_);
  EXPECT_EQ(b.status, 200);
  auto c = http_get(server_->port(), "/vehicles/" + visible_id_);
  auto strip = [](const std::string& body) {
    auto v = json::parse(body);
    v.at("data").as_object().erase("availability");  // depends on the clock
    return v;
  };
  EXPECT_EQ(strip(a.body).at("data").at("price_current"),
            strip(c.body).at("data").at("price_current"));
  auto ids = [&](const std::string& body) {
    std::vector<std::string> out;
    auto doc = strip(body);
    for (const auto& card : doc.at("data").at("similar_vehicles").as_array())
      out.emplace_back(card.at("id").as_string());
    return out;
  };
  EXPECT_EQ(ids(b.body), ids(c.body));
  EXPECT_EQ(http_get(no_cache.port(), "/vehicles/" + hidden_id_).status, 404);
}

}  // namespace
}  // namespace forecourt::testing
