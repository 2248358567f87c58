#include "domain/tradein.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "domain/ascii.hpp"

namespace forecourt::domain {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxMileage = 2'000'000;
constexpr long double kRoundTo = 5'000.0L;  // $50, in cents

bool field_matches(const std::string& rule_value, const std::string& vehicle_value) {
  return rule_value.empty() || ascii_iequals(rule_value, vehicle_value);
}

// Sorts more specific rules first; ties go to the higher priority, then the smaller id.
auto specificity(const ValuationRule& r) {
  return std::make_tuple(!r.model.empty(), !r.make.empty(), !r.body_type.empty(), r.priority);
}

bool more_specific(const ValuationRule& a, const ValuationRule& b) {
  if (specificity(a) != specificity(b)) return specificity(a) > specificity(b);
  return a.id < b.id;
}

std::optional<Problem> check_vehicle(const TradeInVehicle& v, long double market_index,
                                     int current_year) {
  const auto bad = [](const char* field, const char* detail) {
    return Problem{"out_of_range", detail, field};
  };
  if (v.make.empty()) return Problem{"required", "The make is required.", "make"};
  if (v.model.empty()) return Problem{"required", "The model is required.", "model"};
  if (v.year < kMinYear || v.year > current_year + 1) {
    return bad("year", "The year must be between 1900 and next year.");
  }
  if (v.mileage < 0 || v.mileage > kMaxMileage) {
    return bad("mileage", "The mileage must be between 0 and 2,000,000.");
  }
  if (v.condition_grade < 1 || v.condition_grade > 5) {
    return bad("condition_grade", "The condition grade must be between 1 and 5.");
  }
  if (!std::isfinite(market_index) || market_index <= 0 || market_index >= 10) {
    return bad("market_index", "The market index must be above 0 and below 10.");
  }
  return std::nullopt;
}

const ValuationRule* best_rule(const TradeInVehicle& v, std::span<const ValuationRule> rules) {
  const ValuationRule* best = nullptr;
  for (const auto& rule : rules) {
    if (rule_matches(rule, v) && (best == nullptr || more_specific(rule, *best))) best = &rule;
  }
  return best;
}

// The value in cents before the spread, unrounded (as the SQL function computes it).
long double value_in_cents(const ValuationRule& r, const TradeInVehicle& v,
                           long double market_index, int current_year) {
  const int age = std::max(0, current_year - v.year);
  const long double allowance = static_cast<long double>(r.mileage_allowance_per_year) * (age + 1);
  const long double excess_miles = std::max(0.0L, static_cast<long double>(v.mileage) - allowance);
  const long double depreciated =
      static_cast<long double>(r.base_value.count()) * std::pow(1.0L - r.annual_depreciation, age);
  const long double penalty =
      excess_miles / 1000.0L * static_cast<long double>(r.penalty_per_1000_miles.count());
  const auto grade = static_cast<std::size_t>(v.condition_grade - 1);
  const long double adjusted =
      (depreciated - penalty) * r.condition_multipliers[grade] * market_index;
  return std::max(static_cast<long double>(r.min_value.count()), adjusted);
}

Cents round_to_50_dollars(long double cents) {
  return Cents{std::llround(cents / kRoundTo) * 5'000};
}

}  // namespace

bool rule_matches(const ValuationRule& rule, const TradeInVehicle& vehicle) {
  return field_matches(rule.make, vehicle.make) && field_matches(rule.model, vehicle.model) &&
         field_matches(rule.body_type, vehicle.body_type) && vehicle.year >= rule.year_min &&
         vehicle.year <= rule.year_max;
}

Result<TradeInEstimate> estimate_trade_in(const TradeInVehicle& vehicle,
                                          std::span<const ValuationRule> rules,
                                          long double market_index, int current_year) {
  if (auto p = check_vehicle(vehicle, market_index, current_year)) return *std::move(p);
  const ValuationRule* rule = best_rule(vehicle, rules);
  if (rule == nullptr) {
    return Problem{"no_valuation_rule",
                   "No valuation rule covers this vehicle; an appraiser will quote it.", ""};
  }
  const long double value = value_in_cents(*rule, vehicle, market_index, current_year);
  TradeInEstimate e;
  e.value = Cents{std::llround(value)};
  e.low = round_to_50_dollars(value * (1.0L - rule->spread));
  e.high = round_to_50_dollars(value * (1.0L + rule->spread));
  e.rule_id = rule->id;
  e.market_index = market_index;
  return e;
}

}  // namespace forecourt::domain
