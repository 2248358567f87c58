#include "domain/schedule.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace forecourt::domain {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr std::chrono::year_month_day kMonday{std::chrono::year{2026}, std::chrono::November,
                                              std::chrono::day{23}};
constexpr int kNewYorkWinter = -300;

WeeklyHours hours_of(std::string_view text) {
  auto h = parse_weekly_hours(json::parse(text));
  EXPECT_TRUE(h.ok()) << text << ": " << h.problem().detail;
  return h.ok() ? *h : WeeklyHours{};
}

Problem problem_of(std::string_view text) {
  auto h = parse_weekly_hours(json::parse(text));
  EXPECT_FALSE(h.ok()) << text;
  return h.ok() ? Problem{} : h.problem();
}

// A UTC instant from a local wall-clock time at the New York winter offset.
sys_seconds ny(std::chrono::year_month_day day, int hour, int minute = 0) {
  return sys_days{day} + std::chrono::hours{hour} + std::chrono::minutes{minute} -
         std::chrono::minutes{kNewYorkWinter};
}

TEST(DomainSchedule, ParsesAWeek) {
  const auto h = hours_of(R"({"mon":[["09:00","18:00"]],
                              "tue":[["13:00","18:00"],["09:00","12:00"]],
                              "sat":[["10:00","16:00"]], "sun":[]})");
  EXPECT_EQ(h.days[0], (std::vector<OpeningInterval>{{540, 1080}}));
  // Sorted by opening time.
  EXPECT_EQ(h.days[1], (std::vector<OpeningInterval>{{540, 720}, {780, 1080}}));
  EXPECT_TRUE(h.days[2].empty());  // missing day: closed
  EXPECT_EQ(h.days[5], (std::vector<OpeningInterval>{{600, 960}}));
  EXPECT_TRUE(h.days[6].empty());
}

TEST(DomainSchedule, AcceptsMidnightBoundsAndTouchingIntervals) {
  const auto h = hours_of(R"({"fri":[["00:00","12:00"],["12:00","24:00"]]})");
  EXPECT_EQ(h.days[4], (std::vector<OpeningInterval>{{0, 720}, {720, 1440}}));
  EXPECT_TRUE(hours_of("{}").days[0].empty());
}

TEST(DomainSchedule, RefusesMalformedHoursNamingTheDay) {
  const auto p = problem_of(R"({"mon":[["9:00","18:00"]]})");
  EXPECT_EQ(p.code, "invalid_hours");
  EXPECT_EQ(p.field, "hours_json/mon");
  EXPECT_FALSE(p.detail.empty());
  for (std::string_view bad :
       {R"({"mon":[["09-00","18:00"]]})", R"({"mon":[["25:00","26:00"]]})",
        R"({"mon":[["09:00","24:30"]]})", R"({"mon":[["09:60","18:00"]]})",
        R"({"mon":[["ab:cd","18:00"]]})", R"({"mon":[[900,1800]]})", R"({"mon":[["09:00"]]})",
        R"({"mon":[["09:00","12:00","18:00"]]})", R"({"mon":["09:00-18:00"]})",
        R"({"mon":[["18:00","09:00"]]})", R"({"mon":[["09:00","09:00"]]})",
        R"({"mon":[["24:00","24:00"]]})", R"({"mon":[["09:00","13:00"],["12:00","18:00"]]})",
        R"({"mon":{"open":"09:00"}})", R"({"mon":[["09:0a","18:00"]]})",
        R"({"mon":[["0900:","18:00"]]})"}) {
    const auto q = problem_of(bad);
    EXPECT_EQ(q.code, "invalid_hours") << bad;
    EXPECT_EQ(q.field, "hours_json/mon") << bad;
  }
}

TEST(DomainSchedule, RefusesUnknownDaysAndNonObjects) {
  auto p = problem_of(R"({"monday":[["09:00","18:00"]]})");
  EXPECT_EQ(p.field, "hours_json");
  EXPECT_NE(p.detail.find("monday"), std::string::npos);
  EXPECT_EQ(problem_of("[]").code, "invalid_hours");
  EXPECT_EQ(problem_of("null").field, "hours_json");
}

