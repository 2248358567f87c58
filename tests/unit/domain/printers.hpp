#pragma once
// gtest printers, so a failed comparison shows "592.62" instead of raw bytes.
#include <ostream>

#include "domain/money.hpp"

namespace forecourt::domain {

inline void PrintTo(Cents amount, std::ostream* os) { *os << format_money(amount); }
inline void PrintTo(Rate rate, std::ostream* os) { *os << format_percent(rate) << '%'; }

}  // namespace forecourt::domain
