#pragma once
// Vehicle Identification Numbers (49 CFR 565): shape, check digit (position 9), model year
// (position 10), and deterministic valid VINs for seed data and tests.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace forecourt::domain {

// 17 characters from A-Z and 0-9 except I, O and Q, uppercase only. Strict on purpose:
// stored VINs are canonical; validate_vin is the lenient entry point for user input.
bool is_well_formed_vin(std::string_view vin);

// The check digit ('0'-'9' or 'X') that position 9 must hold. Position 9 of the input is
// ignored (the CFR example writes '?'); every other position must be a VIN character and
// the length 17, otherwise '\0' is returned, which never equals a real check digit.
char vin_check_digit(std::string_view vin);

// The canonical (uppercased) VIN, or a Problem on field "vin": invalid_vin_format when
// is_well_formed_vin fails after uppercasing, invalid_vin_check_digit when position 9 is
// wrong. require_check_digit = false accepts VINs from outside North America, where the
// check digit is not compulsory. Surrounding spaces are not trimmed: the edge does that.
Result<std::string> validate_vin(std::string_view vin, bool require_check_digit = true);

// The model year coded in position 10. The code repeats every 30 years (A = 1980, 2010,
// 2040), so the answer is the latest candidate year <= current_year + 1 (a model year runs
// ahead of the calendar by up to one year). Problem invalid_vin_year_code for a character
// that codes no year (0, I, O, Q, U, Z) or a VIN shorter than 10.
Result<int> vin_model_year(std::string_view vin, int current_year);

// A valid VIN (check digit included) that depends only on its arguments: the same seed
// gives the same VIN. The serial (positions 12-17) is seed % 1'000'000 and positions 4-8
// encode the rest, so distinct seeds below 33^5 * 10^6 (~3.9e13) give distinct VINs.
// A WMI character that is not a VIN character is replaced (upper-cased or mapped to one),
// so the result is always valid. model_year in 1980..2039 sets position 10; 0 derives it
// from the seed.
std::string make_vin(std::uint64_t seed, std::string_view wmi, int model_year = 0);

}  // namespace forecourt::domain
