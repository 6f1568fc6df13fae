// Typed condition values: numbers, dates, booleans and IP networks, parsed
// from the strings policies and request contexts carry. Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace strata::auth::policy::internal {

// A decimal number: optional sign, digits, optional fraction and exponent
// ("10", "-2.5", "1e3"). No hex, no "inf"/"nan", no spaces.
std::optional<double> ParseNumber(std::string_view text);

// Milliseconds since the Unix epoch from either epoch seconds ("1700000000")
// or ISO 8601: "2026-01-31", "2026-01-31T12:00Z", "2026-01-31T12:00:00Z",
// "2026-01-31T12:00:00.250+02:00" (a missing zone is UTC). Calendar fields
// are range-checked.
std::optional<int64_t> ParseDateMillis(std::string_view text);

// "true" or "false", case-insensitive.
std::optional<bool> ParseBool(std::string_view text);

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first four
};

struct IpNetwork {
  IpAddress address;
  int prefix_length = 0;
};

// "192.0.2.1", "2001:db8::1". An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
// becomes the IPv4 address, so IPv4 networks match dual-stack sockets.
std::optional<IpAddress> ParseIp(std::string_view text);

// "192.0.2.0/24", "2001:db8::/32"; a bare address is a /32 or /128. Host bits
// beyond the prefix are ignored, as AWS does.
std::optional<IpNetwork> ParseCidr(std::string_view text);

// Whether `address` lies in `network` (never across IPv4 and IPv6).
bool NetworkContains(const IpNetwork& network, const IpAddress& address);

}  // namespace strata::auth::policy::internal
