// /inventory/search, /inventory/{featured,new,cpo,specials}, /search/suggestions and
// /stats/summary: the public inventory (spec §1 Homepage, Search + Filters, Car Cards,
// New/CPO/Specials; §6; §14; §15). One query builder (inventory_query.hpp), one card
// (vehicle_card.hpp), one cache (inventory_cache.hpp).
#include <boost/json.hpp>
#include <charconv>
#include <ctime>

#include "api/facet_index.hpp"
#include "api/inventory_cache.hpp"
#include "api/inventory_query.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "api/vehicle_card.hpp"
#include "app/services.hpp"
#include "db/tx.hpp"
#include "http/identity.hpp"
#include "http/route.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

constexpr std::chrono::seconds kSearchTtl{60};       // §15: search results and facets 60 s
constexpr std::chrono::seconds kSuggestionsTtl{60};  // typeahead: same data, same life
constexpr std::chrono::seconds kStatsTtl{60};
static_assert(kSearchTtl < storage::kMediaUrlTtl, "cached cards embed signed URLs");

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// self/first/prev/next/last: the request's own parameters (canonical order), page replaced.
json::object page_links(const Request& req, const InventoryQuery& q, long long last_page) {
  std::string base = req.services->config.public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  base += req.path + "?";
  for (const auto& [name, values] : req.params.values()) {
    if (name == "page" || (name == "view" && values == std::vector<std::string>{"full"})) continue;
    for (const auto& v : values) base += name + "=" + percent_encode(v) + "&";
  }
  auto link = [&](long long page) -> json::value {
    return json::string(base + "page=" + std::to_string(page));
  };
  json::object links;
  links["self"] = link(q.page);
  links["first"] = link(1);
  links["prev"] = q.page > 1 ? link(std::min(q.page - 1, last_page)) : json::value(nullptr);
  links["next"] = q.page < last_page ? link(q.page + 1) : json::value(nullptr);
  links["last"] = link(last_page);
  return links;
}

// Free text's matches from build_text_matches_sql's row.
TextMatches parse_text_matches(const db::PgResult& r) {
  TextMatches text;
  auto rank = [](std::string_view s) {
    float f = 0;
    std::from_chars(s.data(), s.data() + s.size(), f);  // float4 text: exact
    return f;
  };
  const json::value models = json::parse(r.text(0, 0));  // named: outlives the loop
  for (const auto& triple : models.as_array()) {
    const auto& m = triple.as_array();
    text.models.push_back({std::string(m.at(0).as_string()), std::string(m.at(1).as_string()),
                           rank(m.at(2).as_string())});
  }
  std::string_view words = r.text(0, 1);
  while (!words.empty()) {
    auto comma = words.find(',');
    std::string_view word = words.substr(0, comma);
    auto space = word.find(' ');
    if (space != std::string_view::npos)
      text.words.push_back({std::string(word.substr(0, space)), rank(word.substr(space + 1))});
    words = comma == std::string_view::npos ? std::string_view{} : words.substr(comma + 1);
  }
  return text;
}

struct Listing {
  std::string cards;  // JSON array (CardRenderer)
  long long total = 0;
  std::optional<std::string> facets;  // JSON object (with facets)
  const char* facet_source = "database";
};

