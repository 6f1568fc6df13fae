// Encryption of secrets at rest (access-key secrets in the metadata store):
// AES-256-GCM (OpenSSL EVP) with a random 96-bit nonce per seal, and the
// row's identity (the access key id) as associated data, so a sealed secret
// copied into another row does not open.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace strata::auth {

using SecretKey = std::array<uint8_t, 32>;

// Thread-safe: Seal and Open share no state between calls (Seal calls
// `random`, which must then be safe to share too).
class SecretBox {
 public:
  explicit SecretBox(const SecretKey& key) : key_(key) {}

  // "v1." + base64url (no padding) of nonce || ciphertext || 16-byte tag.
  // Seal has no error path: if OpenSSL cannot run AES-GCM at all (out of
  // memory) it aborts rather than return anything unsealed.
  std::string Seal(std::string_view plaintext, std::string_view associated_data,
                   common::Random& random) const;
  // kCorruption when the text is not a sealed secret of this format, was
  // sealed under another key or other associated data, or was altered.
  common::Result<std::string> Open(std::string_view sealed, std::string_view associated_data) const;

 private:
  SecretKey key_;
};

}  // namespace strata::auth
