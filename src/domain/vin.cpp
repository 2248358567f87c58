#include "domain/vin.hpp"

#include <array>

#include "domain/ascii.hpp"

namespace forecourt::domain {
namespace {

constexpr std::size_t kVinLength = 17;
constexpr std::size_t kCheckPos = 8;  // position 9, zero-based
constexpr std::size_t kYearPos = 9;   // position 10
constexpr std::array<int, kVinLength> kWeights = {8, 7, 6, 5, 4, 3, 2, 10, 0,
                                                  9, 8, 7, 6, 5, 4, 3, 2};
// Position 10 codes, in order from 1980; the cycle restarts every 30 years.
constexpr std::string_view kYearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789";
constexpr int kYearCycleStart = 1980;
constexpr int kYearCycle = 30;
// Every character a VIN may hold, for make_vin.
constexpr std::string_view kVinAlphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

// 49 CFR 565.15 transliteration; -1 for a character a VIN never holds.
int transliterate(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  // A..Z; I, O and Q are not VIN characters.
  constexpr std::array<int, 26> kLetters = {1, 2,  3, 4,  5, 6, 7, 8, -1, 1, 2, 3, 4,
                                            5, -1, 7, -1, 9, 2, 3, 4, 5,  6, 7, 8, 9};
  if (c >= 'A' && c <= 'Z') return kLetters[static_cast<std::size_t>(c - 'A')];
  return -1;
}

// The check digit of 17 VIN characters, ignoring position 9; '\0' if one is invalid.
char check_digit_of(std::string_view vin) {
  if (vin.size() != kVinLength) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < kVinLength; ++i) {
    if (i == kCheckPos) continue;
    const int value = transliterate(vin[i]);
    if (value < 0) return '\0';
    sum += value * kWeights[i];
  }
  const int remainder = sum % 11;
  return remainder == 10 ? 'X' : static_cast<char>('0' + remainder);
}

// splitmix64: a cheap, well-mixed, deterministic function of the seed.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

char vin_char(std::uint64_t index) { return kVinAlphabet[index % kVinAlphabet.size()]; }

std::string coerce_wmi(std::string_view wmi) {
  std::string out;
  for (std::size_t i = 0; i < 3; ++i) {
    const char c = i < wmi.size() ? ascii_upper(wmi[i]) : '9';
    out += transliterate(c) >= 0 ? c : vin_char(static_cast<unsigned char>(c));
  }
  return out;
}

char year_code(std::uint64_t seed, int model_year) {
  const bool given = model_year >= kYearCycleStart && model_year < kYearCycleStart + 2 * kYearCycle;
  const auto index = given ? static_cast<std::uint64_t>((model_year - kYearCycleStart) % kYearCycle)
                           : mix(seed ^ 0x5EEDULL) % kYearCodes.size();
  return kYearCodes[index];
}

}  // namespace

bool is_well_formed_vin(std::string_view vin) {
  if (vin.size() != kVinLength) return false;
  for (char c : vin) {
    if (transliterate(c) < 0) return false;
  }
  return true;
}

char vin_check_digit(std::string_view vin) { return check_digit_of(vin); }

Result<std::string> validate_vin(std::string_view vin, bool require_check_digit) {
  // One Result returned by name (NRVO): moving a 17-character string into it instead makes
  // GCC 12 report a false -Warray-bounds at -O2.
  Result<std::string> result{std::string(vin)};
  std::string& canonical = *result;
  for (char& c : canonical) c = ascii_upper(c);
  if (!is_well_formed_vin(canonical)) {
    result = Problem{"invalid_vin_format",
                     "A VIN is 17 characters, letters and digits without I, O or Q.", "vin"};
  } else if (require_check_digit && canonical[kCheckPos] != check_digit_of(canonical)) {
    result = Problem{"invalid_vin_check_digit",
                     "The VIN's check digit (position 9) does not match: it is mistyped.", "vin"};
  }
  return result;
}

Result<int> vin_model_year(std::string_view vin, int current_year) {
  const auto code =
      vin.size() > kYearPos ? kYearCodes.find(ascii_upper(vin[kYearPos])) : std::string_view::npos;
  if (code == std::string_view::npos) {
    return Problem{"invalid_vin_year_code", "Position 10 of the VIN codes no model year.", "vin"};
  }
  int year = kYearCycleStart + static_cast<int>(code);
  while (year + kYearCycle <= current_year + 1) year += kYearCycle;
  return year;
}

std::string make_vin(std::uint64_t seed, std::string_view wmi, int model_year) {
  constexpr std::uint64_t kSerials = 1'000'000;
  constexpr std::uint64_t kVdsSpace = 33ULL * 33 * 33 * 33 * 33;
  const std::uint64_t serial = seed % kSerials;
  // Adding a function of the serial keeps (vds, serial) -> seed invertible, so distinct
  // seeds stay distinct while positions 4-8 still vary between neighbouring seeds.
  std::uint64_t vds = (seed / kSerials + mix(serial)) % kVdsSpace;
  std::string vin = coerce_wmi(wmi);
  for (int i = 0; i < 5; ++i, vds /= kVinAlphabet.size()) vin += vin_char(vds);
  vin += '0';  // check digit placeholder
  vin += year_code(seed, model_year);
  vin += vin_char(mix(seed) >> 8U);                                        // plant
  const std::string digits = std::to_string(serial + kSerials).substr(1);  // 6, zero-padded
  vin += digits;
  vin[kCheckPos] = check_digit_of(vin);
  return vin;
}

}  // namespace forecourt::domain
