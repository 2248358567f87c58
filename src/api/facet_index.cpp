#include "api/facet_index.hpp"

#include <immintrin.h>
#include <libpq-fe.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <bit>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/index_cards.hpp"
#include "api/inventory_cache.hpp"
#include "api/json_text.hpp"
#include "app/services.hpp"
#include "core/log.hpp"

namespace forecourt::api {
namespace {

using Word = std::uint64_t;
constexpr std::size_t kWordBits = 64;
// Slots are added in steps of this many, so bitmaps grow rarely (and by 8 KiB each).
constexpr std::size_t kGrowSlots = 65536;

// ------------------------------------------------------------------ bitmaps
// Blocks of this many words (4,096 slots): a facet value's bitmap records which of its
// blocks hold any of its slots, and counting reads only those. The index loads the cars in
// (make, model, year) order, so a make's, a model's (and with it a body type's) and a model
// year's slots sit in a few blocks instead of spreading over all of them.
constexpr std::size_t kBlockWords = 64;

struct Bitmap {
  std::vector<Word> w;
  // Value bitmaps only (empty otherwise): bit b = block b may hold a set bit. Set when a bit
  // is set, left set when it is cleared (a reload starts afresh): conservative, never wrong.
  std::vector<Word> blocks;
  void set(std::size_t i) {
    w[i / kWordBits] |= Word{1} << (i % kWordBits);
    if (!blocks.empty()) {
      std::size_t b = i / kWordBits / kBlockWords;
      blocks[b / kWordBits] |= Word{1} << (b % kWordBits);
    }
  }
  void reset(std::size_t i) { w[i / kWordBits] &= ~(Word{1} << (i % kWordBits)); }
  [[nodiscard]] bool test(std::size_t i) const {
    return ((w[i / kWordBits] >> (i % kWordBits)) & 1U) != 0;
  }
};

// The counting loops: popcnt/AVX2 where the CPU has them, chosen once at load (ifunc).
__attribute__((target_clones("avx2", "popcnt", "default"))) long long popcount(const Word* a,
                                                                               std::size_t n) {
  long long c = 0;
  for (std::size_t i = 0; i < n; ++i) c += std::popcount(a[i]);
  return c;
}

__attribute__((target_clones("avx2", "popcnt", "default"))) long long popcount_and_words(
    const Word* a, const Word* b, std::size_t n) {
  long long c = 0;
  for (std::size_t i = 0; i < n; ++i) c += std::popcount(a[i] & b[i]);
  return c;
}

// Eight words per instruction where the CPU counts bits in vectors (AVX-512 VPOPCNTDQ: Ice
// Lake and later, Zen 4). The facet counts are this loop: it was ~30% of the search mix's
// server time at 1M with one popcnt per word, which the compiler does not vectorise.
__attribute__((target("avx512f,avx512vpopcntdq"))) long long popcount_and_avx512(const Word* a,
                                                                                 const Word* b,
                                                                                 std::size_t n) {
  __m512i sum = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512i both = _mm512_and_si512(_mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i));
    sum = _mm512_add_epi64(sum, _mm512_popcnt_epi64(both));
  }
  // Summed from memory: GCC 12's _mm512_reduce_add_epi64 trips -Wuninitialized.
  std::array<long long, 8> lanes{};
  _mm512_storeu_si512(lanes.data(), sum);
  long long c = 0;
  for (long long lane : lanes) c += lane;
  for (; i < n; ++i) c += std::popcount(a[i] & b[i]);
  return c;
}

long long popcount_and(const Word* a, const Word* b, std::size_t n) {
  static const bool vector_popcount = __builtin_cpu_supports("avx512vpopcntdq") != 0;
  return vector_popcount ? popcount_and_avx512(a, b, n) : popcount_and_words(a, b, n);
}

// Words of blocks: one bit per kBlockWords words (rounded up to whole words).
std::size_t block_words(std::size_t words) {
  std::size_t blocks = (words + kBlockWords - 1) / kBlockWords;
  return (blocks + kWordBits - 1) / kWordBits;
}

// Which blocks of `a` hold any set bit.
std::vector<Word> occupied_blocks(const Bitmap& a) {
  std::vector<Word> out(block_words(a.w.size()), 0);
  for (std::size_t b = 0; b * kBlockWords < a.w.size(); ++b) {
    const Word* p = a.w.data() + b * kBlockWords;
    std::size_t n = std::min(kBlockWords, a.w.size() - b * kBlockWords);
    Word any = 0;
    for (std::size_t i = 0; i < n; ++i) any |= p[i];
    if (any != 0) out[b / kWordBits] |= Word{1} << (b % kWordBits);
  }
  return out;
}

// Blocks both `mask` (occupied: occupied_blocks(mask)) and `value` may hold.
long long shared_blocks(const std::vector<Word>& occupied, const Bitmap& value) {
  long long n = 0;
  for (std::size_t i = 0; i < value.blocks.size(); ++i)
    n += std::popcount(occupied[i] & value.blocks[i]);
  return n;
}

// |mask AND value|, reading only the blocks both may hold.
long long count_in_blocks(const Bitmap& mask, const std::vector<Word>& occupied,
                          const Bitmap& value) {
  long long c = 0;
  for (std::size_t i = 0; i < value.blocks.size(); ++i) {
    for (Word both = occupied[i] & value.blocks[i]; both != 0; both &= both - 1) {
      std::size_t first =
          (i * kWordBits + static_cast<std::size_t>(std::countr_zero(both))) * kBlockWords;
      std::size_t n = std::min(kBlockWords, mask.w.size() - first);
      c += popcount_and(mask.w.data() + first, value.w.data() + first, n);
    }
  }
  return c;
}

__attribute__((target_clones("avx2", "default"))) void and_into(Word* a, const Word* b,
                                                                std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) a[i] &= b[i];
}

__attribute__((target_clones("avx2", "default"))) void or_into(Word* a, const Word* b,
                                                               std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) a[i] |= b[i];
}

// Bits of slots whose value lies in [lo, hi], for range filters over a whole column (8 MB of
// prices at 1M cars). One unsigned compare per slot, (v - lo) <= (hi - lo) with wrap-around;
// with AVX2, 4 prices or 8 mileages per instruction (the portable loop, which the compiler
// does not vectorise, was 8% of the search mix's CPU at 1M).
template <class T>
Word range_word(const T* p, std::size_t n, T lo, std::make_unsigned_t<T> span) {
  using U = std::make_unsigned_t<T>;
  Word bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    U offset = static_cast<U>(static_cast<U>(p[i]) - static_cast<U>(lo));
    bits |= static_cast<Word>(offset <= span) << i;
  }
  return bits;
}

// Unsigned order as signed order: flip the sign bit (AVX2 compares signed only).
__attribute__((target("avx2"))) std::size_t range_words_avx2(const std::int64_t* col,
                                                             std::size_t words, std::int64_t lo,
                                                             std::uint64_t span, Word* out) {
  const __m256i low = _mm256_set1_epi64x(lo);
  const __m256i flip = _mm256_set1_epi64x(INT64_MIN);
  const __m256i limit = _mm256_set1_epi64x(static_cast<std::int64_t>(span ^ (1ULL << 63)));
  for (std::size_t w = 0; w < words; ++w) {
    Word bits = 0;
    for (std::size_t j = 0; j < kWordBits / 4; ++j) {
      __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(col + w * kWordBits + j * 4));
      __m256i out_of_range =
          _mm256_cmpgt_epi64(_mm256_xor_si256(_mm256_sub_epi64(v, low), flip), limit);
      auto lanes = static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(out_of_range)));
      bits |= static_cast<Word>(~lanes & 0xFU) << (j * 4);
    }
    out[w] = bits;
  }
  return words;
}

__attribute__((target("avx2"))) std::size_t range_words_avx2(const std::int32_t* col,
                                                             std::size_t words, std::int32_t lo,
                                                             std::uint32_t span, Word* out) {
  const __m256i low = _mm256_set1_epi32(lo);
  const __m256i flip = _mm256_set1_epi32(INT32_MIN);
  const __m256i limit = _mm256_set1_epi32(static_cast<std::int32_t>(span ^ (1U << 31)));
  for (std::size_t w = 0; w < words; ++w) {
    Word bits = 0;
    for (std::size_t j = 0; j < kWordBits / 8; ++j) {
      __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(col + w * kWordBits + j * 8));
      __m256i out_of_range =
          _mm256_cmpgt_epi32(_mm256_xor_si256(_mm256_sub_epi32(v, low), flip), limit);
      auto lanes = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(out_of_range)));
      bits |= static_cast<Word>(~lanes & 0xFFU) << (j * 8);
    }
    out[w] = bits;
  }
  return words;
}

