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

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard
// Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// `count` digits at text[at...] as a number; nullopt when any is not a digit.
std::optional<int64_t> Digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int64_t value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<int64_t> ParseRfc3339Millis(std::string_view text) {
  // 2026-11-30T22:08:55 is 19 characters; then a fraction and the offset.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  auto year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  auto hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
  if (*year < 1970 || *month < 1 || *month > 12 || *day < 1 || *day > kDays[*month - 1] ||
      (*month == 2 && *day == 29 && !leap) || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  size_t at = 19;
  int64_t millis = 0;
  if (text[at] == '.') {
    const size_t start = ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (at - start < 3) millis = millis * 10 + (text[at] - '0');
      ++at;
    }
    if (at == start) return std::nullopt;
    for (size_t n = at - start; n < 3; ++n) millis *= 10;
  }
  int64_t offset_minutes = 0;
  const std::string_view zone = text.substr(at);
  if (zone == "Z" || zone == "z") {
    // UTC
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    auto oh = Digits(zone, 1, 2), om = Digits(zone, 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (zone[0] == '+' ? 1 : -1) * (*oh * 60 + *om);
  } else {
    return std::nullopt;
  }
  const int64_t seconds = DaysFromCivil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 +
                          *second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

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
