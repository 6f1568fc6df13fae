// The server master key: the root of every key Strata derives (the secret box
// that seals access-key secrets, the JWT signing key). From STRATA_MASTER_KEY
// (64 hex digits, or base64 of 32 bytes) when set; otherwise read from a file
// beside the metadata, created with 32 random bytes (mode 0600) on first start.
// Losing it makes stored access-key secrets unreadable: back it up with the
// metadata (docs/admin-api.md says so).
#pragma once

#include <filesystem>
#include <string_view>

#include "auth/session/secret_box.h"
#include "common/random.h"
#include "common/result.h"

namespace strata::auth {

class MasterKey {
 public:
  explicit MasterKey(const SecretKey& bytes) : bytes_(bytes) {}

  // HKDF-SHA256 (OpenSSL) of the master key with `purpose` as info and no
  // salt: independent keys per use ("strata/secret-box/v1", "strata/jwt/v1").
  // Deterministic and thread-safe. Aborts if OpenSSL offers no HKDF (never
  // with the default provider) rather than return a weak key.
  SecretKey Derive(std::string_view purpose) const;

 private:
  SecretKey bytes_;
};

struct LoadedMasterKey {
  MasterKey key;
  bool generated = false;  // true on the start that created the file
};

// env_value: STRATA_MASTER_KEY's value, "" when unset (then `file` is used).
// kInvalidArgument for an env value that is not 32 bytes in hex or base64, or
// a file that does not hold exactly 32 bytes (raw) or their 64 hex digits;
// kInternal when the file cannot be read or created.
// Whitespace around the env value, and after the hex digits in the file, is
// ignored; messages never contain the key. A new file is written to a
// temporary name, fsynced, renamed into place without replacing (if another
// process created it first, its key is used) and its directory fsynced; the
// directory must exist. An existing file is never rewritten.
common::Result<LoadedMasterKey> LoadMasterKey(std::string_view env_value,
                                              const std::filesystem::path& file,
                                              common::Random& random);

}  // namespace strata::auth