TEST(DomainSchedule, LocationHoursPickTheDepartment) {
  const auto doc = json::parse(R"({"sales":{"mon":[["09:00","20:00"]]},
                                   "service":{"mon":[["07:00","17:00"]]}})");
  EXPECT_EQ(parse_location_hours(doc, "sales")->days[0],
            (std::vector<OpeningInterval>{{540, 1200}}));
  EXPECT_EQ(parse_location_hours(doc, "service")->days[0],
            (std::vector<OpeningInterval>{{420, 1020}}));
  auto missing = parse_location_hours(doc, "parts");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.problem().code, "no_department_hours");
  EXPECT_EQ(missing.problem().field, "hours_json");
}

TEST(DomainSchedule, LocationHoursMayBeAPlainWeek) {
  const auto plain = json::parse(R"({"mon":[["09:00","18:00"]],"sun":[]})");
  EXPECT_EQ(parse_location_hours(plain, "sales")->days[0],
            (std::vector<OpeningInterval>{{540, 1080}}));
  // The column's default, {}: open no day.
  auto empty = parse_location_hours(json::parse("{}"), "sales");
  ASSERT_TRUE(empty.ok());
  for (const auto& day : empty->days) EXPECT_TRUE(day.empty());
}

TEST(DomainSchedule, LocationHoursProblemsNameThePath) {
  auto bad = parse_location_hours(json::parse(R"({"sales":{"mon":[["9","18"]]}})"), "sales");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.problem().field, "hours_json/sales/mon");
  auto not_object = parse_location_hours(json::parse("[1]"), "sales");
  EXPECT_EQ(not_object.problem().code, "invalid_hours");
  EXPECT_EQ(parse_location_hours(json::parse(R"({"sales":[]})"), "sales").problem().field,
            "hours_json/sales");
}

SlotRequest request(sys_seconds now = ny(kMonday, 0)) {
  SlotRequest r;
  r.first_day = kMonday;
  r.days = 1;
  r.utc_offset_minutes = kNewYorkWinter;
  r.now = now;
  return r;
}

TEST(DomainSchedule, SlotsFillOpeningHoursInUtc) {
  const auto hours = hours_of(R"({"mon":[["09:00","11:00"]]})");
  auto slots = available_slots(hours, request());
  ASSERT_TRUE(slots.ok());
  ASSERT_EQ(slots->size(), 4U);
  EXPECT_EQ((*slots)[0].start, ny(kMonday, 9));
  EXPECT_EQ((*slots)[0].start, sys_days{kMonday} + 14h);  // 09:00 EST = 14:00 UTC
  EXPECT_EQ((*slots)[0].end, ny(kMonday, 9, 30));
  EXPECT_EQ((*slots)[0].local_date, kMonday);
  EXPECT_EQ((*slots)[0].local_start_minute, 540);
  EXPECT_EQ((*slots)[3].start, ny(kMonday, 10, 30));
  EXPECT_EQ((*slots)[3].end, ny(kMonday, 11));
}

TEST(DomainSchedule, SlotsMustFitWhollyInsideAnInterval) {
  const auto hours = hours_of(R"({"mon":[["09:00","10:40"],["13:00","13:30"]]})");
  auto r = request();
  r.slot_length = 45min;
  auto slots = available_slots(hours, r);
  ASSERT_EQ(slots->size(), 2U);  // 09:00, 09:45 (10:30 would end at 11:15); 13:00 is too short
  EXPECT_EQ((*slots)[1].start, ny(kMonday, 9, 45));
}

TEST(DomainSchedule, PastSlotsAndTheNoticePeriodAreExcluded) {
  const auto hours = hours_of(R"({"mon":[["09:00","11:00"]]})");
  auto slots = available_slots(hours, request(ny(kMonday, 9, 30)));
  ASSERT_EQ(slots->size(), 3U);  // a slot starting now is still bookable
  EXPECT_EQ(slots->front().start, ny(kMonday, 9, 30));
  auto r = request(ny(kMonday, 9, 31));
  r.min_notice = 30min;
  slots = available_slots(hours, r);
  ASSERT_EQ(slots->size(), 1U);
  EXPECT_EQ(slots->front().start, ny(kMonday, 10, 30));
  EXPECT_TRUE(available_slots(hours, request(ny(kMonday, 12)))->empty());
}