// The search from the index when it is current for the inventory version: PostgreSQL gives
// only free text's matches (when q is given), and staff's cards by id; the public's cards
// are written from the index too. Nullopt when the index is not current (start-up, the
// moment right after an edit).
asio::awaitable<std::optional<Listing>> listing_from_index(Request& req, const InventoryQuery& q,
                                                           const MediaUrls& urls) {
  const auto& url = req.services->config.database_url;
  auto version = committed_inventory_version(url);
  if (!version || !index_can_sort(q.sort) || !facet_index_current(url, *version))
    co_return std::nullopt;
  std::optional<TextMatches> text;
  if (!q.q.empty()) {
    auto built = build_text_matches_sql(q);
    db::Transaction tx(req.services->db, http::db_identity(req), true);
    db::Query query{built.sql, std::move(built.params)};
    auto r = co_await tx.query_and_commit(std::move(query));
    text = parse_text_matches(r);
  }
  const TextMatches* text_ptr = text ? &*text : nullptr;
  auto answer = co_await search_index(req, *version, q, text_ptr);
  if (!answer) co_return std::nullopt;  // the index moved on meanwhile
  Listing out{.cards = "[]",
              .total = answer->total,
              .facets = std::move(answer->facets_json),
              .facet_source = "index"};
  if (answer->page.empty()) co_return out;
  // The public's cards from the index's copy (it was read as anon), staff's from SQL; and
  // from SQL too when the index moved on since it answered.
  std::string cards;
  if (req.caller.sees_public_view() && append_public_cards(cards, url, answer->page_cars, urls)) {
    out.cards = std::move(cards);
    co_return out;
  }
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  db::Query query{cards_by_ids_sql(), {uuid_array_literal(answer->page)}};
  auto r = co_await tx.query_and_commit(std::move(query));
  out.cards = CardRenderer(r, 0, urls).array();
  co_return out;
}

// Everything in one SQL statement: cards, total and (for search) the facets.
asio::awaitable<Listing> listing_from_sql(Request& req, const InventoryQuery& q,
                                          const MediaUrls& urls) {
  auto built = build_inventory_sql(q);
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  db::Query query{built.sql, std::move(built.params)};
  auto r = co_await tx.query_and_commit(std::move(query));
  Listing out{.cards = CardRenderer(r, 2, urls).array(),
              .total = std::stoll(std::string(r.text(0, 0)))};
  if (q.with_facets) out.facets = std::string(r.text(0, 1));
  co_return out;
}

// The envelope is assembled as text around the cards (CardRenderer) and the facets (JSON
// text from the index or PostgreSQL); only meta and links are built here.
asio::awaitable<std::string> build_listing(Request& req, const InventoryQuery& q) {
  const MediaUrls urls(req.services->url_signer, req.services->config.public_base_url,
                       std::chrono::system_clock::now());
  std::optional<Listing> listing;
  if (q.with_facets) listing = co_await listing_from_index(req, q, urls);
  if (!listing) listing = co_await listing_from_sql(req, q, urls);

  long long total = listing->total;
  long long reachable = std::min(total, kMaxResultWindow);
  long long last_page = std::max(1LL, (reachable + q.page_size - 1) / q.page_size);
  json::object meta;
  meta["total"] = total;
  meta["page"] = q.page;
  meta["page_size"] = q.page_size;
  meta["total_pages"] = last_page;
  json::array sort;
  for (const auto& k : q.sort) sort.emplace_back(k.key + (k.descending ? ":desc" : ":asc"));
  meta["sort"] = std::move(sort);
  meta["max_result_window"] = kMaxResultWindow;
  if (q.beyond_window()) {
    meta["window_exceeded"] = true;
    meta["note"] = "Pages deeper than max_result_window rows are not served; narrow the filters.";
  }
  if (q.with_facets) meta["facet_source"] = listing->facet_source;
  std::string meta_text = json::serialize(meta);
  if (listing->facets) {
    meta_text.pop_back();  // '}'
    meta_text += ",\"facets\":" + *listing->facets + "}";
  }
  co_return "{\"data\":" + listing->cards + ",\"meta\":" + meta_text +
      ",\"links\":" + json::serialize(page_links(req, q, last_page)) + "}";
}

asio::awaitable<Response> serve_listing(Request& req, InventoryPreset preset) {
  auto q = parse_inventory_query(req.params, preset);
  std::string key = req.path + "?" + canonical_query(req.params);
  BodyBuilder build = [&req, &q]() { return build_listing(req, q); };
  co_return co_await cached_json_response(req, key, kSearchTtl, build);
}

// Plain lambdas returning the coroutine (no coroutine lambdas: their captures live in the
// closure, and clang-tidy 14 crashes on them).
http::Handler listing_handler(InventoryPreset preset) {
  return [preset](Request& req) { return serve_listing(req, preset); };
}

