#include "auth/sodium_init.hpp"

#include <sodium.h>

#include <stdexcept>

namespace forecourt::auth {

void ensure_sodium_initialized() {
  static const bool initialized = sodium_init() >= 0;  // 1 = already initialised, also fine
  if (!initialized) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace forecourt::auth
