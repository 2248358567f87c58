#pragma once
// Test-drive availability on the vehicle page: bookable slots from a location's opening
// hours (locations.hours_json), minus past and fully booked ones.
//
// hours_json format (one department's week):
//   {"mon": [["09:00","18:00"]], "tue": [["09:00","12:00"],["13:00","18:00"]], "sun": []}
// Keys are mon tue wed thu fri sat sun; a missing day or [] is closed. Each interval is
// ["HH:MM","HH:MM"], local wall-clock time, open < close, "24:00" allowed as a close;
// intervals of one day must not overlap. Unknown keys are refused (a typo such as "monday"
// would otherwise close a day silently). A location's column may hold several departments,
// {"sales": {...week...}, "service": {...week...}}: parse_location_hours picks one.
#include <array>
#include <boost/json/fwd.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace forecourt::domain {

struct OpeningInterval {
  int open_minute = 0;   // minutes after local midnight, 0..1439
  int close_minute = 0;  // 1..1440, > open_minute

  friend bool operator==(const OpeningInterval&, const OpeningInterval&) = default;
};

// Index 0 is Monday (ISO weekday − 1); intervals sorted by opening time.
struct WeeklyHours {
  std::array<std::vector<OpeningInterval>, 7> days;
};

// One week in the format above. Problems have code invalid_hours and field "hours_json"
// (or "hours_json/<day>" for a bad day).
Result<WeeklyHours> parse_weekly_hours(const boost::json::value& week);

// A location's hours_json: the `department` member when present ("sales" for test drives,
// "service" for the workshop), else the object itself if it is a plain week.
Result<WeeklyHours> parse_location_hours(const boost::json::value& hours_json,
                                         std::string_view department);

struct SlotRequest {
  std::chrono::year_month_day first_day{};  // local date of the location
  int days = 7;                             // 1..60
  // The location's offset from UTC (e.g. -300 for New York in winter), -840..840. One
  // offset for the whole window: the caller passes the offset in force, so a window that
  // crosses a DST change is off by an hour after it (acceptable for a 1-2 week view).
  int utc_offset_minutes = 0;
  std::chrono::minutes slot_length{30};  // 5..240
  std::chrono::sys_seconds now{};        // slots starting before now + min_notice are past
  std::chrono::minutes min_notice{0};
  std::vector<std::chrono::sys_seconds> booked_starts;  // one entry per existing booking
  int capacity_per_slot = 1;                            // bookings a slot takes, 1..100
};

struct Slot {
  std::chrono::sys_seconds start{};  // UTC
  std::chrono::sys_seconds end{};
  std::chrono::year_month_day local_date{};
  int local_start_minute = 0;
};

// Every free slot, in time order. A slot fits wholly inside an opening interval and starts
// at the interval's opening plus a multiple of slot_length. Problems name the field:
// "days", "utc_offset_minutes", "slot_length", "min_notice", "capacity_per_slot",
// "first_day".
Result<std::vector<Slot>> available_slots(const WeeklyHours& hours, const SlotRequest& request);

// "2026-11-25T09:30:00-05:00": a slot start in the location's local time, for responses.
std::string format_local_time(std::chrono::sys_seconds instant, int utc_offset_minutes);
// The same, appended to `out` (a page writes ~100 of them).
void append_local_time(std::string& out, std::chrono::sys_seconds instant, int utc_offset_minutes);

}  // namespace forecourt::domain
