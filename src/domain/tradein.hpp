#pragma once
// Trade-in quick estimate (spec §12): a rules table by make/model/year/body, depreciation by
// age, a mileage penalty, a condition multiplier and a market index, returned as [low, high].
// The same arithmetic as public.tradein_estimate() in the migrations, so the SQL function
// and this code agree; this one is the pure, unit-tested reference used by the handlers.
#include <array>
#include <span>
#include <string>

#include "core/result.hpp"
#include "domain/money.hpp"

namespace forecourt::domain {

// One row of tradein_valuation_rules. Ratios are long double: they are configuration
// multipliers, and the result is rounded to $50 anyway.
struct ValuationRule {
  std::string id;         // echoed in the estimate, for audit
  std::string make;       // empty = any make (compared case-insensitively)
  std::string model;      // empty = any model
  std::string body_type;  // empty = any body type
  int year_min = 1981;
  int year_max = 2100;
  Cents base_value;                         // value at age 0
  long double annual_depreciation = 0.12L;  // compounding, 0..0.6
  int mileage_allowance_per_year = 12'000;  // miles a year that cost nothing
  Cents penalty_per_1000_miles{6'000};      // per 1000 miles beyond the allowance
  // Multipliers for condition grades 1 (poor) .. 5 (excellent).
  std::array<long double, 5> condition_multipliers = {0.70L, 0.82L, 0.92L, 1.00L, 1.06L};
  long double spread = 0.06L;  // low = value·(1 − spread), high = value·(1 + spread)
  Cents min_value{50'000};     // floor before the spread
  int priority = 0;            // breaks ties between equally specific rules (higher wins)
};

struct TradeInVehicle {
  std::string make;
  std::string model;
  std::string body_type;  // optional: empty matches only rules for any body type
  int year = 0;
  int mileage = 0;
  int condition_grade = 3;  // 1..5
};

struct TradeInEstimate {
  Cents low;
  Cents high;
  Cents value;  // before the spread, to the cent
  std::string rule_id;
  long double market_index = 1.0L;
};

// Whether a rule applies: each of make, model and body type is empty in the rule or equal
// (ignoring ASCII case), and the year is within [year_min, year_max].
bool rule_matches(const ValuationRule& rule, const TradeInVehicle& vehicle);

// The estimate, rounded to $50 (half away from zero), from the most specific matching rule:
// model > make > body type, then the higher priority, then the smaller id (deterministic).
// market_index is the wholesale multiplier (1.0 neutral, 0 < index < 10) chosen by the
// caller for the make/segment. current_year fixes the age (so results are reproducible).
// Problems: "make"/"model" empty, "year" outside 1900..current_year+1, "mileage" outside
// 0..2,000,000, "condition_grade" outside 1..5, "market_index"; no_valuation_rule when no
// rule matches (no invented number: a catch-all rule with empty make, model and body type
// is how an operator opts into a generic fallback).
Result<TradeInEstimate> estimate_trade_in(const TradeInVehicle& vehicle,
                                          std::span<const ValuationRule> rules,
                                          long double market_index, int current_year);

}  // namespace forecourt::domain
