#include "domain/similarity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "domain/ascii.hpp"

namespace forecourt::domain {
namespace {

constexpr double kPriceZeroAt = 0.30;  // relative price difference that scores 0
constexpr double kYearZeroAt = 5.0;
constexpr double kMileageZeroAt = 60'000.0;
constexpr double kSameMake = 0.6;
constexpr double kSameSegment = 0.3;

// 1 at distance 0, falling linearly to 0 at `zero_at` and beyond.
double linear_closeness(double distance, double zero_at) {
  return std::max(0.0, 1.0 - distance / zero_at);
}

double price_closeness(Cents a, Cents b) {
  const auto pa = static_cast<double>(a.count());
  const auto pb = static_cast<double>(b.count());
  const double dearer = std::max(pa, pb);
  if (dearer <= 0) return 1.0;  // both free (or unpriced): no difference to score
  return linear_closeness(std::fabs(pa - pb) / dearer, kPriceZeroAt);
}

double make_model_closeness(const VehicleFeatures& a, const VehicleFeatures& b) {
  if (ascii_iequals(a.make, b.make)) return ascii_iequals(a.model, b.model) ? 1.0 : kSameMake;
  if (!a.segment.empty() && ascii_iequals(a.segment, b.segment)) return kSameSegment;
  return 0.0;
}

}  // namespace

double similarity_score(const VehicleFeatures& a, const VehicleFeatures& b,
                        const SimilarityWeights& w) {
  const double years = std::abs(a.year - b.year);
  const double miles = std::abs(static_cast<double>(a.mileage) - static_cast<double>(b.mileage));
  return w.price * price_closeness(a.price, b.price) +
         w.body_type * (ascii_iequals(a.body_type, b.body_type) ? 1.0 : 0.0) +
         w.make_model * make_model_closeness(a, b) + w.year * linear_closeness(years, kYearZeroAt) +
         w.mileage * linear_closeness(miles, kMileageZeroAt);
}

std::vector<SimilarVehicle> rank_similar(const VehicleFeatures& target,
                                         std::span<const VehicleFeatures> candidates,
                                         std::size_t limit, const SimilarityWeights& weights) {
  std::vector<SimilarVehicle> ranked;
  ranked.reserve(candidates.size());
  for (const auto& c : candidates) {
    if (c.id != target.id) ranked.push_back({c.id, similarity_score(target, c, weights)});
  }
  // Stable, so candidates with equal score and equal id keep their input order.
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const SimilarVehicle& x, const SimilarVehicle& y) {
                     return x.score != y.score ? x.score > y.score : x.id < y.id;
                   });
  if (ranked.size() > limit) ranked.resize(limit);
  return ranked;
}

CandidateWindow similar_candidate_window(const VehicleFeatures& target) {
  // Integer maths, rounded outward, so no candidate with a positive price term is missed.
  const std::int64_t p = std::max<std::int64_t>(target.price.count(), 0);
  const auto years = static_cast<int>(kYearZeroAt);
  return CandidateWindow{Cents{p * 7 / 10}, Cents{(p * 10 + 6) / 7}, target.year - years,
                         target.year + years};
}

}  // namespace forecourt::domain
