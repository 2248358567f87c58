#include "domain/schedule.hpp"

#include <algorithm>
#include <boost/json/value.hpp>
#include <charconv>
#include <optional>

namespace forecourt::domain {
namespace {

using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr std::array<std::string_view, 7> kDayKeys = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};
constexpr int kMinutesPerDay = 24 * 60;

Problem bad_hours(std::string field, std::string detail) {
  return Problem{"invalid_hours", std::move(detail), std::move(field)};
}

std::optional<std::size_t> day_index(std::string_view key) {
  const auto* it = std::find(kDayKeys.begin(), kDayKeys.end(), key);
  if (it == kDayKeys.end()) return std::nullopt;
  return static_cast<std::size_t>(it - kDayKeys.begin());
}

int two_digits(std::string_view s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

// "HH:MM" -> minutes after midnight; "24:00" is allowed (as a closing time).
std::optional<int> parse_clock(const boost::json::value& v) {
  const auto* s = v.if_string();
  if (s == nullptr || s->size() != 5 || (*s)[2] != ':') return std::nullopt;
  const std::string_view text(*s);
  for (std::size_t i : {0U, 1U, 3U, 4U}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hour = two_digits(text.substr(0, 2));
  const int minute = two_digits(text.substr(3, 2));
  if (minute > 59 || hour > 24 || (hour == 24 && minute != 0)) return std::nullopt;
  return hour * 60 + minute;
}

std::optional<OpeningInterval> parse_interval(const boost::json::value& v) {
  const auto* pair = v.if_array();
  if (pair == nullptr || pair->size() != 2) return std::nullopt;
  const auto open = parse_clock((*pair)[0]);
  const auto close = parse_clock((*pair)[1]);
  if (!open || !close || *open >= *close || *open == kMinutesPerDay) return std::nullopt;
  return OpeningInterval{*open, *close};
}

Result<std::vector<OpeningInterval>> parse_day(const boost::json::value& v,
                                               const std::string& field) {
  const auto* list = v.if_array();
  if (list == nullptr) return bad_hours(field, R"(A day is a list of ["HH:MM","HH:MM"] pairs.)");
  std::vector<OpeningInterval> day;
  for (const auto& item : *list) {
    const auto interval = parse_interval(item);
    if (!interval) {
      return bad_hours(field, R"(Each interval is ["HH:MM","HH:MM"] with opening before closing.)");
    }
    day.push_back(*interval);
  }
  std::sort(day.begin(), day.end(),
            [](const auto& a, const auto& b) { return a.open_minute < b.open_minute; });
  for (std::size_t i = 1; i < day.size(); ++i) {
    if (day[i].open_minute < day[i - 1].close_minute) return bad_hours(field, "Intervals overlap.");
  }
  return day;
}

Result<WeeklyHours> parse_week(const boost::json::value& week, const std::string& field) {
  const auto* object = week.if_object();
  if (object == nullptr) {
    return bad_hours(field, "Opening hours are an object keyed by day (mon..sun).");
  }
  WeeklyHours hours;
  for (const auto& [key, value] : *object) {
    const auto index = day_index(key);
    if (!index) {
      return bad_hours(
          field, "Unknown day \"" + std::string(key) + "\": use mon tue wed thu fri sat sun.");
    }
    auto day = parse_day(value, field + "/" + std::string(key));
    if (!day) return day.problem();
    hours.days[*index] = std::move(day).value();
  }
  return hours;
}

std::optional<Problem> check_request(const SlotRequest& r) {
  const auto bad = [](const char* field, const char* detail) {
    return Problem{"out_of_range", detail, field};
  };
  if (!r.first_day.ok()) return bad("first_day", "The first day is not a valid date.");
  if (r.days < 1 || r.days > 60) return bad("days", "Between 1 and 60 days.");
  if (r.utc_offset_minutes < -840 || r.utc_offset_minutes > 840) {
    return bad("utc_offset_minutes", "A UTC offset is between -14:00 and +14:00.");
  }
  if (r.slot_length < minutes{5} || r.slot_length > minutes{240}) {
    return bad("slot_length", "A slot lasts 5 to 240 minutes.");
  }
  if (r.min_notice < minutes{0}) return bad("min_notice", "The notice cannot be negative.");
  if (r.capacity_per_slot < 1 || r.capacity_per_slot > 100) {
    return bad("capacity_per_slot", "A slot takes 1 to 100 bookings.");
  }
  return std::nullopt;
}

std::size_t iso_weekday_index(sys_days day) {
  return std::chrono::weekday{day}.iso_encoding() - 1;  // Monday = 0
}

}  // namespace

Result<WeeklyHours> parse_weekly_hours(const boost::json::value& week) {
  return parse_week(week, "hours_json");
}

Result<WeeklyHours> parse_location_hours(const boost::json::value& hours_json,
                                         std::string_view department) {
  const auto* object = hours_json.if_object();
  if (object == nullptr) return bad_hours("hours_json", "Opening hours are a JSON object.");
  if (const auto* week = object->if_contains(department)) {
    return parse_week(*week, "hours_json/" + std::string(department));
  }
  const bool plain_week = std::all_of(object->begin(), object->end(), [](const auto& member) {
    return day_index(member.key()).has_value();
  });
  if (plain_week) return parse_week(hours_json, "hours_json");
  return Problem{"no_department_hours",
                 "The location publishes no \"" + std::string(department) + "\" hours.",
                 "hours_json"};
}

Result<std::vector<Slot>> available_slots(const WeeklyHours& hours, const SlotRequest& r) {
  if (auto p = check_request(r)) return *std::move(p);
  auto booked = r.booked_starts;
  std::sort(booked.begin(), booked.end());
  const auto is_full = [&](sys_seconds start) {
    const auto [lo, hi] = std::equal_range(booked.begin(), booked.end(), start);
    return hi - lo >= r.capacity_per_slot;
  };
  const sys_seconds earliest = r.now + r.min_notice;
  const minutes offset{r.utc_offset_minutes};
  const auto length = static_cast<int>(r.slot_length.count());
  std::vector<Slot> slots;
  for (int d = 0; d < r.days; ++d) {
    const sys_days local_day = sys_days{r.first_day} + std::chrono::days{d};
    for (const auto& interval : hours.days[iso_weekday_index(local_day)]) {
      for (int m = interval.open_minute; m + length <= interval.close_minute; m += length) {
        const sys_seconds start = local_day + minutes{m} - offset;
        if (start < earliest || is_full(start)) continue;
        slots.push_back(
            Slot{start, start + r.slot_length, std::chrono::year_month_day{local_day}, m});
      }
    }
  }
  return slots;
}

void append_local_time(std::string& out, sys_seconds instant, int utc_offset_minutes) {
  const sys_seconds local = instant + minutes{utc_offset_minutes};
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss time{local - day};
  const int offset = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  // Written into one buffer: a page lists ~100 slots, and the string-by-string version was
  // ~5% of a vehicle page's server time (bench/README.md).
  char buf[40];
  char* end = std::to_chars(buf, buf + 16, static_cast<int>(ymd.year())).ptr;  // an int fits
  auto two = [&end](char sep, int v) {
    *end++ = sep;
    *end++ = static_cast<char>('0' + v / 10);
    *end++ = static_cast<char>('0' + v % 10);
  };
  two('-', static_cast<int>(static_cast<unsigned>(ymd.month())));
  two('-', static_cast<int>(static_cast<unsigned>(ymd.day())));
  two('T', static_cast<int>(time.hours().count()));
  two(':', static_cast<int>(time.minutes().count()));
  two(':', static_cast<int>(time.seconds().count()));
  two(utc_offset_minutes < 0 ? '-' : '+', offset / 60);
  two(':', offset % 60);
  out.append(buf, end);
}

std::string format_local_time(sys_seconds instant, int utc_offset_minutes) {
  std::string out;
  append_local_time(out, instant, utc_offset_minutes);
  return out;
}

}  // namespace forecourt::domain
