#include "api/index_cards.hpp"

#include <limits>

namespace forecourt::api {

namespace {

constexpr std::string_view kMediaBucket = "vehicle-media/";

// The car's own media folder ("vehicle-media/<id>/") is the start of `path`.
bool under_own_folder(std::string_view path, std::string_view id_text) {
  return path.size() > kMediaBucket.size() + id_text.size() + 1 && path.starts_with(kMediaBucket) &&
         path.substr(kMediaBucket.size(), id_text.size()) == id_text &&
         path[kMediaBucket.size() + id_text.size()] == '/';
}

std::int8_t small_or_null(const std::optional<std::int64_t>& v) {
  // doors 0-6 and seats 1-15 by the table's checks.
  if (!v || *v < 0 || *v > std::numeric_limits<std::int8_t>::max()) return -1;
  return static_cast<std::int8_t>(*v);
}

}  // namespace

std::uint32_t IndexCards::TextTable::code(std::string_view text) {
  if (auto it = codes_.find(text); it != codes_.end()) return it->second;
  texts_.emplace_back(text);
  auto code = static_cast<std::uint32_t>(texts_.size());
  codes_.emplace(texts_.back(), code);
  return code;
}

void IndexCards::set(std::size_t slot, std::string_view id_text, const CardExtrasRow& row) {
  Slot s;
  s.title = texts_.code(row.title);
  if (row.trim) s.trim = texts_.code(*row.trim);
  if (row.hero_image_path) {
    std::string_view path = *row.hero_image_path;
    s.hero =
        under_own_folder(path, id_text)
            ? texts_.code(path.substr(kMediaBucket.size() + id_text.size() + 1)) | kUnderOwnFolder
            : texts_.code(path);
  }
  s.price_list_cents = row.price_list_cents.value_or(kNull);
  s.price_previous_cents = row.price_previous_cents.value_or(kNull);
  s.doors = small_or_null(row.doors);
  s.seats = small_or_null(row.seats);
  s.featured = row.is_featured;
  slots_[slot] = s;
}

void IndexCards::fill(std::size_t slot, std::string_view id_text, CardValues& card,
                      std::string& hero) const {
  const Slot& s = slots_[slot];
  auto optional_cents = [](std::int64_t v) -> std::optional<std::int64_t> {
    if (v == kNull) return std::nullopt;
    return v;
  };
  auto optional_small = [](std::int8_t v) -> std::optional<std::int64_t> {
    if (v < 0) return std::nullopt;
    return v;
  };
  card.title = texts_.text(s.title);
  card.trim = s.trim == 0 ? std::nullopt : std::optional(texts_.text(s.trim));
  card.price_list_cents = optional_cents(s.price_list_cents);
  card.price_previous_cents = optional_cents(s.price_previous_cents);
  card.doors = optional_small(s.doors);
  card.seats = optional_small(s.seats);
  card.is_featured = s.featured;
  card.hero_image_path.reset();
  if (s.hero == 0) return;
  if ((s.hero & kUnderOwnFolder) == 0) {
    card.hero_image_path = texts_.text(s.hero);
    return;
  }
  hero.assign(kMediaBucket)
      .append(id_text)
      .append("/")
      .append(texts_.text(s.hero & ~kUnderOwnFolder));
  card.hero_image_path = hero;
}

void IndexCards::set_locations(const std::vector<LocationLabel>& locations) {
  locations_.clear();
  for (const auto& l : locations) locations_[l.id] = Label{l.city, l.state};
}

std::optional<CardValues::Location> IndexCards::location(std::string_view id) const {
  auto it = locations_.find(id);
  if (it == locations_.end()) return std::nullopt;
  return CardValues::Location{.id = it->first, .city = it->second.city, .state = it->second.state};
}

}  // namespace forecourt::api