template <class T>
void range_bits(const std::vector<T>& col, long long lo, long long hi, Bitmap& out) {
  using U = std::make_unsigned_t<T>;
  lo = std::max<long long>(lo, std::numeric_limits<T>::min());
  hi = std::min<long long>(hi, std::numeric_limits<T>::max());
  if (lo > hi) {
    std::fill(out.w.begin(), out.w.end(), 0);
    return;
  }
  auto low = static_cast<T>(lo);
  auto span = static_cast<U>(static_cast<U>(static_cast<T>(hi)) - static_cast<U>(low));
  std::size_t n = col.size();
  static const bool avx2 = __builtin_cpu_supports("avx2") != 0;
  std::size_t w = avx2 ? range_words_avx2(col.data(), n / kWordBits, low, span, out.w.data()) : 0;
  for (; w * kWordBits < n; ++w) {
    out.w[w] =
        range_word(col.data() + w * kWordBits, std::min(kWordBits, n - w * kWordBits), low, span);
  }
}

// ------------------------------------------------------------------ dimensions
// Facet dimensions in FacetDef order (make .. mileage), then drivetrain (a plain filter).
enum Dim : std::size_t {
  kMake,
  kModel,
  kBody,
  kFuel,
  kTransmission,
  kColor,
  kCondition,
  kLocation,
  kYear,
  kPrice,
  kMileage,
  kDrivetrain,
  kDims
};
constexpr std::size_t kFacets = kDrivetrain;  // dims that are facets
constexpr std::size_t kTextDims = 9;          // make .. location, then drivetrain (by column)
constexpr std::array<const char*, kFacets> kFacetNames = {
    "make",      "model",    "body_type", "fuel",  "transmission", "color",
    "condition", "location", "year",      "price", "mileage"};
constexpr int kMinYear = 1900;
// Text dims have a NULL code 0 that has no bitmap and is never counted.
constexpr bool is_text(std::size_t d) { return d < kYear || d == kDrivetrain; }
constexpr int kMaxYear = 2100;

// One dimension: a code per slot (0 = NULL), and per code its label, bitmap and count.
struct Dimension {
  std::vector<std::uint16_t> col;
  std::vector<std::string> label;  // code -> facet key ("" for 0)
  std::vector<Bitmap> bits;        // code -> slots (empty vector until first used)
  std::vector<long long> count;    // code -> visible cars (code 0 of a text dim: NULLs)
  std::unordered_map<std::string, std::uint16_t> code_of;
  bool ordered_by_code = false;  // year and buckets: output in code order, not by label

  std::uint16_t code(const std::string& value) {
    auto [it, added] = code_of.try_emplace(value, static_cast<std::uint16_t>(label.size()));
    if (added) {
      label.push_back(value);
      bits.emplace_back();
      count.push_back(0);
    }
    return it->second;
  }
  [[nodiscard]] std::optional<std::uint16_t> find(const std::string& value) const {
    auto it = code_of.find(value);
    if (it == code_of.end()) return std::nullopt;
    return it->second;
  }
};

// A vehicle as read from PostgreSQL (the columns of kSelect, in order).
struct VehicleRow {
  std::array<std::uint8_t, 16> id{};
  std::array<std::string, kTextDims> text;  // make .. location_id, drivetrain; "" = NULL
  std::array<bool, kTextDims> null{};
  int year = 0;
  long long price_cents = 0;
  long long mileage = 0;
  bool special = false;
  std::int64_t created_us = 0;  // created_at, microseconds since the epoch (its resolution)
  CardExtrasRow card;           // what its card shows beyond the columns above
};

// Generated ids differ only in a few bytes (seed_uuid), so every byte must reach the low
// bits the table indexes by: the splitmix64 finaliser over both halves.
struct IdHash {
  std::size_t operator()(const std::array<std::uint8_t, 16>& id) const {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, id.data(), 8);
    std::memcpy(&b, id.data() + 8, 8);
    std::uint64_t x = a ^ (b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2));
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<std::size_t>(x ^ (x >> 31));
  }
};

std::optional<std::array<std::uint8_t, 16>> parse_uuid(std::string_view s) {
  std::array<std::uint8_t, 16> out{};
  std::size_t n = 0;
  int half = -1;
  for (char c : s) {
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (c == '-') continue;
    if (v < 0 || n >= 16) return std::nullopt;
    if (half < 0) {
      half = v;
    } else {
      out[n++] = static_cast<std::uint8_t>(half * 16 + v);
      half = -1;
    }
  }
  if (n != 16) return std::nullopt;
  return out;
}

// Column order: id, the text dims in Dim order (make .. location, then drivetrain), numbers.
constexpr const char* kColumns =
    "id::text, make, model, body_type, fuel, transmission, color_ext, condition, "
    "location_id::text, drivetrain, year, price_current_cents, mileage, is_special, "
    "(extract(epoch from created_at) * 1000000)::bigint, "
    "title, trim, hero_image_path, price_list_cents, price_previous_cents, doors, seats, "
    "is_featured";

// An integer column's text (NOT NULL columns: PostgreSQL's own output, always well formed).
std::int64_t integer_at(PGresult* r, int row, int column) {
  const char* text = PQgetvalue(r, row, column);
  std::int64_t v = 0;
  std::from_chars(text, text + std::strlen(text), v);
  return v;
}

VehicleRow parse_vehicle(PGresult* r, int i) {
  VehicleRow row;
  if (auto id = parse_uuid(PQgetvalue(r, i, 0))) row.id = *id;
  for (std::size_t d = 0; d < kTextDims; ++d) {
    int c = static_cast<int>(d) + 1;
    row.null[d] = PQgetisnull(r, i, c) != 0;
    if (!row.null[d]) row.text[d] = PQgetvalue(r, i, c);
  }
  row.year = static_cast<int>(integer_at(r, i, 10));
  row.price_cents = integer_at(r, i, 11);
  row.mileage = integer_at(r, i, 12);
  row.special = PQgetvalue(r, i, 13)[0] == 't';
  row.created_us = integer_at(r, i, 14);
  auto text = [&](int column) -> std::optional<std::string> {
    if (PQgetisnull(r, i, column) != 0) return std::nullopt;
    return PQgetvalue(r, i, column);
  };
  auto integer = [&](int column) -> std::optional<std::int64_t> {
    if (PQgetisnull(r, i, column) != 0) return std::nullopt;
    return integer_at(r, i, column);
  };
  row.card = CardExtrasRow{.title = text(15).value_or(""),
                           .trim = text(16),
                           .hero_image_path = text(17),
                           .price_list_cents = integer(18),
                           .price_previous_cents = integer(19),
                           .doors = integer(20),
                           .seats = integer(21),
                           .is_featured = PQgetvalue(r, i, 22)[0] == 't'};
  return row;
}

std::string uuid_text(const std::array<std::uint8_t, 16>& id) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[id[i] >> 4];
    out += hex[id[i] & 15];
  }
  return out;
}

// ------------------------------------------------------------------ sort orders
// What a page can be ordered by: the four sortable columns, whose slot orders the index
// keeps, and relevance, which is per query (free text's ranks).
// body_price and model_year are no sort keys: they order each body type's cars by (price,
// id) and each make and model's by (year, id), so that a car's similar candidates are one
// binary search away (SimilarFinder).
enum class OrderBy : std::uint8_t {
  price,
  year,
  mileage,
  created,
  body_price,
  model_year,
  relevance
};
constexpr std::size_t kKeptOrders = 6;  // price .. model_year

std::optional<OrderBy> order_by(std::string_view key) {
  if (key == "price_current") return OrderBy::price;
  if (key == "year") return OrderBy::year;
  if (key == "mileage") return OrderBy::mileage;
  if (key == "created_at") return OrderBy::created;
  if (key == "relevance") return OrderBy::relevance;
  return std::nullopt;  // featured_position: not indexed (the featured list is SQL's)
}

// Per kept order, the live slots sorted by (column, id): the SQL order with its id
// tie-breaker, read forwards for ascending and backwards for descending. body_price and
// model_year sort by their group (FacetData::group) first.
using SlotOrders = std::array<std::vector<std::uint32_t>, kKeptOrders>;

