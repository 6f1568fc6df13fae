#include "auth/policy/internal/values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace strata::auth::policy::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at text[pos]; advances pos.
std::optional<int> Digits(std::string_view text, size_t& pos, size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<int64_t> ParseIso8601Millis(std::string_view text) {
  size_t pos = 0;
  auto year = Digits(text, pos, 4);
  if (!year || !Expect(text, pos, '-')) return std::nullopt;
  auto month = Digits(text, pos, 2);
  if (!month || *month < 1 || *month > 12 || !Expect(text, pos, '-')) return std::nullopt;
  auto day = Digits(text, pos, 2);
  if (!day || *day < 1 || *day > DaysInMonth(*year, *month)) return std::nullopt;
  int hour = 0, minute = 0, second = 0, millis = 0, offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't') return std::nullopt;
    ++pos;
    auto h = Digits(text, pos, 2);
    if (!h || *h > 23 || !Expect(text, pos, ':')) return std::nullopt;
    auto m = Digits(text, pos, 2);
    if (!m || *m > 59) return std::nullopt;
    hour = *h;
    minute = *m;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      auto s = Digits(text, pos, 2);
      if (!s || *s > 60) return std::nullopt;  // 60: a leap second, as ISO allows
      second = *s;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        size_t begin = pos;
        int scale = 100;
        while (pos < text.size() && IsDigit(text[pos])) {
          millis += (text[pos] - '0') * scale;  // digits past milliseconds are dropped
          scale /= 10;
          ++pos;
        }
        if (pos == begin) return std::nullopt;
      }
    }
    if (pos < text.size()) {
      char zone = text[pos++];
      if (zone == 'Z' || zone == 'z') {
        // UTC.
      } else if (zone == '+' || zone == '-') {
        auto oh = Digits(text, pos, 2);
        if (!oh || *oh > 23) return std::nullopt;
        int om = 0;
        if (pos < text.size()) {
          Expect(text, pos, ':');
          auto m2 = Digits(text, pos, 2);
          if (!m2 || *m2 > 59) return std::nullopt;
          om = *m2;
        }
        offset_minutes = (zone == '+' ? 1 : -1) * (*oh * 60 + om);
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  int64_t days = DaysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  // from_chars would also take "inf" and "nan"; allow only decimal syntax.
  size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') ++pos;
  size_t int_digits = 0;
  while (pos < text.size() && IsDigit(text[pos])) ++pos, ++int_digits;
  size_t frac_digits = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return std::nullopt;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    size_t exp_digits = 0;
    while (pos < text.size() && IsDigit(text[pos])) ++pos, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseDateMillis(std::string_view text) {
  if (!text.empty() && text.size() <= 12) {
    bool all_digits = true;
    for (char c : text) all_digits = all_digits && IsDigit(c);
    if (all_digits) {
      int64_t seconds = 0;
      for (char c : text) seconds = seconds * 10 + (c - '0');
      return seconds * 1000;
    }
  }
  return ParseIso8601Millis(text);
}

std::optional<bool> ParseBool(std::string_view text) {
  auto equals = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != word[i]) return false;
    }
    return true;
  };
  if (equals("true")) return true;
  if (equals("false")) return false;
  return std::nullopt;
}

std::optional<IpAddress> ParseIp(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string copy(text);  // inet_pton needs a terminated string
  IpAddress address;
  if (copy.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) != 1) return std::nullopt;
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) != 1) return std::nullopt;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(address.bytes.data(), kMappedPrefix, sizeof(kMappedPrefix)) == 0) {
    IpAddress v4;
    std::memcpy(v4.bytes.data(), address.bytes.data() + 12, 4);
    return v4;
  }
  address.v6 = true;
  return address;
}

std::optional<IpNetwork> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  auto address = ParseIp(text.substr(0, slash));
  if (!address) return std::nullopt;
  // An IPv4-mapped IPv6 network (::ffff:0:0/96 and longer) became IPv4.
  bool mapped = !address->v6 && text.substr(0, slash).find(':') != std::string_view::npos;
  int max_prefix = address->v6 ? 128 : 32;
  IpNetwork network{*address, max_prefix};
  if (slash == std::string_view::npos) return network;
  std::string_view prefix = text.substr(slash + 1);
  if (prefix.empty() || prefix.size() > 3) return std::nullopt;
  int length = 0;
  for (char c : prefix) {
    if (!IsDigit(c)) return std::nullopt;
    length = length * 10 + (c - '0');
  }
  if (mapped) {
    if (length < 96 || length > 128) return std::nullopt;
    length -= 96;
  }
  if (length > max_prefix) return std::nullopt;
  network.prefix_length = length;
  return network;
}

bool NetworkContains(const IpNetwork& network, const IpAddress& address) {
  if (network.address.v6 != address.v6) return false;
  int bits = network.prefix_length;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((network.address.bytes[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace strata::auth::policy::internal