// --------------------------------------------------------------------- suggestions
// Typeahead over vehicle_model_stats (~100 rows, one per make/model of the visible
// inventory, refreshed by a job): no scan of vehicles, so it stays well under 10 ms.
constexpr std::string_view kSuggestionsSql = R"SQL(
with q as (
  select lower(btrim(regexp_replace($1, '\m(19|20)[0-9]{2}\M', '', 'g'))) as words,
         substring($1 from '\m((?:19|20)[0-9]{2})\M')::int as yr
), m as (
  select s.make, s.model, s.vehicles, s.min_price_cents, s.max_price_cents, s.min_year, s.max_year,
         greatest(extensions.similarity(lower(s.make || ' ' || s.model), q.words),
                  extensions.word_similarity(q.words, lower(s.make || ' ' || s.model)),
                  case when lower(s.make) like q.words || '%' or lower(s.model) like q.words || '%'
                         or lower(s.make || ' ' || s.model) like q.words || '%' then 1 else 0 end) as score,
         greatest(extensions.similarity(lower(s.make), q.words),
                  case when lower(s.make) like q.words || '%' then 1 else 0 end) as make_score
  from public.vehicle_model_stats s, q
  where q.words <> '' and s.vehicles > 0
), top as (
  select * from m where m.score >= 0.3
    and (m.min_year is null or (select q.yr from q) is null or (select q.yr from q) between m.min_year and m.max_year)
  order by m.score desc, m.vehicles desc, m.make, m.model limit 8
), makes as (
  select m.make, sum(m.vehicles)::bigint as n, max(m.make_score) as score
  from m where m.make_score >= 0.3 group by m.make order by max(m.make_score) desc, sum(m.vehicles) desc limit 5
), edges as (
  select e from unnest(array[10000, 15000, 20000, 25000, 30000, 40000, 50000, 75000, 100000]) e
)
select json_build_object(
  'makes', (select coalesce(json_agg(json_build_object('make', k.make, 'count', k.n)
                                      order by k.score desc, k.n desc), '[]'::json) from makes k),
  'models', (select coalesce(json_agg(json_build_object('make', t.make, 'model', t.model,
                                      'label', t.make || ' ' || t.model, 'count', t.vehicles)
                                      order by t.score desc, t.vehicles desc, t.make, t.model), '[]'::json) from top t),
  'make_model_years', (select coalesce(json_agg(json_build_object('make', t.make, 'model', t.model,
                                      'year', coalesce((select q.yr from q), t.max_year),
                                      'label', coalesce((select q.yr from q), t.max_year) || ' ' || t.make || ' ' || t.model)
                                      order by t.score desc, t.vehicles desc, t.make, t.model), '[]'::json)
                       from (select * from top order by score desc, vehicles desc, make, model limit 3) t
                       where t.max_year is not null),
  'price_ranges', (select coalesce(json_agg(json_build_object('label', t.make || ' ' || t.model || ' under $' || to_char(e.e, 'FM999,999'),
                                      'make', t.make, 'model', t.model, 'price_max', e.e) order by e.e), '[]'::json)
                   from (select * from top order by score desc, vehicles desc, make, model limit 1) t
                   join edges e on e.e::bigint * 100 > t.min_price_cents
                               and e.e::bigint * 100 <= t.max_price_cents + 1000000)
)::text
)SQL";

asio::awaitable<std::string> build_suggestions(Request& req, const std::string& q) {
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  db::Query query{kSuggestionsSql, {q}};
  auto r = co_await tx.query_and_commit(std::move(query));
  co_return "{\"data\":" + std::string(r.text(0, 0)) +
      ",\"meta\":{\"q\":" + json::serialize(json::value(json::string(q))) + "}}";
}

asio::awaitable<Response> search_suggestions(Request& req) {
  std::string q = req.params.string("q");
  for (auto& c : q) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string key = "/search/suggestions?q=" + q;
  BodyBuilder build = [&req, &q]() { return build_suggestions(req, q); };
  co_return co_await cached_json_response(req, key, kSuggestionsTtl, build);
}

// --------------------------------------------------------------------- stats
constexpr std::string_view kStatsSql = "select public.stats_summary()::text";

