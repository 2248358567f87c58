#include "domain/tradein.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "printers.hpp"

namespace forecourt::domain {
namespace {

constexpr int kCurrentYear = 2025;

ValuationRule camry_rule() {
  ValuationRule r;
  r.id = "r-camry";
  r.make = "Toyota";
  r.model = "Camry";
  r.year_min = 2015;
  r.year_max = 2024;
  r.base_value = Cents::dollars(28'000);
  return r;  // defaults: 12%/year, 12k miles/year, $60 per 1000, spread 6%, floor $500
}

TradeInVehicle camry_trade(int year = 2019, int mileage = 60'000, int grade = 4) {
  return TradeInVehicle{"Toyota", "Camry", "sedan", year, mileage, grade};
}

Result<TradeInEstimate> estimate(const TradeInVehicle& v, const std::vector<ValuationRule>& rules,
                                 long double index = 1.0L) {
  return estimate_trade_in(v, rules, index, kCurrentYear);
}

// Expected values from a Python decimal transcription of public.tradein_estimate():
//   value = max(min, (base*(1-dep)^age - excess/1000*penalty) * cond[grade] * index)
//   low/high = round(value*(1 -/+ spread) / 50) * 50
TEST(DomainTradeIn, DepreciatesByAge) {
  auto e = estimate(camry_trade(), {camry_rule()});
  ASSERT_TRUE(e.ok()) << e.problem().detail;
  EXPECT_EQ(e->value, *parse_money("13003.31"));  // 28000 * 0.88^6
  EXPECT_EQ(e->low, Cents::dollars(12'200));
  EXPECT_EQ(e->high, Cents::dollars(13'800));
  EXPECT_EQ(e->rule_id, "r-camry");
  EXPECT_EQ(e->market_index, 1.0L);
}

TEST(DomainTradeIn, PenalisesMilesBeyondTheAllowanceThenConditionAndMarket) {
  // 120k miles at 6 years: 36k over the 84k allowance -> $2160; grade 3 (0.92); index 1.05.
  auto e = estimate(camry_trade(2019, 120'000, 3), {camry_rule()}, 1.05L);
  EXPECT_EQ(e->value, *parse_money("10474.64"));
  EXPECT_EQ(e->low, Cents::dollars(9'850));
  EXPECT_EQ(e->high, Cents::dollars(11'100));
  EXPECT_EQ(e->market_index, 1.05L);
  auto poor = estimate(camry_trade(2019, 120'000, 1), {camry_rule()}, 0.9L);
  EXPECT_EQ(poor->low, Cents::dollars(6'400));
  EXPECT_EQ(poor->high, Cents::dollars(7'250));
}

TEST(DomainTradeIn, EachConditionGradeUsesItsMultiplier) {
  auto rule = camry_rule();
  rule.condition_multipliers = {0.5L, 0.6L, 0.7L, 0.8L, 0.9L};
  rule.annual_depreciation = 0;
  rule.spread = 0;
  for (int grade = 1; grade <= 5; ++grade) {
    auto e = estimate(camry_trade(2024, 0, grade), {rule});
    EXPECT_EQ(e->value, Cents::dollars(std::int64_t{2'800} * (4 + grade))) << grade;
  }
}

TEST(DomainTradeIn, FloorsAtTheMinimumValue) {
  auto rule = camry_rule();
  rule.year_min = 1990;
  rule.base_value = Cents::dollars(3'000);
  auto e = estimate(camry_trade(2005, 300'000, 1), {rule});
  EXPECT_EQ(e->value, Cents::dollars(500));
  EXPECT_EQ(e->low, Cents::dollars(450));
  EXPECT_EQ(e->high, Cents::dollars(550));
}

TEST(DomainTradeIn, NextYearsModelHasNoAge) {
  auto rule = camry_rule();
  rule.year_max = 2026;
  auto e = estimate(camry_trade(2026, 5'000, 5), {rule});
  EXPECT_EQ(e->value, Cents::dollars(29'680));  // 28000 * 1.06
  EXPECT_EQ(e->low, Cents::dollars(27'900));
  EXPECT_EQ(e->high, Cents::dollars(31'450));
}

std::vector<ValuationRule> layered_rules() {
  ValuationRule any;
  any.id = "any";
  any.base_value = Cents::dollars(10'000);
  any.year_min = 1990;
  ValuationRule sedans = any;
  sedans.id = "sedans";
  sedans.body_type = "sedan";
  sedans.base_value = Cents::dollars(12'000);
  ValuationRule toyota = any;
  toyota.id = "toyota";
  toyota.make = "TOYOTA";
  toyota.base_value = Cents::dollars(15'000);
  ValuationRule camry = toyota;
  camry.id = "camry";
  camry.model = "camry";
  camry.base_value = Cents::dollars(20'000);
  return {any, sedans, toyota, camry};
}

TEST(DomainTradeIn, TheMostSpecificRuleWins) {
  const auto rules = layered_rules();
  EXPECT_EQ(estimate(camry_trade(), rules)->rule_id, "camry");  // case-insensitive model and make
  EXPECT_EQ(estimate({"Toyota", "Corolla", "sedan", 2019, 0, 3}, rules)->rule_id, "toyota");
  EXPECT_EQ(estimate({"Honda", "Accord", "sedan", 2019, 0, 3}, rules)->rule_id, "sedans");
  EXPECT_EQ(estimate({"Honda", "CR-V", "suv", 2019, 0, 3}, rules)->rule_id, "any");
  // No body type given: body-specific rules cannot apply.
  EXPECT_EQ(estimate({"Honda", "Accord", "", 2019, 0, 3}, rules)->rule_id, "any");
}

TEST(DomainTradeIn, TiesGoToPriorityThenToTheSmallerId) {
  auto rules = layered_rules();
  auto second_camry = rules[3];
  second_camry.id = "camry-0";
  rules.push_back(second_camry);
  EXPECT_EQ(estimate(camry_trade(), rules)->rule_id, "camry");  // "camry" < "camry-0"
  rules.back().priority = 1;
  EXPECT_EQ(estimate(camry_trade(), rules)->rule_id, "camry-0");
  // The input order does not matter.
  std::vector<ValuationRule> reversed(rules.rbegin(), rules.rend());
  EXPECT_EQ(estimate(camry_trade(), reversed)->rule_id, "camry-0");
}

TEST(DomainTradeIn, RulesOutsideTheirYearsDoNotApply) {
  auto rules = layered_rules();
  rules[3].year_min = 2020;  // the Camry rule no longer covers 2019
  EXPECT_EQ(estimate(camry_trade(), rules)->rule_id, "toyota");
  EXPECT_TRUE(rule_matches(rules[3], camry_trade(2020)));
  EXPECT_FALSE(rule_matches(rules[3], camry_trade(2019)));
  rules[3].year_max = 2021;
  EXPECT_FALSE(rule_matches(rules[3], camry_trade(2022)));
}

TEST(DomainTradeIn, NoMatchingRuleIsAProblemNotAGuess) {
  auto e = estimate({"Lada", "Niva", "suv", 2019, 0, 3}, {camry_rule()});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.problem().code, "no_valuation_rule");
  EXPECT_EQ(estimate(camry_trade(), {}).problem().code, "no_valuation_rule");
}

TEST(DomainTradeIn, InputsAreValidatedAndNamed) {
  const std::vector<ValuationRule> rules = {camry_rule()};
  const auto field_of = [&](const TradeInVehicle& v, long double index = 1.0L) {
    auto e = estimate(v, rules, index);
    return e.ok() ? std::string("ok") : e.problem().field;
  };
  EXPECT_EQ(field_of({"", "Camry", "sedan", 2019, 0, 3}), "make");
  EXPECT_EQ(field_of({"Toyota", "", "sedan", 2019, 0, 3}), "model");
  EXPECT_EQ(field_of(camry_trade(1899)), "year");
  EXPECT_EQ(field_of(camry_trade(kCurrentYear + 2)), "year");
  EXPECT_EQ(field_of(camry_trade(2019, -1)), "mileage");
  EXPECT_EQ(field_of(camry_trade(2019, 2'000'001)), "mileage");
  EXPECT_EQ(field_of(camry_trade(2019, 0, 0)), "condition_grade");
  EXPECT_EQ(field_of(camry_trade(2019, 0, 6)), "condition_grade");
  EXPECT_EQ(field_of(camry_trade(), 0.0L), "market_index");
  EXPECT_EQ(field_of(camry_trade(), 10.0L), "market_index");
  EXPECT_EQ(field_of(camry_trade(), -1.0L), "market_index");
  EXPECT_EQ(field_of(camry_trade(), std::numeric_limits<long double>::quiet_NaN()), "market_index");
  EXPECT_EQ(field_of(camry_trade(), std::numeric_limits<long double>::infinity()), "market_index");
  EXPECT_EQ(field_of(camry_trade(2019, 2'000'000, 5), 9.99L), "ok");
  EXPECT_EQ(estimate(camry_trade(1899), rules).problem().code, "out_of_range");
  EXPECT_EQ(estimate({"", "x", "", 2019, 0, 3}, rules).problem().code, "required");
}

TEST(DomainTradeIn, LowNeverExceedsHigh) {
  const auto rules = layered_rules();
  for (int year = 1990; year <= kCurrentYear + 1; year += 3) {
    for (int miles = 0; miles <= 400'000; miles += 37'000) {
      for (int grade = 1; grade <= 5; ++grade) {
        auto e = estimate({"Toyota", "Camry", "sedan", year, miles, grade}, rules, 0.8L);
        ASSERT_TRUE(e.ok());
        EXPECT_LE(e->low, e->high);
        EXPECT_EQ(e->low.count() % 5'000, 0);
        EXPECT_EQ(e->high.count() % 5'000, 0);
      }
    }
  }
}

}  // namespace
}  // namespace forecourt::domain
