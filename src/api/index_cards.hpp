#pragma once
// What the search index (facet_index.cpp) keeps of each car beyond its facet columns, so that
// it writes the public's cards itself (facet_index.hpp append_public_cards) instead of a
// statement reading them back by id: the VDP's 8 similar cars were 8 random rows of a 1.7 GB
// table, about half of PostgreSQL's time per page at 1M cars (bench/README.md).
//
// Per car 32 bytes: codes of its title, trim and hero image in a table of texts, its list and
// previous prices, doors, seats and featured flag. Texts many cars share are stored once;
// a hero under its car's own folder ("vehicle-media/<id>/1.jpg", how uploads are named)
// keeps only its file name, so a million cars' heroes cost a handful of texts.
// Locations' labels come from their own read (as anon, so inactive ones are absent and their
// cars' cards have no location, as the SQL join under RLS gives).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/vehicle_card.hpp"

namespace forecourt::api {

// A car's card columns that the facet columns don't hold, as read from PostgreSQL.
struct CardExtrasRow {
  std::string title;
  std::optional<std::string> trim, hero_image_path;
  std::optional<std::int64_t> price_list_cents, price_previous_cents, doors, seats;
  bool is_featured = false;
};

// A location as a card shows it.
struct LocationLabel {
  std::string id, city, state;
};

class IndexCards {
 public:
  void resize(std::size_t slots) { slots_.resize(slots); }
  // `id_text`: the car's uuid as text (its media folder's name).
  void set(std::size_t slot, std::string_view id_text, const CardExtrasRow& row);
  // Fills `card`'s members kept here (title, trim, list and previous price, doors, seats,
  // featured, hero path). Views into this table, and into `hero` for the hero's path: valid
  // until the next change of either.
  void fill(std::size_t slot, std::string_view id_text, CardValues& card, std::string& hero) const;

  void set_locations(const std::vector<LocationLabel>& locations);
  [[nodiscard]] std::optional<CardValues::Location> location(std::string_view id) const;

 private:
  static constexpr std::int64_t kNull = INT64_MIN;
  static constexpr std::uint32_t kUnderOwnFolder = 1U << 31;  // hero code: a file name only

  struct Slot {
    std::int64_t price_list_cents = kNull, price_previous_cents = kNull;
    std::uint32_t title = 0, trim = 0, hero = 0;  // codes in texts_, 0 = NULL
    std::int8_t doors = -1, seats = -1;           // -1 = NULL
    bool featured = false;
  };

  // Each distinct text once, by a code from 1. Codes are never freed: an edit adds at most a
  // few texts, and a reload starts afresh.
  class TextTable {
   public:
    std::uint32_t code(std::string_view text);
    [[nodiscard]] std::string_view text(std::uint32_t code) const { return texts_[code - 1]; }

   private:
    std::deque<std::string> texts_;  // stable addresses: the map's keys view them
    std::unordered_map<std::string_view, std::uint32_t> codes_;
  };

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Label {
    std::string city, state;
  };

  std::vector<Slot> slots_;
  TextTable texts_;
  std::unordered_map<std::string, Label, TextHash, std::equal_to<>> locations_;
};

}  // namespace forecourt::api
