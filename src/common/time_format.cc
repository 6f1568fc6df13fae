#include "common/time_format.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace strata::common {
namespace {

std::tm ToUtc(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::string Format(int64_t unix_seconds, const char* format) {
  std::tm tm = ToUtc(unix_seconds);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), format, &tm);
  return std::string(buf, n);
}

std::optional<int64_t> ParseWith(std::string_view text, const char* format) {
  std::string s(text);
  std::tm tm{};
  const char* end = strptime(s.c_str(), format, &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

std::string FormatIso8601Millis(int64_t unix_millis) {
  int64_t seconds = unix_millis / 1000;
  int millis = static_cast<int>(unix_millis % 1000);
  char buf[8];
  std::snprintf(buf, sizeof(buf), ".%03dZ", millis);
  return Format(seconds, "%Y-%m-%dT%H:%M:%S") + buf;
}

std::string FormatAmzDate(int64_t unix_seconds) { return Format(unix_seconds, "%Y%m%dT%H%M%SZ"); }

std::string FormatHttpDate(int64_t unix_seconds) {
  // strftime's %a/%b follow the C locale, which the server never changes.
  return Format(unix_seconds, "%a, %d %b %Y %H:%M:%S GMT");
}

std::optional<int64_t> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  return ParseWith(text, "%Y%m%dT%H%M%SZ");
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                             "%a %b %e %H:%M:%S %Y", "%Y-%m-%dT%H:%M:%SZ"}) {
    if (auto t = ParseWith(text, format)) return t;
  }
  // ISO 8601 with fractional seconds: drop the fraction.
  if (text.size() > 20 && text.back() == 'Z' && text[19] == '.') {
    return ParseWith(std::string(text.substr(0, 19)) + "Z", "%Y-%m-%dT%H:%M:%SZ");
  }
  return std::nullopt;
}

}  // namespace strata::common