asio::awaitable<std::string> build_stats(Request& req) {
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  db::Query query{kStatsSql, {}};  // named: g++ 12 and braced lists in co_await
  auto r = co_await tx.query_and_commit(std::move(query));
  co_return "{\"data\":" + std::string(r.text(0, 0)) + "}";
}

asio::awaitable<Response> stats_summary(Request& req) {
  BodyBuilder build = [&req]() { return build_stats(req); };
  const std::string key = "/stats/summary";
  co_return co_await cached_json_response(req, key, kStatsTtl, build);
}

// --------------------------------------------------------------------- route table
using http::ParamIn;
using http::ParamSpec;
using http::ParamType;

ParamSpec text_list(std::string name, std::string description, std::string example) {
  return ParamSpec{.name = std::move(name),
                   .type = ParamType::string,
                   .description = std::move(description),
                   .minimum = 1,
                   .maximum = 60,
                   .list = true,
                   .example = std::move(example)};
}

ParamSpec enum_list(std::string name, std::string description, std::vector<std::string> values) {
  std::string example = values.front();
  return ParamSpec{
      .name = std::move(name),
      .type = ParamType::enumeration,
      .description = std::move(description) + " Repeat or comma-separate for any of several.",
      .values = std::move(values),
      .list = true,
      .example = std::move(example)};
}

ParamSpec int_param(std::string name, std::string description, long long lo, long long hi,
                    std::string example) {
  return ParamSpec{.name = std::move(name),
                   .type = ParamType::integer,
                   .description = std::move(description),
                   .minimum = lo,
                   .maximum = hi,
                   .example = std::move(example)};
}

std::vector<ParamSpec> paging_params(const std::string& sort_doc, const std::string& sort_example) {
  return {
      ParamSpec{.name = "sort",
                .type = ParamType::string,
                .description = sort_doc,
                .minimum = 1,
                .maximum = 40,
                .list = true,
                .example = sort_example},
      ParamSpec{.name = "page",
                .type = ParamType::integer,
                .description = "Page number, from 1. Pages beyond 10,000 rows deep are empty "
                               "(meta.window_exceeded): narrow the filters instead.",
                .minimum = 1,
                .maximum = 1000000000,
                .default_value = "1",
                .example = "2"},
      ParamSpec{.name = "page_size",
                .type = ParamType::integer,
                .description = "Cards per page (1..100).",
                .minimum = 1,
                .maximum = 100,
                .default_value = "20",
                .example = "24"},
  };
}

std::vector<ParamSpec> filter_params(bool full) {
  std::vector<ParamSpec> p = {
      text_list("make",
                "Make, exactly as listed in meta.facets.make (e.g. Toyota). Repeat or "
                "comma-separate for any of several.",
                "Toyota"),
      text_list("model",
                "Model, exactly as in meta.facets.model (e.g. Camry). Repeat or "
                "comma-separate.",
                "Camry"),
      int_param("year_min", "Model year from (inclusive).", 1900, 2100, "2018"),
      int_param("year_max", "Model year to (inclusive); must be ≥ year_min.", 1900, 2100, "2023"),
      ParamSpec{.name = "price_min",
                .type = ParamType::number,
                .description = "Minimum current price in US dollars (inclusive).",
                .minimum = 0,
                .maximum = 100000000,
                .example = "15000"},
      ParamSpec{.name = "price_max",
                .type = ParamType::number,
                .description = "Maximum current price in US dollars (inclusive); ≥ price_min.",
                .minimum = 0,
                .maximum = 100000000,
                .example = "30000"},
      int_param("mileage_max", "Maximum odometer reading in miles (inclusive).", 0, 2000000,
                "60000"),
      enum_list("body_type", "Body style.",
                {"sedan", "suv", "truck", "coupe", "convertible", "hatchback", "wagon", "van",
                 "minivan"}),
      ParamSpec{.name = "location_id",
                .type = ParamType::uuid,
                .description = "Rooftop id (see /locations). Repeat or comma-separate.",
                .list = true,
                .example = "7b0d9c1e-3f4a-4c2b-9e1d-5a6b7c8d9e0f"},
  };
  if (!full) return p;
  std::vector<ParamSpec> more = {
      int_param("mileage_min", "Minimum odometer reading in miles (inclusive).", 0, 2000000, "0"),
      enum_list("fuel", "Fuel.",
                {"petrol", "diesel", "hybrid", "plugin_hybrid", "electric", "flex", "hydrogen"}),
      enum_list("color", "Exterior colour family.",
                {"black", "white", "silver", "gray", "blue", "red", "green", "brown", "beige",
                 "gold", "orange", "yellow", "purple"}),
      enum_list("transmission", "Transmission.", {"automatic", "manual", "cvt", "dual_clutch"}),
      enum_list("drivetrain", "Drivetrain.", {"fwd", "rwd", "awd", "4wd"}),
      enum_list("condition", "new, used or cpo (certified pre-owned).", {"new", "used", "cpo"}),
      ParamSpec{.name = "is_special",
                .type = ParamType::boolean,
                .description = "Only specials (true) or only non-specials (false).",
                .example = "true"},
      ParamSpec{.name = "q",
                .type = ParamType::string,
                .description = "Free text: fuzzy make/model (\"toyta camry\" finds Toyota Camry) "
                               "plus full text over trim, year, body, fuel, colour and "
                               "description. Every car of a matched model counts; of the word "
                               "matches outside those models, up to 10,000. Sorted by relevance "
                               "unless sort says otherwise.",
                .minimum = 1,
                .maximum = 200,
                .example = "toyota camry 2019"},
  };
  p.insert(p.end(), more.begin(), more.end());
  return p;
}

