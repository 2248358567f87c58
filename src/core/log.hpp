#pragma once
// Structured logs: one JSON object per line on stdout, with `ts`, `level` and `msg`
// added here. Callers pass fields; secrets never go in (config is logged redacted).
#include <boost/json/object.hpp>
#include <string_view>

namespace forecourt::log {

enum class Level { trace, debug, info, warn, error };

void init(std::string_view level_name);
bool enabled(Level level);
void write(Level level, std::string_view msg, boost::json::object fields = {});

inline void debug(std::string_view msg, boost::json::object fields = {}) {
  if (enabled(Level::debug)) write(Level::debug, msg, std::move(fields));
}
inline void info(std::string_view msg, boost::json::object fields = {}) {
  write(Level::info, msg, std::move(fields));
}
inline void warn(std::string_view msg, boost::json::object fields = {}) {
  write(Level::warn, msg, std::move(fields));
}
inline void error(std::string_view msg, boost::json::object fields = {}) {
  write(Level::error, msg, std::move(fields));
}

}  // namespace forecourt::log
