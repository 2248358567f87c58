// /vehicles/{id} (the vehicle detail page) and its parts: /media, /similar, /price-history.
// One read-only transaction, every statement pipelined in one round trip. The vehicle's row
// carries its specs, media, price history, review summary and booked test drives as triggers
// keep them (public.vehicle_page_parts); the handler adds what needs C++ (signed media URLs,
// payment estimates, test-drive slots, schema.org JSON-LD). Similar cars are ranked before
// the read, from the facet index's candidates, and the public's cards of them are written
// from the index's copy (index_cards.hpp), so the round trip reads the vehicle alone; staff's
// cards ride in the same round trip. Without a current index, PostgreSQL reads the
// candidates and the cards take a second trip.
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "api/facet_index.hpp"
#include "api/inventory_cache.hpp"
#include "api/json_text.hpp"
#include "api/media_urls.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "api/similar_vehicles.hpp"
#include "api/vehicle_schemas.hpp"
#include "app/services.hpp"
#include "db/tx.hpp"
#include "domain/payment.hpp"
#include "domain/schedule.hpp"
#include "domain/similarity.hpp"
#include "domain/structured_data.hpp"
#include "http/errors.hpp"
#include "http/identity.hpp"
#include "http/route.hpp"
#include "redis/client.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// ------------------------------------------------------------------------------- SQL
// The vehicle with its location and page parts (specs, media, price history, reviews, booked
// test drives). RLS decides visibility: the public sees visible cars only, staff every car, so
// "no row" is the 404 for both. The parts are the stored ones (migration 20261126130000); a
// car without a row has them rendered here by the functions the triggers call, but for its
// bookings: their stored renderer is private, so the public vehicle_test_drive_starts() gives
// the page's week instead.
constexpr std::string_view kVehicleSql = R"sql(
select json_build_object(
         'id', v.id, 'vin', v.vin, 'stock_no', v.stock_no, 'title', v.title,
         'make', v.make, 'model', v.model, 'trim', v.trim, 'year', v.year,
         'body_type', v.body_type, 'color_ext', v.color_ext, 'color_ext_name', v.color_ext_name,
         'color_int', v.color_int, 'mileage', v.mileage, 'fuel', v.fuel,
         'transmission', v.transmission, 'drivetrain', v.drivetrain, 'doors', v.doors,
         'seats', v.seats, 'condition', v.condition, 'is_new', v.condition = 'new',
         'is_certified', v.condition = 'cpo', 'is_special', v.is_special,
         'price_current', v.price_current, 'price_list', v.price_list,
         'previous_price', case when v.price_previous > v.price_current then v.price_previous end,
         'price_changed_at', v.price_changed_at, 'stock_status', v.stock_status,
         'visible', v.visible, 'description', v.description,
         'created_at', v.created_at, 'updated_at', v.updated_at,
         'specs', coalesce(p.specs, public.vehicle_specs_json(v.id)),
         'location', case when l.id is not null then json_build_object(
           'id', l.id, 'name', l.name, 'city', l.city, 'state', l.state, 'address', l.address,
           'postal_code', l.postal_code, 'country', l.country, 'phone', l.phone,
           'timezone', l.timezone) end)::text as vehicle,
       v.id, v.price_current_cents, v.year, v.body_type, v.make, v.model, v.mileage, v.vin,
       coalesce(v.stock_no, '') as stock_no, coalesce(v.trim, '') as trim, v.fuel,
       v.transmission, coalesce(v.drivetrain, '') as drivetrain,
       coalesce(v.color_ext, '') as color_ext, coalesce(v.color_int, '') as color_int,
       v.doors, v.seats, v.condition, v.stock_status, coalesce(v.description, '') as description,
       l.id as location_id, coalesce(l.name, '') as location_name,
       coalesce(l.address, '') as location_address, coalesce(l.city, '') as location_city,
       coalesce(l.state, '') as location_state, coalesce(l.postal_code, '') as location_postal_code,
       coalesce(l.country, 'US') as location_country, coalesce(l.phone, '') as location_phone,
       l.timezone as location_timezone, l.hours_json::text as location_hours,
       (now() at time zone coalesce(l.timezone, 'UTC'))::date::text as local_today,
       (extract(epoch from (now() at time zone coalesce(l.timezone, 'UTC'))
                          - (now() at time zone 'UTC')) / 60)::int as utc_offset_minutes,
       coalesce(p.media, public.vehicle_media_json(v.id))::text as media,
       coalesce(p.price_history, public.vehicle_price_history_json(v.id))::text as price_history,
       coalesce(p.reviews, public.vehicle_reviews_json(v.id))::text as reviews,
       coalesce(p.booked_test_drives,
                array(select extract(epoch from s)::bigint
                      from public.vehicle_test_drive_starts(v.id, now(), now() + interval '8 days') s)
               )::text as booked_test_drives
