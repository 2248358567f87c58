#include "domain/vin.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>

namespace forecourt::domain {
namespace {

// The three VINs verified in the research notes (49 CFR 565 example, a Chinese VIN whose
// check digit is X, the ADF sample).
constexpr std::string_view kCfrExample = "1G4AH59H45G118341";
constexpr std::string_view kCheckX = "LJCPCBLCX11000237";
constexpr std::string_view kAdfSample = "2G4WF52L6S1472882";
constexpr std::string_view kVinAlphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

TEST(DomainVin, CheckDigitsOfTheVerifiedVins) {
  EXPECT_EQ(vin_check_digit("1G4AH59H?5G118341"), '4');
  EXPECT_EQ(vin_check_digit(kCfrExample), '4');
  EXPECT_EQ(vin_check_digit(kCheckX), 'X');
  EXPECT_EQ(vin_check_digit(kAdfSample), '6');
}

TEST(DomainVin, CheckDigitOfMalformedInputIsNul) {
  EXPECT_EQ(vin_check_digit(""), '\0');
  EXPECT_EQ(vin_check_digit("1G4AH59H45G11834"), '\0');    // 16
  EXPECT_EQ(vin_check_digit("1G4AH59H45G1183411"), '\0');  // 18
  EXPECT_EQ(vin_check_digit("1G4AH59H45G11834I"), '\0');   // I
  EXPECT_EQ(vin_check_digit("1g4AH59H45G118341"), '\0');   // lowercase is not canonical
}

TEST(DomainVin, WellFormedMeansSeventeenCanonicalCharacters) {
  EXPECT_TRUE(is_well_formed_vin(kCfrExample));
  EXPECT_TRUE(is_well_formed_vin(kCheckX));
  EXPECT_TRUE(is_well_formed_vin("00000000000000000"));
  EXPECT_FALSE(is_well_formed_vin(""));
  EXPECT_FALSE(is_well_formed_vin("1G4AH59H45G11834"));
  EXPECT_FALSE(is_well_formed_vin("1G4AH59H45G1183411"));
  EXPECT_FALSE(is_well_formed_vin("1g4ah59h45g118341"));
  for (char bad : {'I', 'O', 'Q', 'i', 'o', 'q', '-', ' ', '*', '\0'}) {
    std::string vin(kCfrExample);
    vin[12] = bad;
    EXPECT_FALSE(is_well_formed_vin(vin)) << bad;
  }
}

TEST(DomainVin, ValidatesAndCanonicalises) {
  EXPECT_EQ(*validate_vin(kCfrExample), kCfrExample);
  EXPECT_EQ(*validate_vin(kCheckX), kCheckX);
  EXPECT_EQ(*validate_vin(kAdfSample), kAdfSample);
  // Lowercase input is accepted and returned uppercased: people type VINs.
  EXPECT_EQ(*validate_vin("2g4wf52l6s1472882"), kAdfSample);
  EXPECT_EQ(*validate_vin("ljcpcblcx11000237"), kCheckX);
}

TEST(DomainVin, RefusesBadFormatWithTheVinField) {
  for (std::string_view bad : {"", " 2G4WF52L6S1472882", "2G4WF52L6S147288", "2G4WF52L6S1472882 ",
                               "2G4WF52L6S14728O2", "2G4WF52L6S14728-2", "2G4WF52L?S1472882"}) {
    auto r = validate_vin(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.problem().code, "invalid_vin_format") << bad;
    EXPECT_EQ(r.problem().field, "vin");
    // Format problems come first, whether or not the check digit is required.
    EXPECT_EQ(validate_vin(bad, false).problem().code, "invalid_vin_format");
  }
}

TEST(DomainVin, WrongCheckDigitIsRefusedUnlessNotRequired) {
  auto r = validate_vin("2G4WF52L7S1472882");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem().code, "invalid_vin_check_digit");
  EXPECT_EQ(r.problem().field, "vin");
  EXPECT_FALSE(r.problem().detail.empty());
  EXPECT_EQ(*validate_vin("2g4wf52l7s1472882", false), "2G4WF52L7S1472882");
}

// Every single-character substitution of each verified VIN: one that changes the check
// digit (including any change of position 9 itself) is refused; one that happens to keep
// it is accepted. Substitutions by non-VIN characters are format errors.
TEST(DomainVin, EverySingleCharacterMutationThatChangesTheCheckDigitIsRefused) {
  int refused = 0;
  int undetectable = 0;
  for (std::string_view original : {kCfrExample, kCheckX, kAdfSample}) {
    for (std::size_t pos = 0; pos < original.size(); ++pos) {
      for (char c : kVinAlphabet) {
        if (c == original[pos]) continue;
        std::string mutated(original);
        mutated[pos] = c;
        const bool digit_changed = vin_check_digit(mutated) != mutated[8];
        auto r = validate_vin(mutated);
        if (digit_changed) {
          ASSERT_FALSE(r.ok()) << mutated;
          EXPECT_EQ(r.problem().code, "invalid_vin_check_digit") << mutated;
          ++refused;
        } else {
          EXPECT_TRUE(r.ok()) << mutated;  // the check digit cannot see this change
          ++undetectable;
        }
        if (pos == 8) {
          EXPECT_TRUE(digit_changed) << mutated;
        }
      }
      for (char c : {'I', 'O', 'Q', '.', '#'}) {
        std::string mutated(original);
        mutated[pos] = c;
        EXPECT_EQ(validate_vin(mutated).problem().code, "invalid_vin_format") << mutated;
      }
    }
  }
  // 3 VINs x 17 positions x 32 substitutes. Undetectable: the same transliterated value
  // (A/J, B/K/S...) or a position whose weight times the change is 0 mod 11.
  // Counts cross-checked with an independent Python implementation of 49 CFR 565.
  EXPECT_EQ(refused + undetectable, 3 * 17 * 32);
  EXPECT_EQ(refused, 1'514);
  EXPECT_EQ(undetectable, 118);
}

TEST(DomainVin, ModelYearTakesTheLatestCandidateUpToNextYear) {
  // ADF sample: 'S' is 1995 or 2025; the notes' lead says 1995 (a 1995 Buick Regal).
  EXPECT_EQ(*vin_model_year(kAdfSample, 2000), 1995);
  EXPECT_EQ(*vin_model_year(kAdfSample, 2023), 1995);
  EXPECT_EQ(*vin_model_year(kAdfSample, 2024), 2025);  // a 2025 model on sale in 2024
  EXPECT_EQ(*vin_model_year(kAdfSample, 2026), 2025);  // the documented ambiguity
  EXPECT_EQ(*vin_model_year(kCfrExample, 2026), 2005);
  EXPECT_EQ(*vin_model_year(kCheckX, 2026), 2001);
  const auto year_of = [](char code, int current) {
    std::string vin(kCfrExample);
    vin[9] = code;
    return *vin_model_year(vin, current);
  };
  EXPECT_EQ(year_of('A', 2026), 2010);
  EXPECT_EQ(year_of('A', 2039), 2040);  // a 2040 model on sale in 2039
  EXPECT_EQ(year_of('A', 2038), 2010);
  EXPECT_EQ(year_of('Y', 2026), 2000);
  EXPECT_EQ(year_of('Y', 2029), 2030);
  EXPECT_EQ(year_of('1', 2026), 2001);
  EXPECT_EQ(year_of('9', 2026), 2009);
  EXPECT_EQ(year_of('N', 2026), 2022);
  EXPECT_EQ(year_of('T', 2026), 2026);
  EXPECT_EQ(year_of('V', 2026), 2027);
  EXPECT_EQ(year_of('v', 2026), 2027);
  EXPECT_EQ(year_of('W', 2026), 1998);
  EXPECT_EQ(year_of('A', 1970), 1980);  // no earlier candidate exists
}

TEST(DomainVin, ModelYearRefusesCodesThatMeanNoYear) {
  for (char code : {'0', 'I', 'O', 'Q', 'U', 'Z', '-'}) {
    std::string vin(kCfrExample);
    vin[9] = code;
    auto r = vin_model_year(vin, 2026);
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.problem().code, "invalid_vin_year_code");
    EXPECT_EQ(r.problem().field, "vin");
  }
  EXPECT_FALSE(vin_model_year("1G4AH59H4", 2026).ok());
  EXPECT_FALSE(vin_model_year("", 2026).ok());
}

TEST(DomainVin, MadeVinsAreValidAndDeterministic) {
  for (std::uint64_t seed = 0; seed < 5'000; ++seed) {
    const std::string vin = make_vin(seed * 7'919, "1FC");
    ASSERT_TRUE(validate_vin(vin).ok()) << seed << " " << vin;
    EXPECT_EQ(vin.substr(0, 3), "1FC");
  }
  EXPECT_EQ(make_vin(42, "JTD"), make_vin(42, "JTD"));
  EXPECT_NE(make_vin(42, "JTD"), make_vin(43, "JTD"));
  EXPECT_NE(make_vin(42, "JTD"), make_vin(42, "1HG"));
  EXPECT_TRUE(validate_vin(make_vin(std::numeric_limits<std::uint64_t>::max(), "WVW")).ok());
}

TEST(DomainVin, MadeVinsCarryTheSerialAndAreDistinct) {
  EXPECT_EQ(make_vin(123'456, "1FC").substr(11), "123456");
  EXPECT_EQ(make_vin(7, "1FC").substr(11), "000007");
  EXPECT_EQ(make_vin(3'000'007, "1FC").substr(11), "000007");
  std::set<std::string> seen;
  for (std::uint64_t seed = 0; seed < 20'000; ++seed) seen.insert(make_vin(seed, "1FC"));
  // Same serials, different millions: positions 4-8 must tell them apart.
  for (std::uint64_t seed = 1'000'000; seed < 40'000'000; seed += 1'000'000)
    seen.insert(make_vin(seed, "1FC"));
  EXPECT_EQ(seen.size(), 20'000U + 39U);
}

TEST(DomainVin, MadeVinsCanCarryAModelYear) {
  for (int year = 1980; year < 2040; ++year) {
    const std::string vin = make_vin(static_cast<std::uint64_t>(year), "5YJ", year);
    EXPECT_EQ(*vin_model_year(vin, year), year) << vin;
    EXPECT_TRUE(validate_vin(vin).ok());
  }
  // Out of range: derived from the seed, still a real year code.
  for (int year : {0, 1979, 2040}) {
    EXPECT_TRUE(vin_model_year(make_vin(9, "5YJ", year), 2026).ok());
  }
}

TEST(DomainVin, MalformedWmiIsCoercedIntoAValidVin) {
  EXPECT_EQ(make_vin(1, "jtd").substr(0, 3), "JTD");
  EXPECT_EQ(make_vin(1, "").substr(0, 3), "999");
  EXPECT_EQ(make_vin(1, "1HGCM").substr(0, 3), "1HG");
  for (std::string_view wmi : {"IOQ", "io?", "\xff\x01 ", "a"}) {
    const std::string vin = make_vin(5, wmi);
    EXPECT_TRUE(validate_vin(vin).ok()) << vin;
    EXPECT_EQ(vin, make_vin(5, wmi));
  }
}

}  // namespace
}  // namespace forecourt::domain