// ------------------------------------------------------------------ the index data
class FacetData {
 public:
  long long version = -1;  // committed inventory version this data is current for
  // Which state of the data (FacetIndex counts them): slots handed out name the same cars
  // while it is unchanged (IndexCars).
  std::uint64_t generation = 0;
  std::string snapshot;  // pg_current_snapshot() of the last read (the change feed's cursor)
  std::chrono::steady_clock::time_point synced_at;

  FacetData() {
    // Year and bucket codes are fixed, in output order, so counts come out ordered.
    for (int y = kMinYear; y <= kMaxYear; ++y) dims_[kYear].code(std::to_string(y));
    for (std::size_t b = 0; b <= price_bucket_edges_dollars().size(); ++b)
      dims_[kPrice].code(bucket_label(price_bucket_edges_dollars(), b));
    for (std::size_t b = 0; b <= mileage_bucket_edges().size(); ++b)
      dims_[kMileage].code(bucket_label(mileage_bucket_edges(), b));
    for (auto d : {kYear, kPrice, kMileage}) dims_[d].ordered_by_code = true;
    for (std::size_t d = 0; d < kDims; ++d) {
      if (is_text(d)) dims_[d].code("");  // code 0 = NULL
    }
  }

  [[nodiscard]] std::size_t size() const { return live_count_; }

  // A car's row, new or changed. With the orders installed, a changed car moves within
  // each order (a short rotate for a small price change), a new one is inserted.
  void upsert(const VehicleRow& row) {
    auto it = slot_of_.find(row.id);
    if (it != slot_of_.end()) {
      std::uint32_t slot = it->second;
      std::array<std::size_t, kKeptOrders> at{};
      for (std::size_t k = 0; orders_ready_ && k < kKeptOrders; ++k) at[k] = position(k, slot);
      clear_slot(slot);
      fill_slot(slot, row);
      for (std::size_t k = 0; orders_ready_ && k < kKeptOrders; ++k) reposition(k, at[k]);
      return;
    }
    auto slot = static_cast<std::uint32_t>(take_slot());
    slot_of_.emplace(row.id, slot);
    fill_slot(slot, row);
    for (std::size_t k = 0; orders_ready_ && k < kKeptOrders; ++k) {
      auto& order = orders_[k];
      order.insert(order.begin() + static_cast<std::ptrdiff_t>(position(k, slot)), slot);
    }
  }

  void erase(const std::array<std::uint8_t, 16>& id) {
    auto it = slot_of_.find(id);
    if (it == slot_of_.end()) return;
    for (std::size_t k = 0; orders_ready_ && k < kKeptOrders; ++k) {
      auto& order = orders_[k];
      order.erase(order.begin() + static_cast<std::ptrdiff_t>(position(k, it->second)));
    }
    clear_slot(it->second);
    free_.push_back(it->second);
    slot_of_.erase(it);
  }

  void reserve(std::size_t n) { slot_of_.reserve(n); }

  // The orders of every live slot, sorted afresh: after a load, or a sync of many changes
  // (patching each change costs a move of up to the whole order). Const, so the index thread
  // sorts under the shared lock while requests go on, then installs the result.
  [[nodiscard]] SlotOrders sorted_orders() const {
    SlotOrders orders;
    for (std::size_t k = 0; k < kKeptOrders; ++k) {
      auto& order = orders[k];
      order.reserve(live_count_);
      for (std::size_t w = 0; w < live_.w.size(); ++w) {
        for (Word bits = live_.w[w]; bits != 0; bits &= bits - 1)
          order.push_back(static_cast<std::uint32_t>(w * kWordBits + std::countr_zero(bits)));
      }
      std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return order_less(static_cast<OrderBy>(k), a, b);
      });
    }
    return orders;
  }
  void install_orders(SlotOrders orders) {
    orders_ = std::move(orders);
    orders_ready_ = true;
  }
  // Changes are then applied without maintaining the orders; pages are sorted per request
  // until sorted_orders() is installed again.
  void drop_orders() {
    orders_ = SlotOrders{};
    orders_ready_ = false;
  }
  [[nodiscard]] bool orders_ready() const { return orders_ready_; }
  [[nodiscard]] const std::vector<std::uint32_t>& order(OrderBy by) const {
    return orders_[static_cast<std::size_t>(by)];
  }

  [[nodiscard]] std::int64_t column(OrderBy by, std::uint32_t slot) const {
    switch (by) {
      case OrderBy::price:
      case OrderBy::body_price:  // within one group (order_less compares it first)
        return price_[slot];
      case OrderBy::year:
      case OrderBy::model_year:
        return year_[slot];
      case OrderBy::mileage:
        return mileage_[slot];
      case OrderBy::created:
        return created_[slot];
      case OrderBy::relevance:
        break;
    }
    return 0;
  }
  // A car's make and model as one number (0 in either: NULL).
  [[nodiscard]] std::uint32_t model_key(std::uint32_t slot) const {
    return (std::uint32_t{dims_[kMake].col[slot]} << 16) | dims_[kModel].col[slot];
  }
  // The run of `by`'s order that a slot belongs to: its body type in body_price, its make
  // and model in model_year; the whole order (0) otherwise.
  [[nodiscard]] std::uint32_t group(OrderBy by, std::uint32_t slot) const {
    if (by == OrderBy::body_price) return dims_[kBody].col[slot];
    if (by == OrderBy::model_year) return model_key(slot);
    return 0;
  }
  // uuid order is byte order (PostgreSQL's uuid_cmp is a memcmp).
  [[nodiscard]] int compare_ids(std::uint32_t a, std::uint32_t b) const {
    return std::memcmp(id_[a].data(), id_[b].data(), id_[a].size());
  }
  [[nodiscard]] bool order_less(OrderBy by, std::uint32_t a, std::uint32_t b) const {
    if (group(by, a) != group(by, b)) return group(by, a) < group(by, b);
    std::int64_t x = column(by, a);
    std::int64_t y = column(by, b);
    return x != y ? x < y : compare_ids(a, b) < 0;
  }
  [[nodiscard]] const std::array<std::uint8_t, 16>& id(std::uint32_t slot) const {
    return id_[slot];
  }

  [[nodiscard]] IndexAnswer search(const InventoryQuery& q, const TextMatches* text) const;

  void set_locations(const std::vector<LocationLabel>& locations) {
    cards_.set_locations(locations);
  }
  // The card of each slot, in order: visit(i, card) for the i-th. The card's views live
  // until the next call.
  template <class Visit>
  void visit_cards(const std::vector<std::uint32_t>& slots, const Visit& visit) const {
    std::string id_text;
    std::string hero;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      id_text = uuid_text(id_[slots[i]]);
      visit(i, card_values(slots[i], id_text, hero));
    }
  }

  [[nodiscard]] std::optional<SimilarCandidates> similar(const std::array<std::uint8_t, 16>& id,
                                                         std::size_t limit) const;

 private:
  std::size_t take_slot() {
    if (!free_.empty()) {
      std::size_t s = free_.back();
      free_.pop_back();
      return s;
    }
    std::size_t s = slots_++;
    if (s >= capacity_) grow(capacity_ + kGrowSlots);
    return s;
  }

  // Where `slot` is in order k ((column, id) is unique, so the lower bound is the slot).
  [[nodiscard]] std::size_t position(std::size_t k, std::uint32_t slot) const {
    const auto& order = orders_[k];
    auto by = static_cast<OrderBy>(k);
    auto it =
        std::lower_bound(order.begin(), order.end(), slot,
                         [&](std::uint32_t a, std::uint32_t b) { return order_less(by, a, b); });
    return static_cast<std::size_t>(it - order.begin());
  }

  // The slot at `from` in order k has a new column value: move it to its place.
  void reposition(std::size_t k, std::size_t from) {
    auto& order = orders_[k];
    auto by = static_cast<OrderBy>(k);
    auto less = [&](std::uint32_t a, std::uint32_t b) { return order_less(by, a, b); };
    auto at = order.begin() + static_cast<std::ptrdiff_t>(from);
    std::uint32_t slot = *at;
    if (at + 1 != order.end() && less(*(at + 1), slot)) {
      std::rotate(at, at + 1, std::lower_bound(at + 1, order.end(), slot, less));
    } else if (at != order.begin() && less(slot, *(at - 1))) {
      std::rotate(std::lower_bound(order.begin(), at, slot, less), at, at + 1);
    }
  }

  // A slot's card; views into this data, `id_text` (its id) and `hero` (a buffer).
  [[nodiscard]] CardValues card_values(std::uint32_t slot, const std::string& id_text,
                                       std::string& hero) const {
    auto label = [&](Dim d) -> std::string_view { return dims_[d].label[dims_[d].col[slot]]; };
    auto optional_label = [&](Dim d) -> std::optional<std::string_view> {
      if (dims_[d].col[slot] == 0) return std::nullopt;
      return label(d);
    };
    CardValues card{.id = id_text,
                    .price_current_cents = price_[slot],
                    .year = year_[slot],
                    .mileage = mileage_[slot],
                    .make = label(kMake),
                    .model = label(kModel),
                    .fuel = label(kFuel),
                    .transmission = label(kTransmission),
                    .condition = label(kCondition),
                    .body_type = label(kBody),
                    .drivetrain = optional_label(kDrivetrain),
                    .color_ext = optional_label(kColor),
                    .is_special = special_.test(slot)};
    if (auto location = optional_label(kLocation)) card.location = cards_.location(*location);
    cards_.fill(slot, id_text, card, hero);
    return card;
  }

  void grow(std::size_t capacity) {
    capacity_ = capacity;
    std::size_t words = capacity / kWordBits;
    live_.w.resize(words, 0);
    special_.w.resize(words, 0);
    for (auto& dim : dims_) {
      dim.col.resize(capacity, 0);
      for (auto& b : dim.bits) {
        if (!b.w.empty()) {
          b.w.resize(words, 0);
          b.blocks.resize(block_words(words), 0);
        }
      }
    }
    year_.resize(capacity, 0);
    price_.resize(capacity, 0);
    mileage_.resize(capacity, 0);
    created_.resize(capacity, 0);
    id_.resize(capacity);
    scored_.resize(capacity);
    cards_.resize(capacity);
  }

  void set_code(Dim d, std::size_t slot, std::uint16_t code) {
    Dimension& dim = dims_[d];
    dim.col[slot] = code;
    if (code == 0 && is_text(d)) {  // NULL text: no bitmap, never in a facet
      ++dim.count[0];
      return;
    }
    auto& bits = dim.bits[code];
    if (bits.w.empty()) {
      bits.w.assign(capacity_ / kWordBits, 0);
      bits.blocks.assign(block_words(bits.w.size()), 0);
    }
    bits.set(slot);
    ++dim.count[code];
  }

  void fill_slot(std::size_t slot, const VehicleRow& row) {
    for (std::size_t t = 0; t < kTextDims; ++t) {
      Dim d = t < 8 ? static_cast<Dim>(t) : kDrivetrain;
      set_code(d, slot, row.null[t] ? 0 : dims_[d].code(row.text[t]));
    }
    int year = std::clamp(row.year, kMinYear, kMaxYear);
    set_code(kYear, slot, static_cast<std::uint16_t>(year - kMinYear));
    set_code(
        kPrice, slot,
        static_cast<std::uint16_t>(bucket_of(row.price_cents, price_bucket_edges_dollars(), 100)));
    set_code(kMileage, slot,
             static_cast<std::uint16_t>(bucket_of(row.mileage, mileage_bucket_edges(), 1)));
    year_[slot] = static_cast<std::int16_t>(row.year);
    price_[slot] = row.price_cents;
    mileage_[slot] = static_cast<std::int32_t>(row.mileage);
    created_[slot] = row.created_us;
    id_[slot] = row.id;
    cards_.set(slot, uuid_text(row.id), row.card);
    scored_[slot] = ScoredColumns{.price_cents = row.price_cents,
                                  .mileage = mileage_[slot],
                                  .year = year_[slot],
                                  .body = dims_[kBody].col[slot],
                                  .make = dims_[kMake].col[slot],
                                  .model = dims_[kModel].col[slot]};
    if (row.special) special_.set(slot);
    live_.set(slot);
    ++live_count_;
  }

  void clear_slot(std::size_t slot) {
    for (std::size_t d = 0; d < kDims; ++d) {
      Dimension& dim = dims_[d];
      std::uint16_t code = dim.col[slot];
      if (code == 0 && is_text(d)) {
        --dim.count[0];
        continue;
      }
      dim.bits[code].reset(slot);
      --dim.count[code];
    }
    special_.reset(slot);
    live_.reset(slot);
    --live_count_;
  }

  std::array<Dimension, kDims> dims_;
  std::vector<std::int16_t> year_;
  std::vector<std::int64_t> price_;
  std::vector<std::int32_t> mileage_;
  std::vector<std::int64_t> created_;
  std::vector<std::array<std::uint8_t, 16>> id_;
  // Per slot, what a similar-car ranking scores (SimilarFinder::scored_features), side by
  // side: a page scores ~64 scattered candidates, and reading six column arrays for each
  // was six cache misses per candidate (~2/3 of the ranking's time at 1M cars; the columns
  // above stay for search, which scans them).
  struct ScoredColumns {
    std::int64_t price_cents = 0;
    std::int32_t mileage = 0;
    std::int16_t year = 0;
    std::uint16_t body = 0, make = 0, model = 0;  // dimension codes (0: NULL)
  };
  std::vector<ScoredColumns> scored_;
  IndexCards cards_;
  SlotOrders orders_;
  bool orders_ready_ = false;
  Bitmap live_;
  Bitmap special_;
  std::unordered_map<std::array<std::uint8_t, 16>, std::uint32_t, IdHash> slot_of_;
  std::vector<std::uint32_t> free_;
  std::size_t slots_ = 0;
  std::size_t capacity_ = 0;
  std::size_t live_count_ = 0;

  friend class Counter;
  friend class Pager;
  friend class SimilarFinder;
};