from public.vehicles v
left join public.locations l on l.id = v.location_id
left join public.vehicle_page_parts p on p.vehicle_id = v.id
where v.id = $1::uuid
)sql";

// ---------------------------------------------------------------------- sections
enum class Section { page, media, similar, price_history };

std::string_view section_name(Section s) {
  switch (s) {
    case Section::page:
      return "page";
    case Section::media:
      return "media";
    case Section::similar:
      return "similar";
    case Section::price_history:
      return "price-history";
  }
  return "page";
}

std::int64_t to_int(std::string_view text) {
  std::int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

std::optional<int> opt_int(const db::PgResult& r, std::string_view col) {
  if (r.is_null(0, r.column(col))) return std::nullopt;
  return static_cast<int>(to_int(r.text(0, col)));
}

// Where a stored media item is listed: images, 360 spins, videos (the stored kinds are
// image, spin360 and video; anything else counts as a spin, as it always has).
enum class MediaGroup { images, spins, videos };

MediaGroup media_group(std::string_view kind) {
  if (kind == "image") return MediaGroup::images;
  if (kind == "video") return MediaGroup::videos;
  return MediaGroup::spins;
}

// One stored item, in the response's member order, with its path replaced by a signed url
// (and its variants' paths by theirs). Returns the url.
std::string write_media_item(json_text::Writer& w, const json::object& item, std::string_view path,
                             std::string_view kind, const MediaUrls& urls) {
  auto copied = [&w, &item](std::string_view key) {
    w.key(key);
    if (const auto* v = item.if_contains(key)) {
      w.value(*v);
    } else {
      w.null();
    }
  };
  std::string url = urls.url(path);
  w.begin_object();
  copied("id");
  w.key("kind").string(kind);
  w.key("url").string(url);
  for (std::string_view key : {"position", "alt_text", "content_type", "width", "height"}) {
    copied(key);
  }
  w.key("variants").begin_object();
  if (const auto* variants = item.if_contains("variants"); variants && variants->is_object()) {
    for (const auto& kv : variants->get_object()) {
      if (kv.value().is_string()) w.key(kv.key()).string(urls.url(kv.value().get_string()));
    }
  }
  w.end_object().end_object();
  return url;
}

// media: {"images": [...], "spin360": [...], "videos": [...], "urls_expire_at"}, each item
// with a signed url (and signed variants, when the media job produced them), from the stored
// items (public.vehicle_media_json: ordered by kind and position, each with its storage
// path). Written as text, the stored items parsed into a stack arena: a boost::json object
// per item and member cost ~8% of the page's server time. Returns the images' URLs.
std::vector<std::string> write_media(json_text::Writer& w, std::string_view stored,
                                     const MediaUrls& urls) {
  std::array<unsigned char, 8192> arena;  // a car's stored items fit; more spill to the heap
  json::monotonic_resource scratch(arena.data(), arena.size());
  boost::system::error_code ec;
  auto items = json::parse(stored, ec, &scratch);
  if (ec || !items.is_array()) items = json::array(&scratch);
  std::vector<std::string> image_urls;
  w.begin_object();
  for (auto [group, name] :
       {std::pair{MediaGroup::images, "images"}, std::pair{MediaGroup::spins, "spin360"},
        std::pair{MediaGroup::videos, "videos"}}) {
    w.key(name).begin_array();
    for (const auto& stored_item : items.get_array()) {
      const auto* item = stored_item.if_object();
      if (item == nullptr) continue;
      const auto* path = item->if_contains("path");
      const auto* kind = item->if_contains("kind");
      if (path == nullptr || !path->is_string() || kind == nullptr || !kind->is_string()) continue;
      if (media_group(kind->get_string()) != group) continue;
      auto url = write_media_item(w, *item, path->get_string(), kind->get_string(), urls);
      if (group == MediaGroup::images) image_urls.push_back(std::move(url));
    }
    w.end_array();
  }
  w.key("urls_expire_at").integer(urls.signed_at() + storage::kMediaUrlTtl.count());
  w.end_object();
  return image_urls;
}

// Representative terms for the page's estimates; /tools/payment-calc takes the buyer's own.
constexpr domain::Rate kPageApr = domain::Rate::from_ppm(69'000);                // 6.9%
constexpr domain::Rate kPageDownPaymentShare = domain::Rate::from_ppm(100'000);  // 10%

void write_financing(json_text::Writer& w, domain::Cents price) {
  auto down = domain::apply_rate(price, kPageDownPaymentShare);
  w.begin_object();
  w.key("apr").string(domain::format_percent(kPageApr));
  w.key("down_payment").string(domain::format_money(down));
  w.key("down_payment_percent").string(domain::format_percent(kPageDownPaymentShare));
  w.key("description")
      .string(
          "Estimates at a representative APR with 10% down, before tax and fees; "
          "/tools/payment-calc quotes the buyer's own terms.");
  w.key("options").begin_array();
  if (auto quotes = domain::standard_financing_options(price, kPageApr, down)) {
    for (const auto& q : *quotes) {
      w.begin_object();
      w.key("term_months").integer(q.term_months);
      w.key("monthly_payment").string(domain::format_money(q.monthly_payment));
      w.key("amount_financed").string(domain::format_money(q.amount_financed));
      w.key("total_interest").string(domain::format_money(q.total_interest));
      w.key("total_of_payments").string(domain::format_money(q.total_of_payments));
      w.end_object();
    }
  }
  w.end_array().end_object();
}

std::optional<std::chrono::year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  auto y = to_int(text.substr(0, 4));
  auto m = to_int(text.substr(5, 2));
  auto d = to_int(text.substr(8, 2));
  std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(y)},
                                  std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string format_date(std::chrono::year_month_day d) {
  char buf[24];
  (void)std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                      static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

constexpr int kAvailabilityDays = 7;
constexpr std::chrono::minutes kTestDriveLength{30};
constexpr std::chrono::minutes kTestDriveNotice{60};

// The free test-drive slots of the next week from the sales hours of the car's location
// (which has hours), minus the car's active bookings; none when the hours are unreadable.
std::vector<domain::Slot> free_slots(const db::PgResult& v,
                                     std::chrono::system_clock::time_point now,
                                     int utc_offset_minutes) {
  boost::system::error_code ec;
  auto hours_doc = json::parse(v.text(0, "location_hours"), ec);
  auto first_day = parse_date(v.text(0, "local_today"));
  if (ec || !first_day) return {};
  auto hours = domain::parse_location_hours(hours_doc, "sales");
  if (!hours) return {};
  domain::SlotRequest request;
  request.first_day = *first_day;
  request.days = kAvailabilityDays;
  request.utc_offset_minutes = utc_offset_minutes;
  request.slot_length = kTestDriveLength;
  request.now = std::chrono::time_point_cast<std::chrono::seconds>(now);
  request.min_notice = kTestDriveNotice;
  request.capacity_per_slot = 1;  // one car, one driver at a time
  // booked_test_drives: a PostgreSQL bigint[] of epoch seconds, "{1764151200,...}".
  auto booked = v.text(0, "booked_test_drives");
  for (std::size_t at = booked.find_first_of("0123456789"); at != std::string_view::npos;) {
    auto end = booked.find_first_not_of("0123456789", at);
    request.booked_starts.emplace_back(std::chrono::seconds{to_int(booked.substr(at, end - at))});
    at = booked.find_first_of("0123456789", end);
  }
  auto slots = domain::available_slots(*hours, request);
  return slots ? std::move(*slots) : std::vector<domain::Slot>{};
}

// availability: {"timezone", "slot_minutes", "days": [{"date", "slots": [...]}]}, written
// as text: a week holds ~100 slots, and a JSON value per slot was ~10% of the page's server
// time. Slot times are "YYYY-MM-DDTHH:MM:SS+HH:MM": nothing in them needs escaping.
void write_availability(json_text::Writer& w, const db::PgResult& v,
                        std::chrono::system_clock::time_point now) {
  // No location, or one without hours: no slots, in no time zone.
  const bool has_hours =
      !v.is_null(0, v.column("location_id")) && !v.is_null(0, v.column("location_hours"));
  w.begin_object().key("timezone");
  if (has_hours) {
    w.string(v.text(0, "location_timezone"));
  } else {
    w.null();
  }
  w.key("slot_minutes").integer(kTestDriveLength.count());
  w.key("days").begin_array();
  const int utc_offset_minutes = static_cast<int>(to_int(v.text(0, "utc_offset_minutes")));
  const auto slots =
      has_hours ? free_slots(v, now, utc_offset_minutes) : std::vector<domain::Slot>{};
  std::optional<std::chrono::year_month_day> open_day;
  for (const auto& s : slots) {
    if (s.local_date != open_day) {
      if (open_day) w.end_array().end_object();
      open_day = s.local_date;
      w.begin_object().key("date").raw('"' + format_date(s.local_date) + '"');
      w.key("slots").begin_array();
    }
    auto& out = w.raw_value();
    out += '"';
    domain::append_local_time(out, s.start, utc_offset_minutes);
    out += '"';
  }
  if (open_day) w.end_array().end_object();
  w.end_array().end_object();
}

domain::VehicleCondition condition_of(std::string_view c) {
  if (c == "new") return domain::VehicleCondition::new_vehicle;
  if (c == "cpo") return domain::VehicleCondition::cpo;
  return domain::VehicleCondition::used;
}

domain::StockStatus stock_status_of(std::string_view s) {
  if (s == "in_transit") return domain::StockStatus::in_transit;
  if (s == "on_order") return domain::StockStatus::on_order;
  if (s == "reserved") return domain::StockStatus::reserved;
  if (s == "sold") return domain::StockStatus::sold;
  return domain::StockStatus::in_stock;
}

// The page's schema.org Car, built in `sp` (the page's arena).
json::object json_ld(const db::PgResult& v, std::string_view id,
                     std::vector<std::string> image_urls, const std::string& base_url,
                     const json::storage_ptr& sp) {
  domain::VehicleListing l;
  l.vin = v.text(0, "vin");
  l.stock_no = v.text(0, "stock_no");
  l.make = v.text(0, "make");
  l.model = v.text(0, "model");
  l.trim = v.text(0, "trim");
  l.year = static_cast<int>(to_int(v.text(0, "year")));
  l.body_type = v.text(0, "body_type");
  l.mileage = static_cast<int>(to_int(v.text(0, "mileage")));
  l.fuel = v.text(0, "fuel");
  l.transmission = v.text(0, "transmission");
  l.drivetrain = v.text(0, "drivetrain");
  l.color_ext = v.text(0, "color_ext");
  l.color_int = v.text(0, "color_int");
  l.doors = opt_int(v, "doors");
  l.seats = opt_int(v, "seats");
  l.condition = condition_of(v.text(0, "condition"));
  l.stock_status = stock_status_of(v.text(0, "stock_status"));
  l.price = domain::Cents{to_int(v.text(0, "price_current_cents"))};
  l.description = v.text(0, "description");
  l.image_urls = std::move(image_urls);
  l.url = base_url + "/vehicles/" + std::string(id);
  l.dealer.name = v.text(0, "location_name");
  l.dealer.street = v.text(0, "location_address");
  l.dealer.city = v.text(0, "location_city");
  l.dealer.region = v.text(0, "location_state");
  l.dealer.postal_code = v.text(0, "location_postal_code");
  l.dealer.country = v.text(0, "location_country");
  l.dealer.telephone = v.text(0, "location_phone");
  if (!v.is_null(0, v.column("location_id")) && !base_url.empty())
    l.dealer.url = base_url + "/locations/" + std::string(v.text(0, "location_id"));
  return domain::car_json_ld(l, sp);
}

std::string base_url(const Request& req) {
  std::string base = req.services->config.public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// The whole page: the vehicle row PostgreSQL rendered, with the computed sections added to
// it, written into `body` (one buffer: the page is ~20 KB and was copied whole four times).
void write_page(std::string& body, const db::PgResult& vehicle, std::string_view id,
                domain::Cents price, std::string_view similar_cards, const MediaUrls& urls,
                std::chrono::system_clock::time_point now, const std::string& base) {
  body.reserve(body.size() + vehicle.text(0, "vehicle").size() + 16384);
  auto w = json_text::reopen_object(body, vehicle.text(0, "vehicle"));
  auto image_urls = write_media(w.key("media"), vehicle.text(0, "media"), urls);
  w.key("price_history").raw(vehicle.text(0, "price_history"));
  w.key("reviews").raw(vehicle.text(0, "reviews"));
  w.key("similar_vehicles").raw(similar_cards);
  write_financing(w.key("financing"), price);
  write_availability(w.key("availability"), vehicle, now);
  std::array<unsigned char, 8192> arena;  // the JSON-LD's objects: no heap allocation
  json::monotonic_resource scratch(arena.data(), arena.size());
  w.key("json_ld").value(json_ld(vehicle, id, std::move(image_urls), base, &scratch));
  w.end_object();
}

// ------------------------------------------------------------------------ building
// One section's reads, in one round trip, and where each result lands (-1: not read).
struct SectionReads {
  std::vector<db::Query> statements;
  int candidates = -1, cards = -1;

  int add(db::Query q) {
    statements.push_back(std::move(q));
    return static_cast<int>(statements.size()) - 1;
  }
};

// The similar cars as far as the search index gives them before any read: ranked when it is
// current and holds the car, and their cards too when the caller sees what the public sees
// (the index's copy is anon's).
struct SimilarFromIndex {
  std::optional<std::vector<domain::SimilarVehicle>> ranked;
  std::optional<std::string> cards;  // JSON array
};

SimilarFromIndex similar_from_index(const Request& req, const std::string& id, std::size_t limit,
                                    const MediaUrls& urls) {
  const auto& url = req.services->config.database_url;
  auto version = committed_inventory_version(url);
  if (!version) return {};
  auto found = similar_candidates_from_index(url, *version, id, limit);
  if (!found) return {};
  SimilarFromIndex out;
  out.ranked = domain::rank_similar(found->target, found->candidates, limit);
  if (req.caller.sees_public_view())
    out.cards = similar_cards_from_index(url, *found, *out.ranked, urls);
  return out;
}

// The vehicle row comes first (index 0), with the media and price history the /media and
// /price-history sections need. With the similar cars ranked from the index but their cards
// not written from it, the winners' cards ride along; without a ranking the candidates are
// read and ranked, and their cards take a second round trip.
SectionReads reads_for(Section section, const std::string& id, const SimilarFromIndex& similar) {
  SectionReads r;
  r.add(db::Query{kVehicleSql, {id}});
  bool page = section == Section::page;
  if (page || section == Section::similar) {
    if (!similar.ranked) {
      r.candidates = r.add(db::Query{similar_candidates_sql(), {id}});
    } else if (!similar.cards && !similar.ranked->empty()) {
      r.cards = r.add(similar_cards_query(*similar.ranked));
    }
  }
  return r;
}

// The response body of one section, or nullopt when the caller may not see the vehicle.
asio::awaitable<std::optional<std::string>> build_body(Request& req, Section section,
                                                       const std::string& id,
                                                       std::size_t similar_limit) {
  bool ranks_similar = section == Section::page || section == Section::similar;
  std::size_t limit = section == Section::page ? kSimilarOnPage : similar_limit;
  const auto now = std::chrono::system_clock::now();
  const MediaUrls urls(req.services->url_signer, base_url(req), now);
  SimilarFromIndex similar;
  if (ranks_similar) similar = similar_from_index(req, id, limit, urls);
  auto reads = reads_for(section, id, similar);
  // Each read is a read-only transaction of one round trip, which the pool may send along
  // with other requests' (PgPool::run_segment).
  std::vector<db::PgResult> results;
  {
    db::Transaction tx(req.services->db, http::db_identity(req), true);
    results = co_await tx.batch_and_commit(std::move(reads.statements));
  }
  auto at = [&results](int index) -> db::PgResult& {
    return results.at(static_cast<std::size_t>(index));
  };
  const auto& vehicle = at(0);
  if (vehicle.empty()) co_return std::nullopt;
  const auto target = vehicle_features(vehicle, 0);
  db::PgResult similar_rows;
  if (reads.cards >= 0) similar_rows = std::move(at(reads.cards));
  auto& ranked = similar.ranked;
  if (reads.candidates >= 0) {
    // Without the index: rank the candidates read, then render the winners' cards in a
    // second read (it filters on visibility itself, so a later snapshot is harmless).
    ranked = rank_similar_rows(at(reads.candidates), target, limit);
    if (!ranked->empty()) {
      db::Transaction tx(req.services->db, http::db_identity(req), true);
      db::Query cards = similar_cards_query(*ranked);  // named: g++ 12 and co_await temporaries
      similar_rows = co_await tx.query_and_commit(std::move(cards));
    }
  }
  std::string similar_cards = "[]";  // none in the /media and /price-history sections
  if (similar.cards) {
    similar_cards = std::move(*similar.cards);
  } else if (ranked) {
    similar_cards.clear();
    append_similar_cards(similar_cards, similar_rows, *ranked, urls);
  }

  std::string body = "{\"data\":";
  switch (section) {
    case Section::media: {
      json_text::Writer w(body);
      write_media(w, vehicle.text(0, "media"), urls);
      break;
    }
    case Section::price_history:
      body += vehicle.text(0, "price_history");
      break;
    case Section::similar:
      body += similar_cards;
      break;
    case Section::page:
      write_page(body, vehicle, id, target.price, similar_cards, urls, now, base_url(req));
      break;
  }
  body += '}';
  co_return body;
}

// ------------------------------------------------------------------------ caching
// Vehicle responses are cached 120 s (spec §15) through the same two-tier cache as search
// (api/inventory_cache.hpp): keys carry the committed inventory version, which every write
// to vehicles, media or specs bumps, so an edit is visible on the next request. Only what
// the public sees is cached: staff may see hidden cars and get their pages built fresh.
constexpr std::chrono::seconds kVehicleTtl{120};

bool cacheable(const Request& req) { return req.caller.sees_public_view(); }

// The body of a section, or 404: what the cache runs on a miss. `id` by value on purpose:
// a coroutine must own what it reads after its first suspension.
// cppcheck-suppress passedByValue
asio::awaitable<std::string> required_body(Request& req, Section section, std::string id,
                                           std::size_t limit) {
  auto body = co_await build_body(req, section, id, limit);
  if (!body) throw http::not_found("No vehicle has that id.");
  co_return std::move(*body);
}

asio::awaitable<Response> serve(Request& req, Section section) {
  const std::string id = req.params.string("id");
  std::size_t limit = kSimilarOnPage;
  if (auto l = req.params.integer("limit")) limit = static_cast<std::size_t>(*l);
  if (!cacheable(req)) {
    // Staff pages may show hidden cars: never stored by shared caches.
    auto body = co_await required_body(req, section, id, limit);
    Response res = http::json_response(200, std::move(body));
    res.set(boost::beast::http::field::cache_control, "private, no-cache");
    co_return res;
  }
  std::string key = "/vehicles/" + id + "/" + std::string(section_name(section)) +
                    "?limit=" + std::to_string(limit);
  BodyBuilder build = [&req, section, &id, limit]() {
    return required_body(req, section, id, limit);
  };
  co_return co_await cached_json_response(req, key, kVehicleTtl, build);
}

asio::awaitable<Response> get_vehicle(Request& req) {
  co_return co_await serve(req, Section::page);
}
asio::awaitable<Response> get_vehicle_media(Request& req) {
  co_return co_await serve(req, Section::media);
}
asio::awaitable<Response> get_similar_vehicles(Request& req) {
  co_return co_await serve(req, Section::similar);
}
asio::awaitable<Response> get_price_history(Request& req) {
  co_return co_await serve(req, Section::price_history);
}

http::ParamSpec id_param() {
  return http::ParamSpec{.name = "id",
                         .in = http::ParamIn::path,
                         .type = http::ParamType::uuid,
                         .required = true,
                         .description = "Vehicle id (UUID).",
                         .example = "5eed0001-0000-4000-8000-000000000001"};
}

std::vector<http::ResponseSpec> responses_for(std::string description, json::value schema,
                                              json::value example) {
  return {
      {200, std::move(description), std::move(schema), std::move(example)},
      {400, "The id is not a UUID (source.parameter = id).", schemas::error_document(),
       vehicle_schemas::bad_id_example()},
      {404, "No vehicle has that id, or it is not public.", schemas::error_document(), nullptr}};
}

}  // namespace

void register_vehicle_routes(http::Router& router) {
  using namespace http;
  const std::string caching =
      " Cached 120 s per vehicle and inventory version (an edit shows on the next request); "
      "ETag + If-None-Match give 304. Media URLs are signed for 15 minutes.";
  router.add(
      Route{.method = Verb::get,
            .path = "/vehicles/{id}",
            .handler = get_vehicle,
            .operation_id = "getVehicle",
            .summary = "Vehicle detail page",
            .description =
                "Everything the vehicle page shows, in one response: the vehicle and its specs, "
                "media (images, 360 spins, videos) with signed URLs, price history, the review "
                "summary and latest reviews, similar vehicles (ranked by price, year, body type "
                "and make/model), monthly estimates for standard terms, free test-drive slots of "
                "the next 7 days from the location's sales hours, and schema.org Car JSON-LD. "
                "Hidden vehicles are 404 to the public; staff see them." +
                caching,
            .tags = {"vehicles"},
            .access = Access::public_,
            .params = {id_param()},
            .responses = responses_for("The vehicle page.", vehicle_schemas::page_schema(),
                                       vehicle_schemas::page_example()),
            .cache = CachePolicy::revalidate,
            .rate_class = "vehicle",
            .compact_fields = {"id", "title", "year", "price_current", "previous_price", "mileage",
                               "fuel", "transmission", "is_new", "is_certified", "location",
                               "financing"}});
  router.add(Route{
      .method = Verb::get,
      .path = "/vehicles/{id}/media",
      .handler = get_vehicle_media,
      .operation_id = "getVehicleMedia",
      .summary = "A vehicle's media with signed URLs",
      .description = "Images, 360 spins and videos in display order, each with a signed URL "
                     "(and signed variants when generated). Same section as on the page." +
                     caching,
      .tags = {"vehicles"},
      .access = Access::public_,
      .params = {id_param()},
      .responses = responses_for("The media.", schemas::envelope(vehicle_schemas::media_schema()),
                                 json::value{{"data", vehicle_schemas::media_example()}}),
      .cache = CachePolicy::revalidate,
      .rate_class = "vehicle"});
  router.add(
      Route{.method = Verb::get,
            .path = "/vehicles/{id}/similar",
            .handler = get_similar_vehicles,
            .operation_id = "getSimilarVehicles",
            .summary = "Vehicles similar to this one",
            .description =
                "Visible vehicles ranked by similarity (price 35%, body type 20%, make/model 20%, "
                "year 15%, mileage 10%) over an indexed candidate set: the nearest prices of the "
                "same body type within ±30% and the nearest years of the same make and model. "
                "Never the vehicle itself." +
                caching,
            .tags = {"vehicles"},
            .access = Access::public_,
            .params = {id_param(), ParamSpec{.name = "limit",
                                             .in = ParamIn::query,
                                             .type = ParamType::integer,
                                             .description = "How many to return.",
                                             .minimum = 1,
                                             .maximum = static_cast<long long>(kSimilarMax),
                                             .default_value = std::to_string(kSimilarOnPage),
                                             .example = "8"}},
            .responses = responses_for(
                "Similar vehicles, best first.",
                schemas::envelope(json::value{{"type", "array"},
                                              {"items", vehicle_schemas::similar_card_schema()}}),
                json::value{{"data", json::array{vehicle_schemas::similar_card_example()}}}),
            .cache = CachePolicy::revalidate,
            .rate_class = "vehicle"});
  router.add(Route{
      .method = Verb::get,
      .path = "/vehicles/{id}/price-history",
      .handler = get_price_history,
      .operation_id = "getVehiclePriceHistory",
      .summary = "A vehicle's price history",
      .description = "The latest 100 prices, oldest first, with the previous price and the "
                     "change of each." +
                     caching,
      .tags = {"vehicles"},
      .access = Access::public_,
      .params = {id_param()},
      .responses =
          responses_for("Prices, oldest first.",
                        schemas::envelope(json::value{
                            {"type", "array"}, {"items", vehicle_schemas::price_point_schema()}}),
                        json::value{{"data", vehicle_schemas::price_history_example()}}),
      .cache = CachePolicy::revalidate,
      .rate_class = "vehicle"});
}

}  // namespace forecourt::api
