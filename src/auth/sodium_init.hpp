#pragma once
// libsodium must be initialised once before its random and hashing functions are used.
namespace forecourt::auth {

// Idempotent and thread-safe; throws std::runtime_error if libsodium cannot initialise.
void ensure_sodium_initialized();

}  // namespace forecourt::auth
