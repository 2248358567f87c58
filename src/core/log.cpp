#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <ctime>

namespace forecourt::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::info)};

spdlog::logger& logger() {
  // A plain line sink: the JSON is built here, spdlog only serialises the writes.
  static auto instance = [] {
    auto l = std::make_shared<spdlog::logger>("forecourt",
                                              std::make_shared<spdlog::sinks::stdout_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *instance;
}

std::string_view level_name(Level l) {
  switch (l) {
    case Level::trace:
      return "trace";
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  (void)std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                      static_cast<long long>(micros));
  return buf;
}

}  // namespace

void init(std::string_view name) {
  Level l = Level::info;
  for (auto candidate : {Level::trace, Level::debug, Level::info, Level::warn, Level::error}) {
    if (level_name(candidate) == name) l = candidate;
  }
  g_min_level = static_cast<int>(l);
  (void)logger();
}

bool enabled(Level level) {
  return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view msg, boost::json::object fields) {
  if (!enabled(level)) return;
  boost::json::object line;
  line.reserve(fields.size() + 3);
  line["ts"] = utc_timestamp();
  line["level"] = level_name(level);
  line["msg"] = msg;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  logger().info(boost::json::serialize(line));
}

}  // namespace forecourt::log
