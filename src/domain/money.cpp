#include "domain/money.hpp"

#include <algorithm>
#include <array>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace forecourt::domain {
namespace {

constexpr int kCentDecimals = 2;
constexpr int kPercentDecimals = 4;  // 1 ppm = 0.0001 percent
constexpr std::int64_t kPpm = 1'000'000;

// What can go wrong turning a decimal into a scaled integer; mapped to a Problem by the
// caller, which knows whether it reads money or a percentage.
enum class DecimalError { none, format, decimals, range, negative };

struct Scaled {
  std::int64_t value = 0;
  DecimalError error = DecimalError::none;
};

struct ScaleSpec {
  int decimals;          // digits after the point that the integer keeps
  std::int64_t max_abs;  // in scaled units
  bool allow_negative;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// value * 10 + digit, refusing to pass max_abs (which is far below INT64_MAX).
bool push_digit(std::int64_t& value, int digit, std::int64_t max_abs) {
  if (value > (max_abs - digit) / 10) return false;
  value = value * 10 + digit;
  return true;
}

Scaled fail(DecimalError e) { return Scaled{0, e}; }

// ['-'] digit+ ['.' digit+], at most spec.decimals after the point.
Scaled parse_scaled(std::string_view text, const ScaleSpec& spec) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const auto point = text.find('.');
  const auto whole = text.substr(0, point);
  const auto frac = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  const auto all_digits = [](std::string_view s) {
    for (char c : s) {
      if (!is_digit(c)) return false;
    }
    return !s.empty();
  };
  if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(frac))) {
    return fail(DecimalError::format);
  }
  if (frac.size() > static_cast<std::size_t>(spec.decimals)) return fail(DecimalError::decimals);
  if (negative && !spec.allow_negative) return fail(DecimalError::negative);
  std::int64_t value = 0;
  for (char c : whole) {
    if (!push_digit(value, c - '0', spec.max_abs)) return fail(DecimalError::range);
  }
  for (int i = 0; i < spec.decimals; ++i) {
    const auto pos = static_cast<std::size_t>(i);
    const int digit = pos < frac.size() ? frac[pos] - '0' : 0;
    if (!push_digit(value, digit, spec.max_abs)) return fail(DecimalError::range);
  }
  return Scaled{negative ? -value : value, DecimalError::none};
}

// Why doubles round correctly here: a JSON number like 19500.505 arrives as the double
// nearest to it, slightly below or above. Its shortest round-trip decimal form (to_chars)
// gives back the text the client wrote, "1.9500505e+04" (guaranteed for up to 15
// significant digits), so rounding that decimal half away from zero gives 19500.51, as a
// person would, instead of depending on which side of the decimal the binary value fell.
Scaled scaled_from_double(double d, const ScaleSpec& spec) {
  if (!std::isfinite(d)) return fail(DecimalError::format);
  if (d < 0 && !spec.allow_negative) return fail(DecimalError::negative);
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), std::fabs(d),
                                 std::chars_format::scientific);
  const std::string_view text(buf.data(), static_cast<std::size_t>(res.ptr - buf.data()));
  const auto e_pos = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e_pos)) {
    if (is_digit(c)) digits.push_back(c);
  }
  auto exp_text = text.substr(e_pos + 1);  // "+04", "-05": from_chars takes no '+'
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  int exponent = 0;
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  // d = digits * 10^(exponent - (len - 1)); scaled = d * 10^decimals = digits * 10^shift.
  const int shift = exponent - static_cast<int>(digits.size()) + 1 + spec.decimals;
  const int keep = static_cast<int>(digits.size()) + shift;  // digits left of the cut
  std::int64_t value = 0;
  for (int i = 0; i < std::max(keep, 0); ++i) {
    const auto pos = static_cast<std::size_t>(i);
    const int digit = pos < digits.size() ? digits[pos] - '0' : 0;
    if (!push_digit(value, digit, spec.max_abs)) return fail(DecimalError::range);
  }
  // The first dropped digit decides: >= 5 means at least half a unit, so away from zero.
  const bool round_up = keep >= 0 && static_cast<std::size_t>(keep) < digits.size() &&
                        digits[static_cast<std::size_t>(keep)] >= '5';
  if (round_up) ++value;  // value <= max_abs here, far from overflow
  if (value > spec.max_abs) return fail(DecimalError::range);
  return Scaled{d < 0 ? -value : value, DecimalError::none};
}

