#pragma once
// Money and rates as exact integers. Prices, payments and taxes must be exact to the cent,
// so nothing here (or in any formula built on it) stores a binary floating-point amount.
#include <boost/json/fwd.hpp>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace forecourt::domain {

// An amount of money in cents (USD and every two-decimal currency).
class Cents {
 public:
  constexpr Cents() = default;
  constexpr explicit Cents(std::int64_t cents) : cents_(cents) {}
  static constexpr Cents dollars(std::int64_t whole) { return Cents{whole * 100}; }

  [[nodiscard]] constexpr std::int64_t count() const { return cents_; }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend constexpr auto operator<=>(Cents, Cents) = default;
  friend constexpr Cents operator+(Cents a, Cents b) { return Cents{a.cents_ + b.cents_}; }
  friend constexpr Cents operator-(Cents a, Cents b) { return Cents{a.cents_ - b.cents_}; }
  friend constexpr Cents operator-(Cents a) { return Cents{-a.cents_}; }
  friend constexpr Cents operator*(Cents a, std::int64_t k) { return Cents{a.cents_ * k}; }
  constexpr Cents& operator+=(Cents b) { return *this = *this + b; }
  constexpr Cents& operator-=(Cents b) { return *this = *this - b; }

 private:
  std::int64_t cents_ = 0;
};

// The largest amount accepted from outside, 9,999,999,999.99: the range of the database's
// numeric(12,2) columns. Sums of a few such amounts (price + tax + fees...) stay far from
// int64 overflow, so the arithmetic after validation needs no overflow checks.
inline constexpr Cents kMaxMoney{999'999'999'999};

enum class Sign { non_negative, any };

// "19500", "19500.5", "19500.50" (and "-12.34" when `sign` is any). At most two decimals:
// text is exact, so a third decimal is refused rather than silently rounded. No spaces,
// no '+', no thousands separators, no exponent. `field` is copied into the Problem.
Result<Cents> parse_money(std::string_view text, std::string_view field = {},
                          Sign sign = Sign::non_negative);

// "19500.00", "-0.05": always two decimals, '.' separator, no grouping.
std::string format_money(Cents amount);

// A JSON amount: an integer (whole dollars), a double (rounded half away from zero to the
// cent, see money.cpp for why this is exact), or a decimal string (as parse_money).
Result<Cents> money_from_json(const boost::json::value& json, std::string_view field = {},
                              Sign sign = Sign::non_negative);

// A rate in millionths (parts per million) of the whole: 6.9% = 0.069 = 69'000. Four
// decimals of a percent are exact, which covers every APR and sales-tax rate in use
// (8.875% = 88'750).
class Rate {
 public:
  constexpr Rate() = default;
  static constexpr Rate from_ppm(std::int64_t ppm) { return Rate{ppm}; }
  static constexpr Rate percent(std::int64_t whole_percent) { return Rate{whole_percent * 10'000}; }

  [[nodiscard]] constexpr std::int64_t ppm() const { return ppm_; }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend constexpr auto operator<=>(Rate, Rate) = default;

 private:
  constexpr explicit Rate(std::int64_t ppm) : ppm_(ppm) {}
  std::int64_t ppm_ = 0;
};

// The largest rate accepted from outside (1000%); domain rules narrow it (APR <= 40%).
inline constexpr Rate kMaxRate = Rate::percent(1000);

// A percentage as text: "6.9" -> 6.9%. At most four decimals, non-negative.
Result<Rate> parse_percent(std::string_view text, std::string_view field = {});

// A percentage from JSON: integer, double (rounded half away from zero to 4 decimals of a
// percent) or decimal string.
Result<Rate> percent_from_json(const boost::json::value& json, std::string_view field = {});

// "6.9", "0", "8.875": the shortest exact form, for echoing inputs back.
std::string format_percent(Rate rate);

// amount x rate, rounded half away from zero to the cent (sales tax, spreads). Exact for
// |amount| <= kMaxMoney and rate <= kMaxRate.
Cents apply_rate(Cents amount, Rate rate);

}  // namespace forecourt::domain
