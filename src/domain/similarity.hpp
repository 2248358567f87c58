#pragma once
// "Similar vehicles" on the vehicle page (spec §12): an indexed query fetches a small
// candidate set inside similar_candidate_window(); this scores and ranks it. Simple,
// explainable rules rather than embeddings: shoppers compare on price first.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "domain/money.hpp"

namespace forecourt::domain {

struct VehicleFeatures {
  std::string id;
  Cents price;
  int year = 0;
  std::string body_type;
  std::string make;
  std::string model;
  std::string segment;  // optional class ("compact_suv", "luxury"...); empty = unknown
  int mileage = 0;
};

// The weights of similarity_score; they sum to 1, so the score is in [0, 1].
struct SimilarityWeights {
  double price = 0.35;       // 1 at equal price, 0 at >= 30% apart (relative to the dearer)
  double body_type = 0.20;   // 1 when equal, else 0
  double make_model = 0.20;  // same model 1, same make 0.6, same (known) segment 0.3, else 0
  double year = 0.15;        // 1 at the same year, 0 at >= 5 years apart
  double mileage = 0.10;     // 1 at the same mileage, 0 at >= 60,000 miles apart
};

inline constexpr SimilarityWeights kSimilarityWeights{};

// Symmetric, in [0, 1] (for weights summing to 1), 1 for identical features. Text compares
// ignore ASCII case; the id plays no part.
double similarity_score(const VehicleFeatures& a, const VehicleFeatures& b,
                        const SimilarityWeights& weights = kSimilarityWeights);

struct SimilarVehicle {
  std::string id;
  double score = 0;
};

// The `limit` best candidates, best first; equal scores in ascending id order, so pages
// are stable. A candidate with the target's id is skipped (a car is not similar to itself).
std::vector<SimilarVehicle> rank_similar(const VehicleFeatures& target,
                                         std::span<const VehicleFeatures> candidates,
                                         std::size_t limit,
                                         const SimilarityWeights& weights = kSimilarityWeights);

// The bounds for the candidate query: outside them the price and year terms are 0, so a
// candidate can score at most the body and make/model weights. Price: [0.7·p, p / 0.7].
struct CandidateWindow {
  Cents price_min;
  Cents price_max;
  int year_min = 0;
  int year_max = 0;
};
CandidateWindow similar_candidate_window(const VehicleFeatures& target);

}  // namespace forecourt::domain