json::value listing_schema(bool with_facets) {
  json::object facet_map{{"type", "object"},
                         {"additionalProperties", {{"type", "integer"}}},
                         {"description", "value → number of cars"}};
  json::object meta_props{
      {"total", {{"type", "integer"}, {"description", "Cars matching every filter."}}},
      {"page", {{"type", "integer"}}},
      {"page_size", {{"type", "integer"}}},
      {"total_pages", {{"type", "integer"}}},
      {"sort", {{"type", "array"}, {"items", {{"type", "string"}}}}},
      {"max_result_window", {{"type", "integer"}}},
      {"window_exceeded", {{"type", "boolean"}}},
      {"note", {{"type", "string"}}},
      {"facet_source",
       {{"type", "string"},
        {"enum", json::array{"index", "database"}},
        {"description",
         "Where the total, facets and page order came from: the in-memory search index "
         "(current for this inventory version; PostgreSQL renders the cards) or PostgreSQL "
         "alone (identical results, slower)."}}}};
  if (with_facets) {
    json::object facets_props;
    for (const char* f : {"make", "model", "body_type", "fuel", "transmission", "color",
                          "condition", "location", "year"})
      facets_props[f] = facet_map;
    json::object bucket = facet_map;
    bucket["description"] =
        "bucket \"lo-hi\" (lo inclusive, hi exclusive; \"lo+\" open) → number of cars";
    facets_props["price"] = bucket;
    facets_props["price"].as_object()["description"] =
        "US-dollar buckets \"lo-hi\" (lo inclusive, hi exclusive; \"lo+\" open) → cars";
    facets_props["mileage"] = bucket;
    meta_props["facets"] = {
        {"type", "object"},
        {"description",
         "Disjunctive counts: each facet applies every filter except its own (make also "
         "ignores model; model keeps make). location is keyed by location id."},
        {"properties", facets_props}};
  }
  json::object link{{"type", json::array{"string", "null"}}};
  return {
      {"type", "object"},
      {"required", json::array{"data", "meta", "links"}},
      {"properties",
       {{"data", {{"type", "array"}, {"items", vehicle_card_schema()}}},
        {"meta", {{"type", "object"}, {"properties", meta_props}}},
        {"links",
         {{"type", "object"},
          {"properties",
           {{"self", link}, {"first", link}, {"prev", link}, {"next", link}, {"last", link}}}}}}}};
}

