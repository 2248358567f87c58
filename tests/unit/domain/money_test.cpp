#include "domain/money.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

#include "printers.hpp"

namespace forecourt::domain {
namespace {

namespace json = boost::json;

std::int64_t cents_of(std::string_view text, Sign sign = Sign::non_negative) {
  auto r = parse_money(text, "amount", sign);
  EXPECT_TRUE(r.ok()) << text << ": " << r.problem().detail;
  return r.ok() ? r->count() : -999;
}

std::string code_of(std::string_view text, Sign sign = Sign::non_negative) {
  auto r = parse_money(text, "amount", sign);
  return r.ok() ? "ok" : r.problem().code;
}

TEST(DomainMoney, CentsArithmeticAndComparison) {
  constexpr Cents a{1'050};
  constexpr Cents b = Cents::dollars(2);
  static_assert((a + b).count() == 1'250);
  static_assert((a - b).count() == 850);
  static_assert((-a).count() == -1'050);
  static_assert((a * 3).count() == 3'150);
  static_assert(a > b && b < a && a != b && Cents{} == Cents{0});
  Cents c = a;
  c += b;
  EXPECT_EQ(c.count(), 1'250);
  c -= a;
  EXPECT_EQ(c, b);
}

TEST(DomainMoney, ParsesWholeAndDecimalAmounts) {
  EXPECT_EQ(cents_of("19500"), 1'950'000);
  EXPECT_EQ(cents_of("19500.5"), 1'950'050);
  EXPECT_EQ(cents_of("19500.50"), 1'950'050);
  EXPECT_EQ(cents_of("0"), 0);
  EXPECT_EQ(cents_of("0.01"), 1);
  EXPECT_EQ(cents_of("007.10"), 710);
  EXPECT_EQ(cents_of("9999999999.99"), kMaxMoney.count());
}

TEST(DomainMoney, RefusesMoreThanTwoDecimals) {
  EXPECT_EQ(code_of("19500.505"), "too_many_decimals");
  EXPECT_EQ(code_of("0.001"), "too_many_decimals");
  EXPECT_EQ(code_of("1.000"), "too_many_decimals");
}

TEST(DomainMoney, RefusesNegativesUnlessAllowed) {
  auto r = parse_money("-1", "down_payment");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem().code, "out_of_range");
  EXPECT_EQ(r.problem().field, "down_payment");
  EXPECT_EQ(code_of("-0"), "out_of_range");
  EXPECT_EQ(cents_of("-12.34", Sign::any), -1'234);
  EXPECT_EQ(cents_of("-0.5", Sign::any), -50);
  EXPECT_EQ(cents_of("-9999999999.99", Sign::any), -kMaxMoney.count());
}

TEST(DomainMoney, RefusesOverflowWithoutWrapping) {
  EXPECT_EQ(code_of("10000000000"), "out_of_range");
  EXPECT_EQ(code_of("10000000000.00"), "out_of_range");
  EXPECT_EQ(code_of("9999999999.991"), "too_many_decimals");
  EXPECT_EQ(code_of("99999999999999999999999999999"), "out_of_range");
  EXPECT_EQ(code_of("-10000000000", Sign::any), "out_of_range");
  EXPECT_EQ(code_of("9223372036854775807"), "out_of_range");
}

TEST(DomainMoney, RefusesJunk) {
  for (std::string_view junk :
       {"",    "-",     ".",    "1.",   ".5",  "+1",  " 1",       "1 ",   "1,000", "1e3",
        "abc", "1.2.3", "0x10", "1.-2", "--1", "- 1", "\xd9\xa1", "1.5 ", "NaN",   "inf"}) {
    auto r = parse_money(junk, "price");
    ASSERT_FALSE(r.ok()) << junk;
    EXPECT_EQ(r.problem().code, "invalid_money") << junk;
    EXPECT_EQ(r.problem().field, "price");
    EXPECT_FALSE(r.problem().detail.empty());
  }
}

TEST(DomainMoney, FormatsWithTwoDecimals) {
  EXPECT_EQ(format_money(Cents{0}), "0.00");
  EXPECT_EQ(format_money(Cents{5}), "0.05");
  EXPECT_EQ(format_money(Cents{50}), "0.50");
  EXPECT_EQ(format_money(Cents{1'950'050}), "19500.50");
  EXPECT_EQ(format_money(Cents::dollars(19'500)), "19500.00");
  EXPECT_EQ(format_money(Cents{-5}), "-0.05");
  EXPECT_EQ(format_money(Cents{-123'456}), "-1234.56");
  EXPECT_EQ(format_money(Cents{std::numeric_limits<std::int64_t>::max()}), "92233720368547758.07");
  EXPECT_EQ(format_money(Cents{std::numeric_limits<std::int64_t>::min()}), "-92233720368547758.08");
}

TEST(DomainMoney, FormatThenParseIsIdentity) {
  for (std::int64_t v : std::initializer_list<std::int64_t>{
           0, 1, 9, 10, 99, 100, 101, 1'950'050, kMaxMoney.count(), -1, -99, -kMaxMoney.count()}) {
    EXPECT_EQ(cents_of(format_money(Cents{v}), Sign::any), v);
  }
}

Result<Cents> from_json(const json::value& v, Sign sign = Sign::non_negative) {
  return money_from_json(v, "price", sign);
}

TEST(DomainMoney, JsonIntegersAreWholeDollars) {
  EXPECT_EQ(from_json(json::value(19'500))->count(), 1'950'000);
  EXPECT_EQ(from_json(json::value(0))->count(), 0);
  EXPECT_EQ(from_json(json::value(std::uint64_t{7}))->count(), 700);
  EXPECT_EQ(from_json(json::value(-3), Sign::any)->count(), -300);
  EXPECT_EQ(from_json(json::value(-3)).problem().code, "out_of_range");
  EXPECT_EQ(from_json(json::value(9'999'999'999LL))->count(), 999'999'999'900);
  EXPECT_EQ(from_json(json::value(10'000'000'000LL)).problem().code, "out_of_range");
  EXPECT_EQ(from_json(json::value(-10'000'000'000LL), Sign::any).problem().code, "out_of_range");
  EXPECT_EQ(from_json(json::value(std::numeric_limits<std::uint64_t>::max())).problem().code,
            "out_of_range");
  EXPECT_EQ(from_json(json::value(std::numeric_limits<std::int64_t>::max())).problem().code,
            "out_of_range");
}

TEST(DomainMoney, JsonDoublesRoundHalfAwayFromZeroOnTheWrittenDecimal) {
  EXPECT_EQ(from_json(json::value(19'500.5))->count(), 1'950'050);
  EXPECT_EQ(from_json(json::value(123.0))->count(), 12'300);
  // 1.005 is stored as 1.00499999999999989...: naive x100 + round gives 100.
  EXPECT_EQ(from_json(json::value(1.005))->count(), 101);
  EXPECT_EQ(from_json(json::value(19'500.505))->count(), 1'950'051);
  EXPECT_EQ(from_json(json::value(0.125))->count(), 13);
  EXPECT_EQ(from_json(json::value(0.005))->count(), 1);
  EXPECT_EQ(from_json(json::value(0.0049))->count(), 0);
  EXPECT_EQ(from_json(json::value(0.1 + 0.2))->count(), 30);
  EXPECT_EQ(from_json(json::value(1e-300))->count(), 0);
  EXPECT_EQ(from_json(json::value(0.0))->count(), 0);
  EXPECT_EQ(from_json(json::value(-0.0))->count(), 0);
  EXPECT_EQ(from_json(json::value(-0.005), Sign::any)->count(), -1);
  EXPECT_EQ(from_json(json::value(-19'500.504), Sign::any)->count(), -1'950'050);
  EXPECT_EQ(from_json(json::value(9'999'999'999.99))->count(), kMaxMoney.count());
  EXPECT_EQ(from_json(json::value(9'999'999'999.994))->count(), kMaxMoney.count());
  EXPECT_EQ(from_json(json::value(1e6))->count(), 100'000'000);
}

TEST(DomainMoney, JsonDoublesOutsideTheRangeAreRefused) {
  EXPECT_EQ(from_json(json::value(-0.01)).problem().code, "out_of_range");
  EXPECT_EQ(from_json(json::value(9'999'999'999.995)).problem().code, "out_of_range");
  EXPECT_EQ(from_json(json::value(10'000'000'000.0)).problem().code, "out_of_range");
  EXPECT_EQ(from_json(json::value(1e15)).problem().code, "out_of_range");
  EXPECT_EQ(from_json(json::value(1e300)).problem().code, "out_of_range");
  EXPECT_EQ(from_json(json::value(std::nan(""))).problem().code, "invalid_money");
  EXPECT_EQ(from_json(json::value(std::numeric_limits<double>::infinity())).problem().code,
            "invalid_money");
  EXPECT_EQ(
      from_json(json::value(-std::numeric_limits<double>::infinity()), Sign::any).problem().code,
      "invalid_money");
}

TEST(DomainMoney, JsonStringsParseExactlyAndOtherTypesAreRefused) {
  EXPECT_EQ(from_json(json::value("19500.50"))->count(), 1'950'050);
  EXPECT_EQ(from_json(json::value("19500.505")).problem().code, "too_many_decimals");
  EXPECT_EQ(from_json(json::value("12 dollars")).problem().code, "invalid_money");
  for (const json::value& v : {json::value(nullptr), json::value(true), json::value(json::array{}),
                               json::value(json::object{})}) {
    auto r = from_json(v);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.problem().code, "invalid_money");
    EXPECT_EQ(r.problem().field, "price");
  }
}

TEST(DomainMoney, ParsesPercentagesAsPartsPerMillion) {
  EXPECT_EQ(parse_percent("6.9")->ppm(), 69'000);
  EXPECT_EQ(parse_percent("0")->ppm(), 0);
  EXPECT_EQ(parse_percent("7.25")->ppm(), 72'500);
  EXPECT_EQ(parse_percent("8.875")->ppm(), 88'750);
  EXPECT_EQ(parse_percent("0.0001")->ppm(), 1);
  EXPECT_EQ(parse_percent("1000")->ppm(), kMaxRate.ppm());
  EXPECT_EQ(Rate::percent(7).ppm(), 70'000);
  EXPECT_EQ(Rate::from_ppm(69'000), *parse_percent("6.90"));
}

TEST(DomainMoney, RefusesBadPercentages) {
  const auto code = [](std::string_view t) {
    auto r = parse_percent(t, "apr");
    if (!r.ok()) {
      EXPECT_EQ(r.problem().field, "apr");
    }
    return r.ok() ? std::string("ok") : r.problem().code;
  };
  EXPECT_EQ(code("6.99999"), "too_many_decimals");
  EXPECT_EQ(code("-1"), "out_of_range");
  EXPECT_EQ(code("1000.0001"), "out_of_range");
  EXPECT_EQ(code("99999999999999999999"), "out_of_range");
  EXPECT_EQ(code("6,9"), "invalid_percent");
  EXPECT_EQ(code("6.9%"), "invalid_percent");
  EXPECT_EQ(code(""), "invalid_percent");
}

TEST(DomainMoney, PercentagesFromJson) {
  EXPECT_EQ(percent_from_json(json::value(6.9))->ppm(), 69'000);
  EXPECT_EQ(percent_from_json(json::value(7))->ppm(), 70'000);
  EXPECT_EQ(percent_from_json(json::value(std::uint64_t{5}))->ppm(), 50'000);
  EXPECT_EQ(percent_from_json(json::value(6.99995))->ppm(), 70'000);
  EXPECT_EQ(percent_from_json(json::value(6.99994))->ppm(), 69'999);
  EXPECT_EQ(percent_from_json(json::value("8.875"))->ppm(), 88'750);
  EXPECT_EQ(percent_from_json(json::value(-1)).problem().code, "out_of_range");
  EXPECT_EQ(percent_from_json(json::value(-0.5)).problem().code, "out_of_range");
  EXPECT_EQ(percent_from_json(json::value(1001)).problem().code, "out_of_range");
  EXPECT_EQ(percent_from_json(json::value(std::nan(""))).problem().code, "invalid_percent");
  auto wrong_type = percent_from_json(json::value(false), "sales_tax_rate");
  EXPECT_EQ(wrong_type.problem().code, "invalid_percent");
  EXPECT_EQ(wrong_type.problem().field, "sales_tax_rate");
}

TEST(DomainMoney, FormatsPercentagesShortestExact) {
  EXPECT_EQ(format_percent(Rate::from_ppm(69'000)), "6.9");
  EXPECT_EQ(format_percent(Rate::from_ppm(0)), "0");
  EXPECT_EQ(format_percent(Rate::from_ppm(88'750)), "8.875");
  EXPECT_EQ(format_percent(Rate::from_ppm(1)), "0.0001");
  EXPECT_EQ(format_percent(Rate::from_ppm(70'000)), "7");
  EXPECT_EQ(format_percent(Rate::from_ppm(-69'000)), "-6.9");
}

TEST(DomainMoney, AppliesRatesRoundingHalfAwayFromZero) {
  EXPECT_EQ(apply_rate(Cents::dollars(1'000), Rate::from_ppm(72'500)), Cents{7'250});
  EXPECT_EQ(apply_rate(Cents{7}, Rate::percent(50)), Cents{4});    // 3.5 -> 4
  EXPECT_EQ(apply_rate(Cents{-7}, Rate::percent(50)), Cents{-4});  // -3.5 -> -4
  EXPECT_EQ(apply_rate(Cents{7}, Rate::from_ppm(-500'000)), Cents{-4});
  EXPECT_EQ(apply_rate(Cents{6}, Rate::from_ppm(583'333)), Cents{3});  // 3.499998
  EXPECT_EQ(apply_rate(Cents::dollars(500), Rate{}), Cents{0});
  // The largest amount at the largest rate: exact, no overflow.
  EXPECT_EQ(apply_rate(kMaxMoney, kMaxRate), Cents{kMaxMoney.count() * 10});
  EXPECT_EQ(apply_rate(Cents{1'234'567'891'234}, Rate::from_ppm(88'750)), Cents{109'567'900'347});
}

}  // namespace
}  // namespace forecourt::domain
