#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace strata::common {

// Lower-case hex, as SigV4 and ETags use.
std::string HexEncode(std::span<const unsigned char> bytes);
std::string HexEncode(std::string_view bytes);
// Accepts either case; nullopt on odd length or a non-hex digit.
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
// Strict: nullopt on bad characters or padding.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace strata::common
