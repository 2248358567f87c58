#include "api/facet_index.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/inventory_cache.hpp"
#include "core/log.hpp"

namespace forecourt::api {
namespace {

// Text facets, in FacetDef order where they have one; drivetrain is a plain filter.
enum Dim : std::size_t {
  kMake,
  kModel,
  kBody,
  kFuel,
  kTransmission,
  kColor,
  kCondition,
  kLocation,
  kDrivetrain,
  kTextDims
};

struct Row {
  std::int64_t price_cents;
  std::int32_t mileage;
  std::int16_t year;
  std::array<std::uint16_t, kTextDims> code;  // 0 = NULL, else 1 + index into dict
  bool special;
};

struct Snapshot {
  long long version = -1;
  std::array<std::vector<std::string>, kTextDims> dict;  // code - 1 -> value
  std::vector<Row> rows;
};

// Column order of kLoadSql: the text dims first (in Dim order), then the numbers.
constexpr const char* kLoadSql =
    "declare facet_rows no scroll cursor for select make, model, body_type, fuel, transmission, "
    "color_ext, condition, location_id::text, drivetrain, year, price_current_cents, mileage, "
    "is_special from public.vehicles where visible";

class FacetIndex {
 public:
  explicit FacetIndex(std::string url)
      : url_(std::move(url)), thread_([this](const std::stop_token& st) { run(st); }) {}

  std::shared_ptr<const Snapshot> current() const {
    std::lock_guard lock(mu_);
    return snapshot_;
  }