json::value listing_example(bool with_facets) {
  json::object meta{{"total", 124},
                    {"page", 1},
                    {"page_size", 20},
                    {"total_pages", 7},
                    {"sort", json::array{"price_current:asc"}},
                    {"max_result_window", kMaxResultWindow}};
  if (with_facets) {
    meta["facets"] =
        schemas::json(R"({"make":{"Honda":38,"Toyota":42},"model":{"Camry":20,"Corolla":22},
      "body_type":{"sedan":60,"suv":64},"fuel":{"hybrid":30,"petrol":94},"transmission":{"automatic":120,"manual":4},
      "color":{"black":40,"white":50},"condition":{"cpo":20,"new":40,"used":64},
      "location":{"7b0d9c1e-3f4a-4c2b-9e1d-5a6b7c8d9e0f":124},"year":{"2019":30,"2020":94},
      "price":{"10000-20000":50,"20000-30000":74},"mileage":{"0-10000":40,"30000-60000":84}})");
  }
  return {{"data", json::array{vehicle_card_example()}},
          {"meta", meta},
          {"links",
           {{"self", "/inventory/search?make=Toyota&page=1"},
            {"first", "/inventory/search?make=Toyota&page=1"},
            {"prev", nullptr},
            {"next", "/inventory/search?make=Toyota&page=2"},
            {"last", "/inventory/search?make=Toyota&page=7"}}}};
}

std::vector<http::ResponseSpec> listing_responses(bool with_facets) {
  return {{200, "One page of cards.", listing_schema(with_facets), listing_example(with_facets)},
          {400,
           "A parameter is unknown, malformed or out of range (page_size > 100, page 0, "
           "year_min > year_max, unknown sort key); source.parameter names it.",
           schemas::error_document(), nullptr}};
}

http::Route listing_route(std::string path, InventoryPreset preset, std::string operation_id,
                          std::string summary, std::string description) {
  bool search = preset == InventoryPreset::search;
  std::string sort_doc =
      "Comma-separated keys, each key[:asc|desc], applied in order: price_current, year, "
      "mileage, created_at";
  sort_doc += search ? ", relevance (with q; the default then). Default created_at:desc."
              : preset == InventoryPreset::featured
                  ? ", featured_position (the staff's order; the default)."
                  : ". Default created_at:desc.";
  sort_doc += " Ties break on id, so pages never overlap.";
  auto params = filter_params(search);
  auto paging = paging_params(
      sort_doc, search ? "price_current:asc,year:desc"
                       : (preset == InventoryPreset::featured ? "featured_position:asc"
                                                              : "price_current:asc"));
  params.insert(params.end(), paging.begin(), paging.end());
  return http::Route{.method = http::Verb::get,
                     .path = std::move(path),
                     .handler = listing_handler(preset),
                     .operation_id = std::move(operation_id),
                     .summary = std::move(summary),
                     .description = std::move(description),
                     .tags = {"inventory"},
                     .access = http::Access::public_,
                     .params = std::move(params),
                     .responses = listing_responses(search),
                     .cache = http::CachePolicy::public_short,
                     .rate_class = search ? "search" : "read",
                     .compact_fields = vehicle_card_compact_fields()};
}

}  // namespace