TEST(DomainSchedule, BookedSlotsAreExcludedUpToCapacity) {
  const auto hours = hours_of(R"({"mon":[["09:00","11:00"]]})");
  auto r = request();
  r.booked_starts = {ny(kMonday, 10), ny(kMonday, 9), ny(kMonday, 10), ny(kMonday, 9, 15)};
  auto slots = available_slots(hours, r);
  ASSERT_EQ(slots->size(), 2U);
  EXPECT_EQ((*slots)[0].start, ny(kMonday, 9, 30));
  EXPECT_EQ((*slots)[1].start, ny(kMonday, 10, 30));
  r.capacity_per_slot = 2;  // two test drives at once: only 10:00 is full
  slots = available_slots(hours, r);
  ASSERT_EQ(slots->size(), 3U);
  EXPECT_EQ((*slots)[1].start, ny(kMonday, 9, 30));
}

TEST(DomainSchedule, SeveralDaysFollowTheWeekdays) {
  const auto hours = hours_of(R"({"mon":[["09:00","10:00"]],"sat":[["10:00","11:00"]],"sun":[]})");
  auto r = request();
  r.days = 8;  // Monday to next Monday
  auto slots = available_slots(hours, r);
  ASSERT_EQ(slots->size(), 6U);
  const std::chrono::year_month_day saturday{sys_days{kMonday} + std::chrono::days{5}};
  const std::chrono::year_month_day next_monday{sys_days{kMonday} + std::chrono::days{7}};
  EXPECT_EQ((*slots)[2].local_date, saturday);
  EXPECT_EQ((*slots)[2].local_start_minute, 600);
  EXPECT_EQ((*slots)[4].local_date, next_monday);
  for (std::size_t i = 1; i < slots->size(); ++i)
    EXPECT_LT((*slots)[i - 1].start, (*slots)[i].start);
}

TEST(DomainSchedule, OffsetsEastOfUtcCanMoveSlotsToThePreviousUtcDay) {
  const auto hours = hours_of(R"({"mon":[["00:00","00:30"]]})");
  auto r = request(sys_seconds{});
  r.utc_offset_minutes = 330;  // India
  auto slots = available_slots(hours, r);
  ASSERT_EQ(slots->size(), 1U);
  EXPECT_EQ(slots->front().start, sys_days{kMonday} - 5h - 30min);
}

TEST(DomainSchedule, RequestsAreValidatedAndNamed) {
  const auto hours = hours_of(R"({"mon":[["09:00","11:00"]]})");
  const auto field_of = [&](auto mutate) {
    auto r = request();
    mutate(r);
    auto slots = available_slots(hours, r);
    EXPECT_FALSE(slots.ok());
    if (!slots.ok()) {
      EXPECT_EQ(slots.problem().code, "out_of_range");
    }
    return slots.ok() ? std::string("ok") : slots.problem().field;
  };
  using std::chrono::day;
  using std::chrono::February;
  using std::chrono::year;
  EXPECT_EQ(field_of([](SlotRequest& r) { r.first_day = year{2026} / February / day{30}; }),
            "first_day");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.days = 0; }), "days");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.days = 61; }), "days");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.utc_offset_minutes = -841; }), "utc_offset_minutes");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.utc_offset_minutes = 841; }), "utc_offset_minutes");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.slot_length = 4min; }), "slot_length");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.slot_length = 241min; }), "slot_length");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.min_notice = -1min; }), "min_notice");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.capacity_per_slot = 0; }), "capacity_per_slot");
  EXPECT_EQ(field_of([](SlotRequest& r) { r.capacity_per_slot = 101; }), "capacity_per_slot");
}

TEST(DomainSchedule, FormatsLocalTimesWithTheirOffset) {
  EXPECT_EQ(format_local_time(ny(kMonday, 9, 30), kNewYorkWinter), "2026-11-23T09:30:00-05:00");
  EXPECT_EQ(format_local_time(sys_days{kMonday} + 14h, 0), "2026-11-23T14:00:00+00:00");
  EXPECT_EQ(format_local_time(sys_days{kMonday} + 20h + 45s, 330), "2026-11-24T01:30:45+05:30");
  EXPECT_EQ(format_local_time(sys_days{kMonday} + 2h, -570), "2026-11-22T16:30:00-09:30");
}

}  // namespace
}  // namespace forecourt::domain