Scaled scaled_from_json(const boost::json::value& json, const ScaleSpec& spec, bool& type_ok) {
  type_ok = true;
  std::int64_t unit = 1;
  for (int i = 0; i < spec.decimals; ++i) unit *= 10;
  if (const auto* i = json.if_int64()) {
    if (*i < 0 && !spec.allow_negative) return fail(DecimalError::negative);
    if (*i > spec.max_abs / unit || *i < -(spec.max_abs / unit)) return fail(DecimalError::range);
    return Scaled{*i * unit, DecimalError::none};
  }
  if (const auto* u = json.if_uint64()) {
    if (*u > static_cast<std::uint64_t>(spec.max_abs / unit)) return fail(DecimalError::range);
    return Scaled{static_cast<std::int64_t>(*u) * unit, DecimalError::none};
  }
  if (const auto* d = json.if_double()) return scaled_from_double(*d, spec);
  if (const auto* s = json.if_string()) return parse_scaled(std::string_view(*s), spec);
  type_ok = false;
  return fail(DecimalError::format);
}

Problem money_problem(DecimalError e, std::string_view field) {
  const std::string f(field);
  switch (e) {
    case DecimalError::decimals:
      return Problem{"too_many_decimals", "An amount has at most two decimals (cents).", f};
    case DecimalError::range:
      return Problem{"out_of_range", "The amount is larger than " + format_money(kMaxMoney) + ".",
                     f};
    case DecimalError::negative:
      return Problem{"out_of_range", "The amount must not be negative.", f};
    default:
      return Problem{"invalid_money", "An amount is a decimal number such as 19500 or 19500.50.",
                     f};
  }
}

Problem percent_problem(DecimalError e, std::string_view field) {
  const std::string f(field);
  switch (e) {
    case DecimalError::decimals:
      return Problem{"too_many_decimals", "A percentage has at most four decimals.", f};
    case DecimalError::range:
      return Problem{"out_of_range", "The percentage is larger than 1000.", f};
    case DecimalError::negative:
      return Problem{"out_of_range", "The percentage must not be negative.", f};
    default:
      return Problem{"invalid_percent", "A percentage is a decimal number such as 6.9.", f};
  }
}

ScaleSpec money_spec(Sign sign) {
  return ScaleSpec{kCentDecimals, kMaxMoney.count(), sign == Sign::any};
}

constexpr ScaleSpec kPercentSpec{kPercentDecimals, kMaxRate.ppm(), false};

}  // namespace

Result<Cents> parse_money(std::string_view text, std::string_view field, Sign sign) {
  const auto s = parse_scaled(text, money_spec(sign));
  if (s.error != DecimalError::none) return money_problem(s.error, field);
  return Cents{s.value};
}

Result<Cents> money_from_json(const boost::json::value& json, std::string_view field, Sign sign) {
  bool type_ok = true;
  const auto s = scaled_from_json(json, money_spec(sign), type_ok);
  if (!type_ok) {
    return Problem{"invalid_money", "An amount is a number or a decimal string.",
                   std::string(field)};
  }
  if (s.error != DecimalError::none) return money_problem(s.error, field);
  return Cents{s.value};
}

std::string format_money(Cents amount) {
  const std::int64_t v = amount.count();
  // Through unsigned so that INT64_MIN has a magnitude too.
  const std::uint64_t mag =
      v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::string out = v < 0 ? "-" : "";
  out += std::to_string(mag / 100);
  out += '.';
  out += static_cast<char>('0' + mag % 100 / 10);
  out += static_cast<char>('0' + mag % 10);
  return out;
}

Result<Rate> parse_percent(std::string_view text, std::string_view field) {
  const auto s = parse_scaled(text, kPercentSpec);
  if (s.error != DecimalError::none) return percent_problem(s.error, field);
  return Rate::from_ppm(s.value);
}

Result<Rate> percent_from_json(const boost::json::value& json, std::string_view field) {
  bool type_ok = true;
  const auto s = scaled_from_json(json, kPercentSpec, type_ok);
  if (!type_ok) {
    return Problem{"invalid_percent", "A percentage is a number or a decimal string.",
                   std::string(field)};
  }
  if (s.error != DecimalError::none) return percent_problem(s.error, field);
  return Rate::from_ppm(s.value);
}

std::string format_percent(Rate rate) {
  const std::int64_t ppm = rate.ppm();
  const std::uint64_t mag =
      ppm < 0 ? 0 - static_cast<std::uint64_t>(ppm) : static_cast<std::uint64_t>(ppm);
  std::string out = ppm < 0 ? "-" : "";
  out += std::to_string(mag / 10'000);
  std::string frac = std::to_string(mag % 10'000 + 10'000).substr(1);  // 4 digits, zero-padded
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += '.' + frac;
  return out;
}

Cents apply_rate(Cents amount, Rate rate) {
  // Split the amount so no product exceeds ~1e13: exact without 128-bit integers.
  const std::int64_t a = std::llabs(amount.count());
  const std::int64_t r = std::llabs(rate.ppm());
  const std::int64_t hi = a / kPpm;
  const std::int64_t lo = a % kPpm;
  const std::int64_t mag = hi * r + (lo * r + kPpm / 2) / kPpm;
  return Cents{(amount.count() < 0) != (rate.ppm() < 0) ? -mag : mag};
}

}  // namespace forecourt::domain