void register_inventory_routes(http::Router& router) {
  using namespace http;
  const std::string cards =
      " Cards as in spec §14 (prices in US dollars; media_hero_url signed for 15 minutes). "
      "Only visible vehicles. Cached 60 s, keyed by the normalised query and the inventory "
      "version, so a price change shows on the next request.";
  router.add(listing_route(
      "/inventory/search", InventoryPreset::search, "searchInventory",
      "Search the inventory with filters and facets",
      "Filters combine with AND; list values within one filter with OR. meta.facets gives "
      "disjunctive counts (each facet ignores its own filter) for make, model, body_type, "
      "fuel, transmission, color, condition, location and year/price/mileage buckets." +
          cards));
  router.add(listing_route("/inventory/featured", InventoryPreset::featured,
                           "listFeaturedInventory", "Featured cars (homepage)",
                           "Cars the staff curated for the homepage, in their chosen order "
                           "(featured_position) unless sort says otherwise." +
                               cards));
  router.add(listing_route("/inventory/new", InventoryPreset::new_cars, "listNewInventory",
                           "New cars", "Cars in new condition." + cards));
  router.add(listing_route("/inventory/cpo", InventoryPreset::cpo, "listCpoInventory",
                           "Certified pre-owned cars", "Cars in CPO condition." + cards));
  router.add(listing_route("/inventory/specials", InventoryPreset::specials, "listSpecialInventory",
                           "Specials", "Cars marked special." + cards));

  router.add(
      Route{.method = Verb::get,
            .path = "/search/suggestions",
            .handler = search_suggestions,
            .operation_id = "searchSuggestions",
            .summary = "Typeahead suggestions",
            .description =
                "Makes, models, make+model+year and price ranges matching what the shopper typed "
                "(fuzzy: \"toyta\" suggests Toyota). A year in the text (\"2019 camry\") narrows "
                "models to those stocked in that year. Answered from vehicle_model_stats (one row "
                "per make/model, refreshed by a job), not from the vehicles table.",
            .tags = {"inventory"},
            .access = Access::public_,
            .params = {ParamSpec{.name = "q",
                                 .type = ParamType::string,
                                 .required = true,
                                 .description = "What the shopper typed so far.",
                                 .minimum = 1,
                                 .maximum = 100,
                                 .example = "toyta cam"}},
            .responses = {{200, "Suggestions by kind, best first.",
                           schemas::json(R"({"type":"object","required":["data"],"properties":{
                       "data":{"type":"object","properties":{
                         "makes":{"type":"array","items":{"type":"object","properties":{"make":{"type":"string"},"count":{"type":"integer"}}}},
                         "models":{"type":"array","items":{"type":"object","properties":{"make":{"type":"string"},"model":{"type":"string"},"label":{"type":"string"},"count":{"type":"integer"}}}},
                         "make_model_years":{"type":"array","items":{"type":"object","properties":{"make":{"type":"string"},"model":{"type":"string"},"year":{"type":"integer"},"label":{"type":"string"}}}},
                         "price_ranges":{"type":"array","items":{"type":"object","properties":{"label":{"type":"string"},"make":{"type":"string"},"model":{"type":"string"},"price_max":{"type":"integer","description":"US dollars"}}}}}},
                       "meta":{"type":"object"}}})"),
                           schemas::json(R"({"data":{"makes":[{"make":"Toyota","count":4120}],
                       "models":[{"make":"Toyota","model":"Camry","label":"Toyota Camry","count":812}],
                       "make_model_years":[{"make":"Toyota","model":"Camry","year":2024,"label":"2024 Toyota Camry"}],
                       "price_ranges":[{"label":"Toyota Camry under $25,000","make":"Toyota","model":"Camry","price_max":25000}]},
                       "meta":{"q":"toyta cam"}})")},
                          {400, "q is missing or longer than 100 characters.",
                           schemas::error_document(), nullptr}},
            .cache = CachePolicy::public_short,
            .rate_class = "search"});

  router.add(Route{
      .method = Verb::get,
      .path = "/stats/summary",
      .handler = stats_summary,
      .operation_id = "statsSummary",
      .summary = "Homepage trust numbers",
      .description = "Cars sold (all time and last 30 days), average approved review rating, "
                     "visible inventory counts by condition, number of locations. Cached 60 s.",
      .tags = {"inventory"},
      .access = Access::public_,
      .responses =
          {{200, "The summary.",
            schemas::json(
                R"({"type":"object","required":["data"],"properties":{"data":{"type":"object","properties":{
                       "cars_sold":{"type":"integer"},"cars_sold_last_30_days":{"type":"integer"},
                       "avg_rating":{"type":["number","null"]},"review_count":{"type":"integer"},
                       "inventory":{"type":"object","properties":{"total":{"type":"integer"},"new":{"type":"integer"},
                         "used":{"type":"integer"},"cpo":{"type":"integer"},"specials":{"type":"integer"}}},
                       "locations":{"type":"integer"}}}}})"),
            schemas::json(
                R"({"data":{"cars_sold":1520,"cars_sold_last_30_days":48,"avg_rating":4.62,
                       "review_count":510,"inventory":{"total":970,"new":340,"used":485,"cpo":145,"specials":61},"locations":25}})")}},
      .cache = CachePolicy::public_short,
      .rate_class = "read"});
}

}  // namespace forecourt::api
