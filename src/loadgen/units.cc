#include "loadgen/units.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <limits>

namespace strata::loadgen {
namespace {

using common::Code;
using common::Error;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads leading digits into *value; returns how many were read (0 on none or
// on overflow of uint64_t, which callers treat as malformed).
size_t ReadDigits(std::string_view s, uint64_t* value) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return 0;
    v = v * 10 + digit;
  }
  *value = v;
  return i;
}

struct Unit {
  std::string_view name;
  uint64_t factor;
};

constexpr uint64_t kKi = 1024;
constexpr std::array kSizeUnits = {
    Unit{"", 1},
    Unit{"b", 1},
    Unit{"k", kKi},
    Unit{"kib", kKi},
    Unit{"m", kKi* kKi},
    Unit{"mib", kKi* kKi},
    Unit{"g", kKi* kKi* kKi},
    Unit{"gib", kKi* kKi* kKi},
    Unit{"t", kKi* kKi* kKi* kKi},
    Unit{"tib", kKi* kKi* kKi* kKi},
    Unit{"kb", 1000},
    Unit{"mb", 1000 * 1000},
    Unit{"gb", 1000ull * 1000 * 1000},
    Unit{"tb", 1000ull * 1000 * 1000 * 1000},
};

constexpr std::array kDurationUnits = {
    Unit{"ms", 1},
    Unit{"s", 1000},
    Unit{"m", 60 * 1000},
    Unit{"h", 3600 * 1000},
};

}  // namespace

common::Result<uint64_t> ParseSize(std::string_view text) {
  auto bad = [&] {
    return Error(Code::kInvalidArgument,
                 "invalid size \"" + std::string(text) + "\" (examples: 4KiB, 1MiB, 64MiB, 1000)");
  };
  uint64_t value = 0;
  size_t n = ReadDigits(text, &value);
  if (n == 0) return bad();
  std::string_view rest = text.substr(n);
  if (rest.starts_with(' ')) {
    if (rest.size() == 1) return bad();  // "4 ": a space must lead to a unit
    rest.remove_prefix(1);
  }
  std::string unit = Lower(rest);
  for (const Unit& u : kSizeUnits) {
    if (u.name != unit) continue;
    constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (value > kMax / u.factor) return bad();
    return value * u.factor;
  }
  return bad();
}

common::Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Error(Code::kInvalidArgument,
                 "invalid duration \"" + std::string(text) + "\" (examples: 10s, 500ms, 1m30s)");
  };
  if (text.empty()) return bad();
  constexpr int64_t kMaxMs = std::numeric_limits<int64_t>::max() / 2;
  int64_t total = 0;
  std::string_view rest = text;
  bool first = true;
  while (!rest.empty()) {
    uint64_t value = 0;
    size_t n = ReadDigits(rest, &value);
    if (n == 0) return bad();
    rest.remove_prefix(n);
    size_t unit_len = 0;
    while (unit_len < rest.size() && std::isalpha(static_cast<unsigned char>(rest[unit_len]))) {
      ++unit_len;
    }
    std::string unit = Lower(rest.substr(0, unit_len));
    rest.remove_prefix(unit_len);
    uint64_t factor = 0;
    if (unit.empty()) {
      // Plain digits mean seconds, but only as the whole text ("10").
      if (!first || !rest.empty()) return bad();
      factor = 1000;
    }
    for (const Unit& u : kDurationUnits) {
      if (u.name == unit) factor = u.factor;
    }
    if (factor == 0) return bad();
    if (value > static_cast<uint64_t>(kMaxMs) / factor) return bad();
    total += static_cast<int64_t>(value * factor);
    if (total > kMaxMs) return bad();
    first = false;
  }
  return std::chrono::milliseconds(total);
}

std::string FormatSize(uint64_t bytes) {
  static constexpr std::array<const char*, 5> kNames = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  uint64_t scale = 1;
  while (unit + 1 < kNames.size() && bytes >= scale * 1024) {
    scale *= 1024;
    ++unit;
  }
  char buf[64];
  if (bytes % scale == 0) {
    std::snprintf(buf, sizeof(buf), "%llu %s", static_cast<unsigned long long>(bytes / scale),
                  kNames[unit]);
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f %s", static_cast<double>(bytes) / scale, kNames[unit]);
  }
  return buf;
}

}  // namespace strata::loadgen