// ------------------------------------------------------------------ counting
std::string json_key(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

// Free text's relevance per slot: its model's rank plus its word rank (build_inventory_sql's
// `qm.rank + coalesce(qt.rank, 0)`, in the same float4 arithmetic, so ties tie alike).
struct Relevance {
  std::unordered_map<std::uint32_t, float> model;  // make code << 16 | model code -> rank
  std::unordered_map<std::uint32_t, float> word;   // slot -> rank
};

// One request's page: the slots passing every filter (`all`), in the query's order (its sort
// keys, then id in the last key's direction, as build_inventory_sql orders), from offset.
class Pager {
 public:
  Pager(const FacetData& d, const InventoryQuery& q, const Relevance* relevance)
      : d_(d), q_(q), relevance_(relevance) {
    for (const auto& k : q.sort) keys_.push_back({*order_by(k.key), k.descending});
  }

  std::vector<std::uint32_t> page(const Bitmap& all, long long total) const {
    long long limit = q_.page_limit();
    if (limit <= 0 || total <= 0) return {};
    auto want = static_cast<std::size_t>(q_.offset() + limit);
    std::optional<std::vector<Entry>> walked;
    if (walks(total, want)) walked = walk(all, want, visit_budget(total));
    std::vector<Entry> rows = walked ? std::move(*walked) : collect(all, total);
    if (!walked || keys_.size() > 1) {  // a walk of one key is in order already
      auto end = rows.begin() + static_cast<std::ptrdiff_t>(std::min(want, rows.size()));
      auto before = [this](const Entry& a, const Entry& b) { return this->before(a, b); };
      std::nth_element(rows.begin(), end, rows.end(), before);
      std::sort(rows.begin(), end, before);
    }
    std::vector<std::uint32_t> slots;
    for (std::size_t i = static_cast<std::size_t>(q_.offset()); i < std::min(want, rows.size());
         ++i)
      slots.push_back(rows[i].slot);
    return slots;
  }

 private:
  struct Key {
    OrderBy by;
    bool descending;
  };
  struct Entry {
    std::uint32_t slot;
    float rank;
  };

  // Walking the first key's order visits about want * live / total slots when the filters
  // are independent of it; sorting the filtered set costs a few steps per member.
  [[nodiscard]] bool walks(long long total, std::size_t want) const {
    if (!d_.orders_ready() || keys_.front().by == OrderBy::relevance) return false;
    double visits =
        static_cast<double>(want) * static_cast<double>(d_.size()) / static_cast<double>(total);
    return visits < static_cast<double>(visit_budget(total));
  }
  // Filters correlated with the order break that estimate (condition=used sorted by mileage
  // walks past every new car first): a walk gives up after this many visits and the
  // filtered set is sorted instead, so a page costs at most about twice the better way.
  static std::size_t visit_budget(long long total) { return 4 * static_cast<std::size_t>(total); }

  // The first key's order, narrowed to the query's own range on that column (price_min with
  // price ascending would otherwise walk past every cheaper car), until `want` slots pass;
  // with more keys, on to the end of the last one's tie, so the others can reorder it.
  [[nodiscard]] std::optional<std::vector<Entry>> walk(const Bitmap& all, std::size_t want,
                                                       std::size_t budget) const {
    const Key first = keys_.front();
    const auto& order = d_.order(first.by);
    auto [lo, hi] = column_range(first.by);
    auto less_than = [&](std::uint32_t slot, std::int64_t v) {
      return d_.column(first.by, slot) < v;
    };
    auto begin = std::lower_bound(order.begin(), order.end(), lo, less_than);
    auto end =
        hi == INT64_MAX ? order.end() : std::lower_bound(begin, order.end(), hi + 1, less_than);
    bool ties_matter = keys_.size() > 1;
    std::vector<Entry> rows;
    rows.reserve(want);
    std::size_t visits = 0;
    bool gave_up = false;
    auto take = [&](std::uint32_t slot) {  // false: stop
      if (++visits > budget) {
        gave_up = true;
        return false;
      }
      if (!all.test(slot)) return true;
      if (rows.size() >= want &&
          (!ties_matter || d_.column(first.by, slot) != d_.column(first.by, rows.back().slot)))
        return false;
      rows.push_back({slot, rank_of(slot)});
      return true;
    };
    if (first.descending) {
      for (auto it = end; it != begin;) {
        if (!take(*--it)) break;
      }
    } else {
      for (auto it = begin; it != end; ++it) {
        if (!take(*it)) break;
      }
    }
    if (gave_up) return std::nullopt;
    return rows;
  }

  [[nodiscard]] std::vector<Entry> collect(const Bitmap& all, long long total) const {
    std::vector<Entry> rows;
    rows.reserve(static_cast<std::size_t>(total));
    for (std::size_t w = 0; w < all.w.size(); ++w) {
      for (Word bits = all.w[w]; bits != 0; bits &= bits - 1) {
        auto slot = static_cast<std::uint32_t>(w * kWordBits + std::countr_zero(bits));
        rows.push_back({slot, rank_of(slot)});
      }
    }
    return rows;
  }

  // The query's filter on `by`'s column as an inclusive range (the whole range without one).
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> column_range(OrderBy by) const {
    auto range = [](const std::optional<long long>& lo, const std::optional<long long>& hi) {
      return std::pair<std::int64_t, std::int64_t>{lo.value_or(INT64_MIN), hi.value_or(INT64_MAX)};
    };
    switch (by) {
      case OrderBy::price:
        return range(q_.price_min_cents, q_.price_max_cents);
      case OrderBy::year:
        return range(q_.year_min, q_.year_max);
      case OrderBy::mileage:
        return range(q_.mileage_min, q_.mileage_max);
      default:
        return {INT64_MIN, INT64_MAX};
    }
  }

  [[nodiscard]] float rank_of(std::uint32_t slot) const {
    if (relevance_ == nullptr) return 0;
    auto m = relevance_->model.find(d_.model_key(slot));
    auto w = relevance_->word.find(slot);
    float word = w == relevance_->word.end() ? 0.0F : w->second;
    return m == relevance_->model.end() ? word : m->second + word;
  }

  // The query's full order: each key in its direction, then id in the last key's direction.
  [[nodiscard]] bool before(const Entry& a, const Entry& b) const {
    for (const Key& k : keys_) {
      if (k.by == OrderBy::relevance) {
        if (a.rank != b.rank) return k.descending ? a.rank > b.rank : a.rank < b.rank;
        continue;
      }
      std::int64_t x = d_.column(k.by, a.slot);
      std::int64_t y = d_.column(k.by, b.slot);
      if (x != y) return k.descending ? x > y : x < y;
    }
    int c = d_.compare_ids(a.slot, b.slot);
    return keys_.back().descending ? c > 0 : c < 0;
  }

  const FacetData& d_;
  const InventoryQuery& q_;
  const Relevance* relevance_;
  std::vector<Key> keys_;
};

// One request's count: filter bitmaps, then the facets grouped by the mask they count over.
class Counter {
 public:
  Counter(const FacetData& d, const InventoryQuery& q) : d_(d), q_(q), words_(d.live_.w.size()) {}

  IndexAnswer run(const TextMatches* text) {
    Bitmap base = d_.live_;
    bool base_is_live = true;
    if (!q_.drivetrain.empty()) {
      and_into(base.w.data(), any_of(kDrivetrain, q_.drivetrain).w.data(), words_);
      base_is_live = false;
    }
    if (q_.is_special) {
      const auto& sp = d_.special_.w;
      for (std::size_t i = 0; i < words_; ++i) base.w[i] &= *q_.is_special ? sp[i] : ~sp[i];
      base_is_live = false;
    }
    Relevance relevance;
    if (text != nullptr) {
      and_into(base.w.data(), text_mask(*text, relevance).w.data(), words_);
      base_is_live = false;
    }
    std::array<std::optional<Bitmap>, kFacets> pass;
    build_filters(pass);

    // Facet d counts over base AND every active filter outside relaxed(d): its own (make
    // also relaxes model; model keeps make). Facets with the same relaxed active filters
    // share a mask.
    std::array<unsigned, kFacets> key{};
    for (std::size_t f = 0; f < kFacets; ++f) {
      unsigned relaxed = f == kMake ? (1U << kMake) | (1U << kModel) : 1U << f;
      for (std::size_t g = 0; g < kFacets; ++g) {
        if (pass[g] && (relaxed & (1U << g)) != 0) key[f] |= 1U << g;
      }
    }
    IndexAnswer out;
    std::array<std::vector<long long>, kFacets> counts;
    std::vector<bool> done(kFacets, false);
    for (std::size_t f = 0; f < kFacets; ++f) {
      if (done[f]) continue;
      std::vector<Dim> group;
      for (std::size_t g = f; g < kFacets; ++g) {
        if (!done[g] && key[g] == key[f]) {
          group.push_back(static_cast<Dim>(g));
          done[g] = true;
        }
      }
      bool any_filter = false;
      Bitmap mask = base;
      for (std::size_t g = 0; g < kFacets; ++g) {
        if (pass[g] && (key[f] & (1U << g)) == 0) {
          and_into(mask.w.data(), pass[g]->w.data(), words_);
          any_filter = true;
        }
      }
      count_group(mask, base_is_live && !any_filter, group, counts);
    }
    Bitmap all = std::move(base);
    for (const auto& p : pass) {
      if (p) and_into(all.w.data(), p->w.data(), words_);
    }
    out.total = popcount(all.w.data(), words_);
    out.facets_json = to_json(counts);
    out.page_cars = {d_.generation,
                     Pager(d_, q_, text != nullptr ? &relevance : nullptr).page(all, out.total)};
    for (std::uint32_t slot : out.page_cars.slots) out.page.push_back(uuid_text(d_.id(slot)));
    return out;
  }

 private:
  Bitmap empty() const { return Bitmap{std::vector<Word>(words_, 0)}; }

  Bitmap any_of(Dim d, const std::vector<std::string>& values) const {
    Bitmap b = empty();
    const Dimension& dim = d_.dims_[d];
    for (const auto& v : values) {
      auto code = dim.find(v);  // a value never seen matches nothing, as in SQL
      if (code && *code != 0 && !dim.bits[*code].w.empty())
        or_into(b.w.data(), dim.bits[*code].w.data(), words_);
    }
    return b;
  }

  // Every slot of the matched models (make AND model: the model dim is keyed by name alone),
  // and the full-text matches by id; their ranks go to `relevance`.
  Bitmap text_mask(const TextMatches& text, Relevance& relevance) const {
    Bitmap b = empty();
    const Dimension& makes = d_.dims_[kMake];
    const Dimension& models = d_.dims_[kModel];
    for (const auto& match : text.models) {
      auto m = makes.find(match.make);
      auto n = models.find(match.model);
      if (!m || !n || *m == 0 || *n == 0) continue;
      const auto& mb = makes.bits[*m].w;
      const auto& nb = models.bits[*n].w;
      if (mb.empty() || nb.empty()) continue;
      for (std::size_t i = 0; i < words_; ++i) b.w[i] |= mb[i] & nb[i];
      relevance.model.emplace((std::uint32_t{*m} << 16) | *n, match.rank);
    }
    relevance.word.reserve(text.words.size());
    for (const auto& match : text.words) {
      auto id = parse_uuid(match.id);
      auto it = id ? d_.slot_of_.find(*id) : d_.slot_of_.end();
      if (it == d_.slot_of_.end()) continue;
      b.set(it->second);
      relevance.word.emplace(it->second, match.rank);
    }
    return b;
  }

  void build_filters(std::array<std::optional<Bitmap>, kFacets>& pass) const {
    const std::array<const std::vector<std::string>*, 8> chosen = {
        &q_.make,         &q_.model, &q_.body_type, &q_.fuel,
        &q_.transmission, &q_.color, &q_.condition, &q_.location_id};
    for (std::size_t f = 0; f < chosen.size(); ++f) {
      if (!chosen[f]->empty()) pass[f] = any_of(static_cast<Dim>(f), *chosen[f]);
    }
    if (q_.year_min || q_.year_max) {  // few years: OR of their bitmaps
      Bitmap b = empty();
      const Dimension& dim = d_.dims_[kYear];
      long long lo = std::max<long long>(q_.year_min.value_or(kMinYear), kMinYear);
      long long hi = std::min<long long>(q_.year_max.value_or(kMaxYear), kMaxYear);
      for (long long y = lo; y <= hi; ++y) {
        const auto& bits = dim.bits[static_cast<std::size_t>(y - kMinYear)];
        if (!bits.w.empty()) or_into(b.w.data(), bits.w.data(), words_);
      }
      pass[kYear] = std::move(b);
    }
    if (q_.price_min_cents || q_.price_max_cents) {
      pass[kPrice] = empty();
      range_bits(d_.price_, q_.price_min_cents.value_or(LLONG_MIN),
                 q_.price_max_cents.value_or(LLONG_MAX), *pass[kPrice]);
    }
    if (q_.mileage_min || q_.mileage_max) {
      pass[kMileage] = empty();
      range_bits(d_.mileage_, q_.mileage_min.value_or(LLONG_MIN),
                 q_.mileage_max.value_or(LLONG_MAX), *pass[kMileage]);
    }
  }

  // Counts of every value of `group`'s dims among the slots of `mask`: the maintained totals
  // when the mask is the whole visible inventory; else, per dim, AND+popcount over the blocks
  // the mask and each value share, or (for the dims where that reads more) one pass over the
  // mask's set bits, whichever touches less memory.
  void count_group(const Bitmap& mask, bool whole, const std::vector<Dim>& group,
                   std::array<std::vector<long long>, kFacets>& counts) const {
    if (whole) {
      for (Dim d : group) counts[d] = d_.dims_[d].count;
      return;
    }
    long long members = popcount(mask.w.data(), words_);
    std::vector<Word> occupied = occupied_blocks(mask);
    // A dense AND+popcount streams one word pair per 64 slots of the shared blocks; the
    // sparse pass costs a few loads per member and dim.
    std::vector<Dim> sparse;
    std::vector<long long> shared;
    for (Dim d : group) {
      const Dimension& dim = d_.dims_[d];
      counts[d].assign(dim.label.size(), 0);
      shared.assign(dim.bits.size(), 0);
      long long words = 0;
      std::size_t widest = SIZE_MAX;  // the value sharing the most blocks with the mask
      for (std::size_t c = 0; c < dim.bits.size(); ++c) {
        if (dim.bits[c].w.empty()) continue;
        shared[c] = shared_blocks(occupied, dim.bits[c]);
        words += shared[c];
        if (widest == SIZE_MAX || shared[c] > shared[widest]) widest = c;
      }
      words *= static_cast<long long>(kBlockWords);
      if (members * 4 < words) {
        sparse.push_back(d);
        continue;
      }
      // Every member has exactly one value of a dimension without NULLs, so the widest
      // value's count is what the others leave: one bitmap fewer to read.
      bool no_nulls = !is_text(d) || dim.count[0] == 0;
      long long others = 0;
      for (std::size_t c = 0; c < dim.bits.size(); ++c) {
        if (shared[c] == 0 || (no_nulls && c == widest)) continue;
        counts[d][c] = count_in_blocks(mask, occupied, dim.bits[c]);
        others += counts[d][c];
      }
      if (no_nulls && widest != SIZE_MAX) counts[d][widest] = members - others;
    }
    if (sparse.empty()) return;
    for (std::size_t w = 0; w < words_; ++w) {
      for (Word bits = mask.w[w]; bits != 0; bits &= bits - 1) {
        std::size_t slot = w * kWordBits + static_cast<std::size_t>(std::countr_zero(bits));
        for (Dim d : sparse) ++counts[d][d_.dims_[d].col[slot]];
      }
    }
  }

  std::string to_json(const std::array<std::vector<long long>, kFacets>& counts) const {
    std::string json = "{";
    for (std::size_t f = 0; f < kFacets; ++f) {
      const Dimension& dim = d_.dims_[f];
      std::vector<std::size_t> order;
      for (std::size_t c = 0; c < counts[f].size(); ++c) {
        bool null_code = c == 0 && is_text(f);
        if (!null_code && counts[f][c] > 0) order.push_back(c);
      }
      if (!dim.ordered_by_code) {
        std::sort(order.begin(), order.end(),
                  [&](std::size_t a, std::size_t b) { return dim.label[a] < dim.label[b]; });
      }
      if (f > 0) json += ',';
      json.append("\"").append(kFacetNames[f]).append("\":{");
      for (std::size_t i = 0; i < order.size(); ++i) {
        if (i > 0) json += ',';
        json.append(json_key(dim.label[order[i]]))
            .append(":")
            .append(std::to_string(counts[f][order[i]]));
      }
      json += '}';
    }
    json += '}';
    return json;
  }

  const FacetData& d_;
  const InventoryQuery& q_;
  std::size_t words_;
};

IndexAnswer FacetData::search(const InventoryQuery& q, const TextMatches* text) const {
  return Counter(*this, q).run(text);
}

// ------------------------------------------------------------------ similar candidates
// The same four windows as similar_vehicles.cpp's SQL (which orders ties on id likewise, so
// both give the same candidates): the 24 nearest prices at or above the car's and the 24
// below, of its body type, within domain::similar_candidate_window; the 8 nearest model
// years at or above its own and the 8 below, of its make and model.
constexpr std::size_t kNearestPrices = 24;
constexpr std::size_t kNearestYears = 8;

class SimilarFinder {
 public:
  SimilarFinder(const FacetData& d, std::uint32_t target) : d_(d), t_(target) {}

  std::vector<std::uint32_t> candidates() const {
    std::vector<std::uint32_t> out;
    auto window = domain::similar_candidate_window(features(t_));
    if (code(kBody, t_) != 0) {  // NULL matches nothing, as in SQL
      auto in_years = [&](std::uint32_t s) {
        return d_.year_[s] >= window.year_min && d_.year_[s] <= window.year_max;
      };
      nearest(OrderBy::body_price, d_.price_[t_], window.price_min.count(),
              window.price_max.count(), kNearestPrices, in_years, out);
    }
    if (code(kMake, t_) != 0 && code(kModel, t_) != 0) {
      auto any = [](std::uint32_t) { return true; };
      nearest(OrderBy::model_year, d_.year_[t_], INT64_MIN, INT64_MAX, kNearestYears, any, out);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  [[nodiscard]] domain::VehicleFeatures features(std::uint32_t s) const {
    domain::VehicleFeatures f;
    f.id = uuid_text(d_.id_[s]);
    scored_features(s, f);
    return f;
  }

  void prefetch_features(std::uint32_t s) const { __builtin_prefetch(&d_.scored_[s]); }

  // What similarity_score reads (everything but the id), into `f`, reusing its strings.
  void scored_features(std::uint32_t s, domain::VehicleFeatures& f) const {
    const auto& c = d_.scored_[s];
    f.price = domain::Cents{c.price_cents};
    f.year = c.year;
    f.body_type = d_.dims_[kBody].label[c.body];
    f.make = d_.dims_[kMake].label[c.make];
    f.model = d_.dims_[kModel].label[c.model];
    f.mileage = c.mileage;
  }

  // The `limit` best of `slots` in domain::rank_similar's order (score, then id), so that
  // ranking them again there gives the same cars. Only these get their id as text: building
  // every candidate's features was ~10% of a vehicle page's server time.
  std::vector<std::uint32_t> best(std::vector<std::uint32_t> slots,
                                  const domain::VehicleFeatures& target, std::size_t limit) const {
    // The features are read at ~64 scattered slots: request every line first, so that the
    // cache misses overlap instead of waiting one after another.
    for (std::uint32_t s : slots) prefetch_features(s);
    std::vector<std::pair<double, std::uint32_t>> scored;
    scored.reserve(slots.size());
    domain::VehicleFeatures scratch;
    for (std::uint32_t s : slots) {
      scored_features(s, scratch);
      scored.emplace_back(domain::similarity_score(target, scratch), s);
    }
    // Ids as bytes order like their lowercase hex text, which rank_similar compares.
    auto better = [this](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : d_.compare_ids(a.second, b.second) < 0;
    };
    auto n = static_cast<std::ptrdiff_t>(std::min(limit, scored.size()));
    std::partial_sort(scored.begin(), scored.begin() + n, scored.end(), better);
    slots.clear();
    for (std::ptrdiff_t i = 0; i < n; ++i)
      slots.push_back(scored[static_cast<std::size_t>(i)].second);
    return slots;
  }

 private:
  [[nodiscard]] std::uint16_t code(Dim d, std::uint32_t s) const { return d_.dims_[d].col[s]; }

  // Within the target's run of `by` (its body type's cars by price, or its make and model's
  // by year; each sorted by (column, id)): up to `limit` cars passing `fits` from the target's
  // value upwards while the column is <= hi, and up to `limit` below it while it is >= lo,
  // nearest first, the target itself skipped. "Upwards" starts at the run's first car with
  // the target's value, whatever its id, as the SQL's `column >= target` does. (Until
  // session 8 these walked the global price and year orders skipping other body types and
  // models: ~11% of a vehicle page's server CPU at 1M.)
  template <class Fits>
  void nearest(OrderBy by, std::int64_t value, std::int64_t lo, std::int64_t hi, std::size_t limit,
               const Fits& fits, std::vector<std::uint32_t>& out) const {
    const auto& order = d_.order(by);
    const std::uint32_t run = d_.group(by, t_);
    auto in_run = [&](std::uint32_t s) { return d_.group(by, s) == run; };
    auto at =
        std::lower_bound(order.begin(), order.end(), value, [&](std::uint32_t s, std::int64_t v) {
          return d_.group(by, s) != run ? d_.group(by, s) < run : d_.column(by, s) < v;
        });
    std::size_t taken = 0;
    for (auto it = at;
         it != order.end() && taken < limit && in_run(*it) && d_.column(by, *it) <= hi; ++it) {
      if (*it != t_ && fits(*it)) {
        out.push_back(*it);
        ++taken;
      }
    }
    taken = 0;
    for (auto it = at; it != order.begin() && taken < limit;) {
      --it;
      if (!in_run(*it) || d_.column(by, *it) < lo) break;
      if (*it != t_ && fits(*it)) {
        out.push_back(*it);
        ++taken;
      }
    }
  }

  const FacetData& d_;
  std::uint32_t t_;
};

std::optional<SimilarCandidates> FacetData::similar(const std::array<std::uint8_t, 16>& id,
                                                    std::size_t limit) const {
  auto it = slot_of_.find(id);
  if (it == slot_of_.end() || !orders_ready_) return std::nullopt;
  SimilarFinder finder(*this, it->second);
  SimilarCandidates out;
  out.target = finder.features(it->second);
  out.candidate_cars.generation = generation;
  for (std::uint32_t s : finder.best(finder.candidates(), out.target, limit)) {
    out.candidates.push_back(finder.features(s));
    out.candidate_cars.slots.push_back(s);
  }
  return out;
}

// ------------------------------------------------------------------ loading and syncing
bool command_ok(PGresult* r, ExecStatusType want) {
  bool good = PQresultStatus(r) == want;
  PQclear(r);
  return good;
}

// The locations a card may show, as anon sees them (active ones only), in the open
// transaction with role anon set. Nullopt when the read fails.
std::optional<std::vector<LocationLabel>> read_locations(PGconn* c) {
  PGresult* r = PQexec(c, "select id::text, city, state from public.locations");
  std::optional<std::vector<LocationLabel>> out;
  if (PQresultStatus(r) == PGRES_TUPLES_OK) {
    out.emplace();
    for (int i = 0; i < PQntuples(r); ++i)
      out->push_back({PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2)});
  }
  PQclear(r);
  return out;
}

// A full read only after this long without a sync: the change feed keeps a day of rows.
constexpr auto kMaxSyncGap = std::chrono::hours(1);
// A sync of more changes sorts the orders afresh instead of moving each change within them
// (an insert or delete moves half an order on average: ~1 ms per change at 1M cars).
constexpr std::size_t kPatchOrdersUpTo = 64;

class FacetIndex {
 public:
  explicit FacetIndex(std::string url)
      : url_(std::move(url)), thread_([this](const std::stop_token& st) { run(st); }) {}

  ~FacetIndex() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    if (conn_ != nullptr) PQfinish(conn_);
  }
  FacetIndex(const FacetIndex&) = delete;
  FacetIndex& operator=(const FacetIndex&) = delete;

  // Runs `f(data)` under the shared lock when the data is current for `version`.
  template <class F>
  auto with_current(long long version, const F& f) const
      -> std::optional<std::invoke_result_t<F, const FacetData&>> {
    std::shared_lock lock(mu_);
    if (!data_ || data_->version != version) return std::nullopt;
    return f(*data_);
  }
  // The same when the data is still in the state `generation` (IndexCars).
  template <class F>
  auto with_generation(std::uint64_t generation, const F& f) const
      -> std::optional<std::invoke_result_t<F, const FacetData&>> {
    std::shared_lock lock(mu_);
    if (!data_ || data_->generation != generation) return std::nullopt;
    return f(*data_);
  }

  [[nodiscard]] std::size_t size() const {
    std::shared_lock lock(mu_);
    return data_ ? data_->size() : 0;
  }

 private:
  void run(const std::stop_token& st) {
    while (!st.stop_requested()) {
      auto wanted = committed_inventory_version(url_);
      long long have = -1;
      bool stale = true;
      {
        std::shared_lock lock(mu_);
        if (data_) {
          have = data_->version;
          stale = std::chrono::steady_clock::now() - data_->synced_at > kMaxSyncGap;
        }
      }
      if (wanted && have != *wanted) {
        bool ok = have >= 0 && !stale ? sync(*wanted) : false;
        if (!ok) ok = reload(*wanted);
        if (ok) continue;  // the version may have moved on meanwhile
        drop_connection();
      }
      for (int i = 0; i < 2 && !st.stop_requested(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  PGconn* connection() {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return conn_;
    drop_connection();
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      log::warn("facet index cannot connect; facets come from SQL", {});
      drop_connection();
    }
    return conn_;
  }
  void drop_connection() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
  }

  // Opens the read transaction and returns its snapshot (the next sync's starting point).
  std::optional<std::string> begin(PGconn* c) {
    if (!command_ok(PQexec(c, "begin isolation level repeatable read read only"), PGRES_COMMAND_OK))
      return std::nullopt;
    PGresult* r = PQexec(c, "select pg_current_snapshot()::text");
    std::optional<std::string> snap;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) snap = PQgetvalue(r, 0, 0);
    PQclear(r);
    return snap;
  }

  // Everything, labelled with the version committed before the read began: the rows read
  // are at least that fresh (a later commit bumps the version again and is synced next).
  // The old data is dropped first: two copies of a million-row index would double the RSS,
  // and a stale index is not used anyway.
  bool reload(long long version) {
    {
      std::unique_lock lock(mu_);
      data_.reset();
    }
    PGconn* c = connection();
    if (c == nullptr) return false;
    auto snap = begin(c);
    auto fresh = std::make_unique<FacetData>();
    // In (make, model, year) order, so those values' slots cluster in few blocks (Bitmap).
    std::string declare = std::string("declare facet_rows no scroll cursor for select ") +
                          kColumns +
                          " from public.vehicles where visible order by make, model, year";
    bool ok = snap && command_ok(PQexec(c, "set local role anon"), PGRES_COMMAND_OK) &&
              command_ok(PQexec(c, declare.c_str()), PGRES_COMMAND_OK);
    while (ok) {
      PGresult* r = PQexec(c, "fetch 50000 from facet_rows");
      ok = PQresultStatus(r) == PGRES_TUPLES_OK;
      int n = ok ? PQntuples(r) : 0;
      if (ok && fresh->size() == 0) fresh->reserve(static_cast<std::size_t>(n) * 4);
      for (int i = 0; i < n; ++i) fresh->upsert(parse_vehicle(r, i));
      PQclear(r);
      if (n == 0) break;
    }
    auto locations = ok ? read_locations(c) : std::nullopt;
    ok = locations.has_value() && command_ok(PQexec(c, "commit"), PGRES_COMMAND_OK);
    if (!ok) {
      log::warn("facet index load failed; facets come from SQL", {});
      return false;
    }
    fresh->set_locations(*locations);
    fresh->install_orders(fresh->sorted_orders());
    fresh->generation = ++generations_;
    fresh->version = version;
    fresh->snapshot = *snap;
    fresh->synced_at = std::chrono::steady_clock::now();
    log::info("facet index loaded", {{"rows", fresh->size()}, {"version", version}});
    {
      std::unique_lock lock(mu_);
      data_ = std::move(fresh);
    }
    // The load's transient memory (result batches, rows, the vectors' old copies as they
    // grew) is free but kept by malloc; give it back, or RSS keeps ~50 MB more at 1M cars.
    malloc_trim(0);
    return true;
  }

  // Only the vehicles changed since the last read: their current visible rows replace
  // their slots; those no longer visible (hidden, deleted) leave. False = reload instead
  // (a bulk load or truncate left a marker, or the read failed).
  bool sync(long long version) {
    PGconn* c = connection();
    if (c == nullptr) return false;
    std::string since;
    {
      std::shared_lock lock(mu_);
      since = data_->snapshot;
    }
    auto snap = begin(c);
    if (!snap || !command_ok(PQexec(c, "set local role service_role"), PGRES_COMMAND_OK)) {
      (void)command_ok(PQexec(c, "rollback"), PGRES_COMMAND_OK);
      return false;
    }
    const char* changes_params[] = {since.c_str()};
    PGresult* r = PQexecParams(c, "select vehicle_id::text from public.vehicle_changes_since($1)",
                               1, nullptr, changes_params, nullptr, nullptr, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    std::vector<std::array<std::uint8_t, 16>> changed;
    std::string id_array = "{";
    for (int i = 0; ok && i < PQntuples(r); ++i) {
      auto id = PQgetisnull(r, i, 0) != 0 ? std::nullopt : parse_uuid(PQgetvalue(r, i, 0));
      if (!id) ok = false;  // the reload marker
      if (!ok) break;
      changed.push_back(*id);
      if (id_array.size() > 1) id_array += ',';
      id_array += PQgetvalue(r, i, 0);
    }
    id_array += '}';
    PQclear(r);
    std::vector<VehicleRow> rows;
    ok = ok && command_ok(PQexec(c, "set local role anon"), PGRES_COMMAND_OK);
    // Locations change without a vehicle changing (a city renamed, one closed): every sync
    // reads them again, a few rows.
    auto locations = ok ? read_locations(c) : std::nullopt;
    ok = ok && locations.has_value();
    if (ok && !changed.empty()) {
      std::string select = std::string("select ") + kColumns +
                           " from public.vehicles where visible and id = any($1::uuid[])";
      const char* rows_params[] = {id_array.c_str()};
      r = ok ? PQexecParams(c, select.c_str(), 1, nullptr, rows_params, nullptr, nullptr, 0)
             : nullptr;
      ok = ok && PQresultStatus(r) == PGRES_TUPLES_OK;
      for (int i = 0; ok && i < PQntuples(r); ++i) rows.push_back(parse_vehicle(r, i));
      PQclear(r);
    }
    ok = command_ok(PQexec(c, ok ? "commit" : "rollback"), PGRES_COMMAND_OK) && ok;
    if (!ok) return false;
    bool resort = changed.size() > kPatchOrdersUpTo;
    // Cars still visible are upserted in place (a price change moves the car within each
    // order by a short rotate); only those gone (hidden, deleted) are erased.
    std::unordered_set<std::array<std::uint8_t, 16>, IdHash> still_visible;
    for (const auto& row : rows) still_visible.insert(row.id);
    {
      std::unique_lock lock(mu_);
      if (resort) data_->drop_orders();
      for (const auto& id : changed) {
        if (!still_visible.contains(id)) data_->erase(id);
      }
      for (const auto& row : rows) data_->upsert(row);
      data_->set_locations(*locations);
      data_->generation = ++generations_;
      data_->version = version;
      data_->snapshot = *snap;
      data_->synced_at = std::chrono::steady_clock::now();
    }
    if (resort) {  // only this thread writes the data: sort it while requests read it
      SlotOrders orders;
      {
        std::shared_lock lock(mu_);
        orders = data_->sorted_orders();
      }
      std::unique_lock lock(mu_);
      data_->install_orders(std::move(orders));
    }
    log::debug("facet index synced", {{"changed", changed.size()}, {"version", version}});
    return true;
  }

  std::string url_;
  PGconn* conn_ = nullptr;  // the index thread's own connection
  mutable std::shared_mutex mu_;
  std::unique_ptr<FacetData> data_;
  std::uint64_t generations_ = 0;  // states of data_ so far (only the index thread counts)
  std::jthread thread_;            // last: starts once the members above exist
};

FacetIndex& index_for(const std::string& database_url) {
  static std::once_flag once;
  static std::unique_ptr<FacetIndex> index;
  std::call_once(once, [&] { index = std::make_unique<FacetIndex>(database_url); });
  return *index;
}

// Counting a few thousand rows is cheaper than the hop to another thread and back.
constexpr std::size_t kOffloadAbove = 50000;

boost::asio::thread_pool& facet_pool() {
  static boost::asio::thread_pool pool(2);
  return pool;
}

}  // namespace

bool index_can_sort(const std::vector<SortKey>& sort) {
  return !sort.empty() && std::all_of(sort.begin(), sort.end(),
                                      [](const SortKey& k) { return order_by(k.key).has_value(); });
}

std::optional<IndexAnswer> search_index(const std::string& database_url, long long version,
                                        const InventoryQuery& q, const TextMatches* text) {
  if (!index_can_sort(q.sort)) return std::nullopt;
  auto answer = [&](const FacetData& d) {
    if (!log::enabled(log::Level::debug)) return d.search(q, text);
    auto t0 = std::chrono::steady_clock::now();
    auto result = d.search(q, text);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - t0);
    log::debug("search answered from the index", {{"us", us.count()}, {"rows", d.size()}});
    return result;
  };
  return index_for(database_url).with_current(version, answer);
}

std::optional<SimilarCandidates> similar_candidates_from_index(const std::string& database_url,
                                                               long long version,
                                                               std::string_view vehicle_id,
                                                               std::size_t limit) {
  auto id = parse_uuid(vehicle_id);
  if (!id) return std::nullopt;
  auto similar = [&](const FacetData& d) { return d.similar(*id, limit); };
  auto found = index_for(database_url).with_current(version, similar);
  if (!found) return std::nullopt;
  return std::move(*found);
}

bool append_public_cards(std::string& out, const std::string& database_url, const IndexCars& cars,
                         const MediaUrls& urls, const CardExtraMembers& extra) {
  auto write = [&](const FacetData& d) {
    json_text::Writer w(out);
    w.begin_array();
    d.visit_cards(cars.slots, [&](std::size_t i, const CardValues& card) {
      append_card(w.raw_value(), card, urls, extra ? extra(i) : std::string_view{});
    });
    w.end_array();
    return true;
  };
  return index_for(database_url).with_generation(cars.generation, write).has_value();
}

bool facet_index_current(const std::string& database_url, long long version) {
  auto yes = [](const FacetData&) { return true; };
  return index_for(database_url).with_current(version, yes).has_value();
}

boost::asio::awaitable<std::optional<IndexAnswer>> search_index(http::Request& req,
                                                                long long version,
                                                                const InventoryQuery& q,
                                                                const TextMatches* text) {
  const std::string& url = req.services->config.database_url;
  if (index_for(url).size() <= kOffloadAbove) co_return search_index(url, version, q, text);
  // Not a coroutine lambda (g++ 12): a plain initiation posts the work to the pool and the
  // result back to this request's I/O thread.
  using Result = std::optional<IndexAnswer>;
  auto initiation = [&url, version, &q, text, io = req.services->io.get_executor()](auto handler) {
    boost::asio::post(
        facet_pool(), [&url, version, &q, text, io, handler = std::move(handler)]() mutable {
          std::exception_ptr error;
          Result result;
          try {
            result = search_index(url, version, q, text);
          } catch (...) {
            error = std::current_exception();
          }
          boost::asio::post(
              io, [handler = std::move(handler), error, result = std::move(result)]() mutable {
                std::move(handler)(error, std::move(result));
              });
        });
  };
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>,
                                                 void(std::exception_ptr, Result)>(
      std::move(initiation), boost::asio::use_awaitable);
}

}  // namespace forecourt::api
