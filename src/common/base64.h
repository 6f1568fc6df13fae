// base64url (RFC 4648 section 5) without padding, as JWTs and sealed secrets
// print binary data. The standard alphabet with padding (Content-MD5,
// checksums) is Base64Encode/Base64Decode in common/hex.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata::common {

// Alphabet [A-Za-z0-9-_], no '=' padding. Thread-safe (pure).
std::string Base64UrlEncode(std::string_view bytes);

// The inverse of Base64UrlEncode, strict so that each byte string has exactly
// one accepted text: nullopt on any character outside the alphabet (including
// '=', '+', '/' and whitespace), on a length of 1 mod 4, and on unused low
// bits that are not zero. Thread-safe (pure).
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace strata::common
