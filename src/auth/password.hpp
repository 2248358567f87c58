#pragma once
// Password hashing for the embedded auth server: new hashes are argon2id (libsodium,
// interactive limits); bcrypt hashes imported from GoTrue / pgcrypto still verify and are
// flagged for rehashing.
#include <string>
#include <string_view>

namespace forecourt::auth {

// "$argon2id$v=19$m=65536,t=2,p=1$…". Throws std::runtime_error if libsodium cannot allocate.
std::string hash_password(std::string_view password);

// Accepts $argon2id$ / $argon2i$ and $2a$ / $2b$ / $2y$ (bcrypt) hashes; false for anything
// else, and for passwords containing NUL (the C APIs would silently ignore what follows it).
// bcrypt only reads the first 72 bytes of a password, as in GoTrue.
[[nodiscard]] bool verify_password(std::string_view password, std::string_view stored_hash);

// True unless the hash is argon2id with today's parameters: rehash after a successful login.
[[nodiscard]] bool password_needs_rehash(std::string_view stored_hash);

// Costs what verify_password costs on an argon2id hash. Call it when the account does not
// exist, so "no such user" and "wrong password" take the same time (no enumeration).
// The first call also computes its reference hash: call it once at start-up.
void burn_equivalent_time();

// Compares without an early exit; only the lengths can leak, which is acceptable for
// MACs, codes and hashes whose length is public.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace forecourt::auth
