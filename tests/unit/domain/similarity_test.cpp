#include "domain/similarity.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "printers.hpp"

namespace forecourt::domain {
namespace {

VehicleFeatures car(std::string id, std::int64_t dollars, int year = 2020,
                    std::string model = "Camry", std::string make = "Toyota",
                    std::string body = "sedan", int mileage = 30'000) {
  return VehicleFeatures{std::move(id),   Cents::dollars(dollars), year,      std::move(body),
                         std::move(make), std::move(model),        "midsize", mileage};
}

const VehicleFeatures kTarget = car("target", 20'000);

TEST(DomainSimilarity, IdenticalFeaturesScoreOne) {
  EXPECT_DOUBLE_EQ(similarity_score(kTarget, kTarget), 1.0);
  auto other_id = kTarget;
  other_id.id = "twin";
  EXPECT_DOUBLE_EQ(similarity_score(kTarget, other_id), 1.0);
  EXPECT_DOUBLE_EQ(kSimilarityWeights.price + kSimilarityWeights.body_type +
                       kSimilarityWeights.make_model + kSimilarityWeights.year +
                       kSimilarityWeights.mileage,
                   1.0);
}

TEST(DomainSimilarity, PriceFallsLinearlyToZeroAtThirtyPercent) {
  const double w = kSimilarityWeights.price;
  EXPECT_NEAR(similarity_score(kTarget, car("a", 17'000)), 1.0 - w * 0.5, 1e-12);  // 15% apart
  EXPECT_NEAR(similarity_score(kTarget, car("b", 14'000)), 1.0 - w, 1e-12);        // 30% apart
  EXPECT_NEAR(similarity_score(kTarget, car("c", 5'000)), 1.0 - w, 1e-12);         // beyond
  // Relative to the dearer car, so symmetric.
  EXPECT_DOUBLE_EQ(similarity_score(kTarget, car("d", 23'000)),
                   similarity_score(car("d", 23'000), kTarget));
  // Two unpriced cars do not differ on price.
  EXPECT_DOUBLE_EQ(similarity_score(car("e", 0), car("f", 0)), 1.0);
}

TEST(DomainSimilarity, YearsAndMileageFallLinearly) {
  EXPECT_NEAR(similarity_score(kTarget, car("a", 20'000, 2018)),
              1.0 - kSimilarityWeights.year * 0.4, 1e-12);
  EXPECT_NEAR(similarity_score(kTarget, car("b", 20'000, 2025)), 1.0 - kSimilarityWeights.year,
              1e-12);
  EXPECT_NEAR(similarity_score(kTarget, car("c", 20'000, 2020, "Camry", "Toyota", "sedan", 60'000)),
              1.0 - kSimilarityWeights.mileage * 0.5, 1e-12);
  EXPECT_NEAR(
      similarity_score(kTarget, car("d", 20'000, 2020, "Camry", "Toyota", "sedan", 200'000)),
      1.0 - kSimilarityWeights.mileage, 1e-12);
}

TEST(DomainSimilarity, SameModelBeatsSameMakeBeatsSameSegment) {
  const auto same_model = similarity_score(kTarget, car("a", 20'000, 2020, "camry", "TOYOTA"));
  const auto same_make = similarity_score(kTarget, car("b", 20'000, 2020, "Corolla"));
  const auto same_segment = similarity_score(kTarget, car("c", 20'000, 2020, "Accord", "Honda"));
  auto other_segment = car("d", 20'000, 2020, "Accord", "Honda");
  other_segment.segment = "compact";
  const auto nothing = similarity_score(kTarget, other_segment);
  EXPECT_DOUBLE_EQ(same_model, 1.0);
  EXPECT_NEAR(same_make, 1.0 - kSimilarityWeights.make_model * 0.4, 1e-12);
  EXPECT_NEAR(same_segment, 1.0 - kSimilarityWeights.make_model * 0.7, 1e-12);
  EXPECT_NEAR(nothing, 1.0 - kSimilarityWeights.make_model, 1e-12);
  // An unknown segment matches nothing, not even another unknown one.
  auto a = car("e", 20'000, 2020, "Accord", "Honda");
  auto b = kTarget;
  a.segment.clear();
  b.segment.clear();
  EXPECT_NEAR(similarity_score(a, b), 1.0 - kSimilarityWeights.make_model, 1e-12);
}

TEST(DomainSimilarity, BodyTypeMustBeEqualIgnoringCase) {
  EXPECT_DOUBLE_EQ(similarity_score(kTarget, car("a", 20'000, 2020, "Camry", "Toyota", "SEDAN")),
                   1.0);
  EXPECT_NEAR(similarity_score(kTarget, car("b", 20'000, 2020, "Camry", "Toyota", "suv")),
              1.0 - kSimilarityWeights.body_type, 1e-12);
}

TEST(DomainSimilarity, CustomWeightsAreUsed) {
  const SimilarityWeights price_only{1.0, 0, 0, 0, 0};
  EXPECT_NEAR(similarity_score(kTarget, car("a", 17'000, 1990, "F-150", "Ford", "truck", 900'000),
                               price_only),
              0.5, 1e-12);
}

TEST(DomainSimilarity, ScoresAreSymmetricAndBounded) {
  std::mt19937 rng(7);  // NOLINT(cert-msc51-cpp): reproducible on purpose
  std::uniform_int_distribution<int> price(0, 80'000), year(2000, 2026), miles(0, 250'000),
      pick(0, 2);
  const char* makes[] = {"Toyota", "Honda", "Ford"};
  const char* models[] = {"A", "B", "C"};
  const char* bodies[] = {"sedan", "suv", "truck"};
  for (int i = 0; i < 500; ++i) {
    auto a = car("a", price(rng), year(rng), models[pick(rng)], makes[pick(rng)], bodies[pick(rng)],
                 miles(rng));
    auto b = car("b", price(rng), year(rng), models[pick(rng)], makes[pick(rng)], bodies[pick(rng)],
                 miles(rng));
    const double ab = similarity_score(a, b);
    EXPECT_DOUBLE_EQ(ab, similarity_score(b, a));
    EXPECT_GE(ab, 0.0);
    EXPECT_LE(ab, 1.0 + 1e-12);
  }
}

std::vector<std::string> ids(const std::vector<SimilarVehicle>& ranked) {
  std::vector<std::string> out;
  out.reserve(ranked.size());
  for (const auto& r : ranked) out.push_back(r.id);
  return out;
}

TEST(DomainSimilarity, RanksBestFirstAndSkipsTheTarget) {
  const std::vector<VehicleFeatures> candidates = {
      car("far", 40'000, 2012, "F-150", "Ford", "truck", 150'000),
      car("target", 20'000),
      car("same-model", 21'000),
      car("same-make", 20'000, 2020, "Corolla"),
      car("other-body", 20'000, 2020, "RAV4", "Toyota", "suv"),
  };
  auto ranked = rank_similar(kTarget, candidates, 10);
  EXPECT_EQ(ids(ranked),
            (std::vector<std::string>{"same-model", "same-make", "other-body", "far"}));
  for (std::size_t i = 1; i < ranked.size(); ++i) EXPECT_GE(ranked[i - 1].score, ranked[i].score);
  EXPECT_DOUBLE_EQ(ranked[0].score, similarity_score(kTarget, candidates[2]));
}

TEST(DomainSimilarity, EqualScoresAreOrderedById) {
  const std::vector<VehicleFeatures> candidates = {car("c", 21'000), car("a", 21'000),
                                                   car("b", 21'000)};
  EXPECT_EQ(ids(rank_similar(kTarget, candidates, 3)), (std::vector<std::string>{"a", "b", "c"}));
  // Duplicated ids keep their input order (stable), so repeated calls agree.
  auto dup = candidates;
  dup.push_back(car("a", 21'000, 2020, "Camry", "Toyota", "sedan", 30'000));
  EXPECT_EQ(ids(rank_similar(kTarget, dup, 4)), (std::vector<std::string>{"a", "a", "b", "c"}));
}

TEST(DomainSimilarity, LimitTruncates) {
  const std::vector<VehicleFeatures> candidates = {car("a", 20'000), car("b", 25'000),
                                                   car("c", 30'000)};
  EXPECT_EQ(ids(rank_similar(kTarget, candidates, 2)), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(rank_similar(kTarget, candidates, 0).empty());
  EXPECT_TRUE(rank_similar(kTarget, {}, 5).empty());
}

TEST(DomainSimilarity, CandidateWindowCoversEveryPositivePriceTerm) {
  const auto w = similar_candidate_window(kTarget);
  EXPECT_EQ(w.price_min, Cents::dollars(14'000));
  EXPECT_EQ(w.price_max, *parse_money("28571.43"));  // 20000 / 0.7, rounded up
  EXPECT_EQ(w.year_min, 2015);
  EXPECT_EQ(w.year_max, 2025);
  const SimilarityWeights price_only{1.0, 0, 0, 0, 0};
  auto edge = kTarget;
  edge.price = w.price_max + Cents{1};
  EXPECT_DOUBLE_EQ(similarity_score(kTarget, edge, price_only), 0.0);
  edge.price = w.price_min - Cents{1};
  EXPECT_DOUBLE_EQ(similarity_score(kTarget, edge, price_only), 0.0);
  edge.price = w.price_min + Cents{1};
  EXPECT_GT(similarity_score(kTarget, edge, price_only), 0.0);
  edge.price = w.price_max - Cents{1};
  EXPECT_GT(similarity_score(kTarget, edge, price_only), 0.0);
}

TEST(DomainSimilarity, CandidateWindowOfAnUnpricedCar) {
  auto free_car = kTarget;
  free_car.price = Cents{-5};
  const auto w = similar_candidate_window(free_car);
  EXPECT_EQ(w.price_min, Cents{});
  EXPECT_EQ(w.price_max, Cents{});
}

}  // namespace
}  // namespace forecourt::domain