 private:
  void run(const std::stop_token& st) {
    while (!st.stop_requested()) {
      auto wanted = committed_inventory_version(url_);
      auto have = current();
      if (wanted && (!have || have->version != *wanted)) {
        auto fresh = load(*wanted);
        if (fresh) {
          std::lock_guard lock(mu_);
          snapshot_ = std::move(fresh);
          continue;  // the version may have moved on during the load
        }
      }
      for (int i = 0; i < 2 && !st.stop_requested(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  static bool ok(PGresult* r, ExecStatusType want) {
    bool good = PQresultStatus(r) == want;
    PQclear(r);
    return good;
  }

  // Labelled with the version committed before the load began: the rows read are at least
  // that fresh (a later commit can only make them fresher, and bumps the version again).
  std::shared_ptr<Snapshot> load(long long version) {
    PGconn* conn = PQconnectdb(url_.c_str());
    std::shared_ptr<Snapshot> snap;
    if (PQstatus(conn) == CONNECTION_OK &&
        ok(PQexec(conn, "begin isolation level repeatable read read only"), PGRES_COMMAND_OK) &&
        ok(PQexec(conn, "set local role anon"), PGRES_COMMAND_OK) &&  // public rows only
        ok(PQexec(conn, kLoadSql), PGRES_COMMAND_OK)) {
      snap = std::make_shared<Snapshot>();
      snap->version = version;
      std::array<std::unordered_map<std::string, std::uint16_t>, kTextDims> codes;
      while (true) {
        PGresult* r = PQexec(conn, "fetch 50000 from facet_rows");
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
          PQclear(r);
          snap.reset();
          break;
        }
        int n = PQntuples(r);
        for (int i = 0; i < n; ++i) snap->rows.push_back(parse_row(r, i, *snap, codes));
        PQclear(r);
        if (n == 0) break;
      }
    }
    if (!snap) log::warn("facet index load failed; facets come from SQL", {});
    PQfinish(conn);
    return snap;
  }

  static Row parse_row(
      PGresult* r, int i, Snapshot& snap,
      std::array<std::unordered_map<std::string, std::uint16_t>, kTextDims>& codes) {
    Row row{};
    for (std::size_t d = 0; d < kTextDims; ++d) {
      if (PQgetisnull(r, i, static_cast<int>(d))) continue;
      std::string v = PQgetvalue(r, i, static_cast<int>(d));
      auto [it, added] = codes[d].try_emplace(v, 0);
      if (added) {
        snap.dict[d].push_back(v);
        it->second = static_cast<std::uint16_t>(snap.dict[d].size());
      }
      row.code[d] = it->second;
    }
    row.year = static_cast<std::int16_t>(std::atoi(PQgetvalue(r, i, 9)));
    row.price_cents = std::atoll(PQgetvalue(r, i, 10));
    row.mileage = std::atoi(PQgetvalue(r, i, 11));
    row.special = PQgetvalue(r, i, 12)[0] == 't';
    return row;
  }

  std::string url_;
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::jthread thread_;  // last: starts once the members above exist
};

// A filter on a text dim as a code set (codes of values the snapshot has never seen are
// simply absent: nothing matches them, as in SQL).
std::vector<bool> code_set(const Snapshot& s, Dim d, const std::vector<std::string>& values) {
  std::vector<bool> set(s.dict[d].size() + 1, false);
  for (std::size_t c = 0; c < s.dict[d].size(); ++c) {
    if (std::find(values.begin(), values.end(), s.dict[d][c]) != values.end()) set[c + 1] = true;
  }
  return set;
}

bool in_range(long long v, const std::optional<long long>& lo, const std::optional<long long>& hi) {
  return (!lo || v >= *lo) && (!hi || v <= *hi);
}

std::string json_key(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

// {"value":count,...} for the non-zero counts, keys in `order`.
template <class Key>
std::string facet_object(const std::vector<std::pair<Key, long long>>& items) {
  std::string out = "{";
  for (const auto& [k, n] : items) {
    if (n == 0) continue;
    if (out.size() > 1) out += ',';
    out += json_key(k) + ":" + std::to_string(n);
  }
  return out + "}";
}

FacetCounts count(const Snapshot& s, const InventoryQuery& q) {
  // Facet filter bits, in FacetDef order (make, model, body, fuel, transmission, color,
  // condition, location, year, price, mileage).
  constexpr std::array<Dim, 8> text_facets = {kMake,         kModel, kBody,      kFuel,
                                              kTransmission, kColor, kCondition, kLocation};
  const std::array<const std::vector<std::string>*, 8> chosen = {
      &q.make,         &q.model, &q.body_type, &q.fuel,
      &q.transmission, &q.color, &q.condition, &q.location_id};
  std::array<std::vector<bool>, 8> sets;
  for (std::size_t f = 0; f < 8; ++f) {
    if (!chosen[f]->empty()) sets[f] = code_set(s, text_facets[f], *chosen[f]);
  }
  std::vector<bool> drive =
      q.drivetrain.empty() ? std::vector<bool>{} : code_set(s, kDrivetrain, q.drivetrain);
  const auto& price_edges = price_bucket_edges_dollars();
  const auto& mileage_edges = mileage_bucket_edges();

  std::array<std::vector<long long>, 8> text_counts;
  for (std::size_t f = 0; f < 8; ++f) text_counts[f].assign(s.dict[text_facets[f]].size() + 1, 0);
  std::vector<long long> year_counts(201, 0);  // 1900..2100
  std::vector<long long> price_counts(price_edges.size() + 1, 0);
  std::vector<long long> mileage_counts(mileage_edges.size() + 1, 0);
  long long total = 0;
  constexpr unsigned kMakeBits = 0b11;  // make facet ignores make and model

  for (const Row& r : s.rows) {
    if (!drive.empty() && !drive[r.code[kDrivetrain]]) continue;
    if (q.is_special && r.special != *q.is_special) continue;
    unsigned fails = 0;
    for (std::size_t f = 0; f < 8; ++f) {
      if (!sets[f].empty() && !sets[f][r.code[text_facets[f]]]) fails |= 1U << f;
    }
    if (!in_range(r.year, q.year_min, q.year_max)) fails |= 1U << 8;
    if (!in_range(r.price_cents, q.price_min_cents, q.price_max_cents)) fails |= 1U << 9;
    if (!in_range(r.mileage, q.mileage_min, q.mileage_max)) fails |= 1U << 10;
    if ((fails & ~kMakeBits) != 0 && (fails & (fails - 1)) != 0) continue;  // 2+ outside make
    if (fails == 0) ++total;
    if ((fails & ~kMakeBits) == 0) ++text_counts[0][r.code[kMake]];
    for (std::size_t f = 1; f < 8; ++f) {
      if ((fails & ~(1U << f)) == 0) ++text_counts[f][r.code[text_facets[f]]];
    }
    if ((fails & ~(1U << 8)) == 0 && r.year >= 1900 && r.year <= 2100) ++year_counts[r.year - 1900];
    if ((fails & ~(1U << 9)) == 0) ++price_counts[bucket_of(r.price_cents, price_edges, 100)];
    if ((fails & ~(1U << 10)) == 0) ++mileage_counts[bucket_of(r.mileage, mileage_edges, 1)];
  }

  static constexpr std::array<const char*, 8> names = {
      "make", "model", "body_type", "fuel", "transmission", "color", "condition", "location"};
  std::string json = "{";
  for (std::size_t f = 0; f < 8; ++f) {
    std::vector<std::pair<std::string, long long>> items;
    const auto& dict = s.dict[text_facets[f]];
    for (std::size_t c = 0; c < dict.size(); ++c)
      items.emplace_back(dict[c], text_counts[f][c + 1]);
    std::sort(items.begin(), items.end());
    json += std::string(f > 0 ? "," : "") + "\"" + names[f] + "\":" + facet_object(items);
  }
  std::vector<std::pair<std::string, long long>> years, prices, miles;
  for (std::size_t y = 0; y < year_counts.size(); ++y)
    years.emplace_back(std::to_string(1900 + y), year_counts[y]);
  for (std::size_t b = 0; b < price_counts.size(); ++b)
    prices.emplace_back(bucket_label(price_edges, b), price_counts[b]);
  for (std::size_t b = 0; b < mileage_counts.size(); ++b)
    miles.emplace_back(bucket_label(mileage_edges, b), mileage_counts[b]);
  json += ",\"year\":" + facet_object(years) + ",\"price\":" + facet_object(prices) +
          ",\"mileage\":" + facet_object(miles) + "}";
  return FacetCounts{total, std::move(json)};
}

}  // namespace

std::optional<FacetCounts> facet_counts_from_index(const std::string& database_url,
                                                   long long version, const InventoryQuery& q) {
  static std::once_flag once;
  static std::unique_ptr<FacetIndex> index;
  std::call_once(once, [&] { index = std::make_unique<FacetIndex>(database_url); });
  auto snap = index->current();
  if (!snap || snap->version != version || !q.q.empty()) return std::nullopt;
  return count(*snap, q);
}

}  // namespace forecourt::api
