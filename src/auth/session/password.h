// Password hashing for people who log in to the admin API and console:
// argon2id (libargon2), in the PHC encoded form ("$argon2id$v=19$m=...,t=...,
// p=...$salt$hash") so the parameters travel with each hash and can be raised
// later without invalidating old ones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace strata::auth {

// Cost parameters. The defaults follow OWASP's argon2id guidance (19 MiB,
// 2 passes, 1 lane): about 30-60 ms on one core here.
struct PasswordCost {
  uint32_t memory_kib = 19 * 1024;
  uint32_t passes = 2;
  uint32_t lanes = 1;
};

// kInvalidArgument for an empty password or one over 1024 bytes; kInternal
// when argon2 fails. The salt is 16 random bytes.
common::Result<std::string> HashPassword(std::string_view password, common::Random& random,
                                         const PasswordCost& cost = {});

// Whether `password` matches `encoded` (constant time in the hash compare).
// False for anything that is not a valid argon2id encoded hash.
bool VerifyPassword(std::string_view encoded, std::string_view password);

// A valid hash of a random password, computed once: verifying against it
// when the user does not exist costs what a real check costs, so response
// time does not tell which user names exist.
const std::string& DecoyPasswordHash();

}  // namespace strata::auth
