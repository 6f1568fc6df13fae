// Timestamp formats S3 uses on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::common {

// "2026-11-30T22:08:55.123Z" (XML listings).
std::string FormatIso8601Millis(int64_t unix_millis);
// "20261130T220855Z" (SigV4 x-amz-date).
std::string FormatAmzDate(int64_t unix_seconds);
// "Mon, 30 Nov 2026 22:08:55 GMT" (Last-Modified, Date).
std::string FormatHttpDate(int64_t unix_seconds);

// Parses "20261130T220855Z". Returns Unix seconds.
std::optional<int64_t> ParseAmzDate(std::string_view text);
// Parses RFC 1123 ("Mon, 30 Nov 2026 22:08:55 GMT"), RFC 850 and asctime, as
// HTTP requires of recipients, and ISO 8601 as some clients send it.
std::optional<int64_t> ParseHttpDate(std::string_view text);
// Parses an RFC 3339 timestamp: "2026-11-30T22:08:55Z",
// "2026-11-30T22:08:55.123456Z", "2026-11-30T23:08:55+01:00" ('t', 'z' and
// a blank for 'T' accepted, as RFC 3339 allows). Returns Unix milliseconds;
// digits past the milliseconds are dropped. nullopt for anything else, a
// date that does not exist, or a year outside 1970..9999.
std::optional<int64_t> ParseRfc3339Millis(std::string_view text);

}  // namespace strata::common
