#include "auth/password.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace forecourt::auth {
namespace {

// bcrypt hashes made elsewhere: jBCrypt's published vectors ($2a$06$…) and Python's
// crypt.crypt('hunter2', mksalt(METHOD_BLOWFISH, rounds=1024)), i.e. cost 10 as pgcrypto's
// gen_salt('bf', 10) makes. $2a$ / $2b$ / $2y$ give the same hash for ASCII passwords.
constexpr std::string_view kBcryptAbc =
    "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i";
constexpr std::string_view kBcryptA =
    "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe";
constexpr std::string_view kBcryptHunter2b =
    "$2b$10$tlAWPc2w5JmP5CR7MMHu9OQqIc4uyAD3KESnGoHfgyRmNeGoII/sW";
constexpr std::string_view kBcryptHunter2a =
    "$2a$10$tlAWPc2w5JmP5CR7MMHu9OQqIc4uyAD3KESnGoHfgyRmNeGoII/sW";
constexpr std::string_view kBcryptHunter2y =
    "$2y$10$tlAWPc2w5JmP5CR7MMHu9OQqIc4uyAD3KESnGoHfgyRmNeGoII/sW";

// One argon2id hash for the whole file: each costs ~64 MiB and tens of milliseconds.
const std::string& argon2_hash() {
  static const std::string hash = hash_password("correct horse battery staple");
  return hash;
}

TEST(Password, HashesWithArgon2idInteractiveLimits) {
  EXPECT_TRUE(argon2_hash().starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << argon2_hash();
}

TEST(Password, VerifiesArgon2idHashes) {
  EXPECT_TRUE(verify_password("correct horse battery staple", argon2_hash()));
  EXPECT_FALSE(verify_password("correct horse battery stapl", argon2_hash()));
  EXPECT_FALSE(verify_password("", argon2_hash()));
}

TEST(Password, SaltsEveryHash) {
  const std::string again = hash_password("correct horse battery staple");
  EXPECT_NE(again, argon2_hash());
  EXPECT_TRUE(verify_password("correct horse battery staple", again));
}

TEST(Password, HashesEmptyAndLongPasswords) {
  const std::string long_password(10'000, 'p');
  const std::string hash = hash_password(long_password);
  EXPECT_TRUE(verify_password(long_password, hash));
  EXPECT_FALSE(verify_password(long_password.substr(1), hash));
}

TEST(Password, VerifiesBcryptHashesFromOtherImplementations) {
  EXPECT_TRUE(verify_password("abc", kBcryptAbc));
  EXPECT_TRUE(verify_password("a", kBcryptA));
  EXPECT_FALSE(verify_password("abd", kBcryptAbc));
  EXPECT_FALSE(verify_password("", kBcryptA));
  for (std::string_view hash : {kBcryptHunter2a, kBcryptHunter2b, kBcryptHunter2y}) {
    EXPECT_TRUE(verify_password("hunter2", hash)) << hash;
    EXPECT_FALSE(verify_password("hunter3", hash)) << hash;
    EXPECT_FALSE(verify_password("Hunter2", hash)) << hash;
  }
}

TEST(Password, RefusesTamperedOrTruncatedBcryptHashes) {
  std::string tampered(kBcryptAbc);
  tampered.back() = tampered.back() == 'i' ? 'j' : 'i';
  EXPECT_FALSE(verify_password("abc", tampered));
  EXPECT_FALSE(verify_password("abc", kBcryptAbc.substr(0, 59)));
  std::string longer(kBcryptAbc);
  longer.push_back('x');
  EXPECT_FALSE(verify_password("abc", longer));
  EXPECT_FALSE(verify_password("abc", kBcryptAbc.substr(0, 29)));
}

TEST(Password, RefusesUnknownHashFormats) {
  for (std::string_view hash :
       {"", "abc", "plaintext-password", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",
        "$5$rounds=5000$salt$abc", "$argon2d$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
        "$2x$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"}) {
    EXPECT_FALSE(verify_password("abc", hash)) << hash;
  }
  EXPECT_FALSE(verify_password("plaintext-password", "plaintext-password"))
      << "stored plaintext never matches";
}

TEST(Password, RefusesPasswordsWithNul) {
  // crypt() would stop at the NUL and accept "abc\0anything" for "abc".
  EXPECT_FALSE(verify_password(std::string_view("abc\0xyz", 7), kBcryptAbc));
}

TEST(Password, BcryptReadsOnlyTheFirst72Bytes) {
  // As in GoTrue: documented rather than hidden. Hash of 72 × 'k' (Python crypt, cost 4).
  constexpr std::string_view hash = "$2b$04$abcdefghijklmnopqrstuuxC5zBssI9/6x/6iWxqqDBY.Vv9oVG2q";
  const std::string p72(72, 'k');
  EXPECT_TRUE(verify_password(p72, hash));
  EXPECT_TRUE(verify_password(p72 + "tail", hash));
  EXPECT_FALSE(verify_password(p72.substr(1), hash));
}

TEST(Password, NeedsRehashUnlessCurrentArgon2id) {
  EXPECT_FALSE(password_needs_rehash(argon2_hash()));
  EXPECT_TRUE(password_needs_rehash(kBcryptHunter2b));
  EXPECT_TRUE(
      password_needs_rehash("$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
                            "RdescudvJCsgt3ub+b+dWRWJTmaaJObGAAAAAAAAAAA"));
  EXPECT_TRUE(
      password_needs_rehash("$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+"
                            "b+dWRWJTmaaJObGAAAAAAAAAAA"));
  EXPECT_TRUE(password_needs_rehash(""));
  EXPECT_TRUE(password_needs_rehash("garbage"));
}

template <class F>
std::chrono::nanoseconds fastest_of_three(F f) {
  auto best = std::chrono::nanoseconds::max();
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::steady_clock::now() - start));
  }
  return best;
}

TEST(Password, UnknownUserCostsAsMuchAsAWrongPassword) {
  burn_equivalent_time();  // first call also builds its reference hash
  const auto wrong_password =
      fastest_of_three([] { static_cast<void>(verify_password("wrong", argon2_hash())); });
  const auto unknown_user = fastest_of_three([] { burn_equivalent_time(); });
  EXPECT_GT(unknown_user.count(), wrong_password.count() / 2);
  EXPECT_LT(unknown_user.count(), wrong_password.count() * 2);
}

TEST(Password, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_TRUE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace forecourt::auth
