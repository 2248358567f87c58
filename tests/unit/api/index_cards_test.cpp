// IndexCards: the search index's copy of what a card shows beyond the facet columns. Each
// value comes back as it went in (NULLs as NULLs), a hero under the car's own folder is kept
// as its file name and comes back whole, shared texts are stored once, and locations are
// looked up by id (an absent one, as RLS hides a closed location, gives none). The index's
// cards against SQL's, end to end: tests/integration/vehicle_detail_test.cpp.
#include "api/index_cards.hpp"

#include <gtest/gtest.h>

#include <string>

namespace forecourt::api {
namespace {

constexpr std::string_view kId = "5eed0001-0000-4000-8000-000000000006";
constexpr std::string_view kOtherId = "5eed0001-0000-4000-8000-000000000007";

CardExtrasRow full_row() {
  return CardExtrasRow{.title = "2023 Volkswagen Jetta S",
                       .trim = "S",
                       .hero_image_path = "vehicle-media/" + std::string(kId) + "/1.jpg",
                       .price_list_cents = 2499900,
                       .price_previous_cents = 2399900,
                       .doors = 4,
                       .seats = 5,
                       .is_featured = true};
}

TEST(IndexCards, EveryValueComesBackAsItWentIn) {
  IndexCards cards;
  cards.resize(4);
  cards.set(2, kId, full_row());
  CardValues card;
  std::string hero;
  cards.fill(2, kId, card, hero);
  EXPECT_EQ(card.title, "2023 Volkswagen Jetta S");
  EXPECT_EQ(card.trim, std::optional<std::string_view>("S"));
  EXPECT_EQ(card.hero_image_path,
            std::optional<std::string_view>("vehicle-media/" + std::string(kId) + "/1.jpg"));
  EXPECT_EQ(card.price_list_cents, 2499900);
  EXPECT_EQ(card.price_previous_cents, 2399900);
  EXPECT_EQ(card.doors, 4);
  EXPECT_EQ(card.seats, 5);
  EXPECT_TRUE(card.is_featured);
}

TEST(IndexCards, NullsStayNull) {
  IndexCards cards;
  cards.resize(1);
  cards.set(0, kId, CardExtrasRow{.title = "2020 Kia Soul"});
  CardValues card;
  card.hero_image_path = "stale";  // fill resets what the slot does not hold
  std::string hero;
  cards.fill(0, kId, card, hero);
  EXPECT_EQ(card.title, "2020 Kia Soul");
  EXPECT_FALSE(card.trim);
  EXPECT_FALSE(card.hero_image_path);
  EXPECT_FALSE(card.price_list_cents);
  EXPECT_FALSE(card.price_previous_cents);
  EXPECT_FALSE(card.doors);
  EXPECT_FALSE(card.seats);
  EXPECT_FALSE(card.is_featured);
}

TEST(IndexCards, ZeroDoorsIsAValueNotNull) {
  IndexCards cards;
  cards.resize(1);
  CardExtrasRow row = full_row();
  row.doors = 0;
  row.price_list_cents = 0;
  cards.set(0, kId, row);
  CardValues card;
  std::string hero;
  cards.fill(0, kId, card, hero);
  EXPECT_EQ(card.doors, 0);
  EXPECT_EQ(card.price_list_cents, 0);
}

TEST(IndexCards, HeroElsewhereIsKeptWhole) {
  IndexCards cards;
  cards.resize(3);
  for (const std::string& path : {std::string("vehicle-media/shared/hero.jpg"),
                                  "vehicle-media/" + std::string(kOtherId) + "/1.jpg",
                                  "other-bucket/" + std::string(kId) + "/1.jpg",
                                  "vehicle-media/" + std::string(kId) + "x/1.jpg"}) {
    CardExtrasRow row = full_row();
    row.hero_image_path = path;
    cards.set(1, kId, row);
    CardValues card;
    std::string hero;
    cards.fill(1, kId, card, hero);
    EXPECT_EQ(card.hero_image_path, std::optional<std::string_view>(path));
  }
}

TEST(IndexCards, SharedTextsServeEveryCar) {
  // Two cars with the same title, trim and hero file name: each gets its own folder back.
  IndexCards cards;
  cards.resize(2);
  CardExtrasRow other = full_row();
  other.hero_image_path = "vehicle-media/" + std::string(kOtherId) + "/1.jpg";
  cards.set(0, kId, full_row());
  cards.set(1, kOtherId, other);
  CardValues a;
  CardValues b;
  std::string hero_a;
  std::string hero_b;
  cards.fill(0, kId, a, hero_a);
  cards.fill(1, kOtherId, b, hero_b);
  EXPECT_EQ(a.hero_image_path, std::optional<std::string_view>(*full_row().hero_image_path));
  EXPECT_EQ(b.hero_image_path, std::optional<std::string_view>(*other.hero_image_path));
  EXPECT_EQ(a.title.data(), b.title.data()) << "one stored title";
}

TEST(IndexCards, AnEditReplacesTheSlot) {
  IndexCards cards;
  cards.resize(1);
  cards.set(0, kId, full_row());
  CardExtrasRow edited = full_row();
  edited.trim = "SE";
  edited.title = "2023 Volkswagen Jetta SE";
  edited.hero_image_path.reset();
  edited.is_featured = false;
  cards.set(0, kId, edited);
  CardValues card;
  std::string hero;
  cards.fill(0, kId, card, hero);
  EXPECT_EQ(card.title, "2023 Volkswagen Jetta SE");
  EXPECT_EQ(card.trim, std::optional<std::string_view>("SE"));
  EXPECT_FALSE(card.hero_image_path);
  EXPECT_FALSE(card.is_featured);
}

TEST(IndexCards, LocationsByIdAndAbsentOnesGiveNone) {
  IndexCards cards;
  cards.set_locations({{"10000000-0000-4000-8000-000000000001", "Austin", "TX"},
                       {"10000000-0000-4000-8000-000000000002", "Dallas", "TX"}});
  auto austin = cards.location("10000000-0000-4000-8000-000000000001");
  ASSERT_TRUE(austin);
  EXPECT_EQ(austin->id, "10000000-0000-4000-8000-000000000001");
  EXPECT_EQ(austin->city, "Austin");
  EXPECT_EQ(austin->state, "TX");
  EXPECT_FALSE(cards.location("10000000-0000-4000-8000-000000000003"));
  // A re-read replaces the set: a closed location is gone.
  cards.set_locations({{"10000000-0000-4000-8000-000000000002", "Dallas", "TX"}});
  EXPECT_FALSE(cards.location("10000000-0000-4000-8000-000000000001"));
  EXPECT_TRUE(cards.location("10000000-0000-4000-8000-000000000002"));
}

}  // namespace
}  // namespace forecourt::api
