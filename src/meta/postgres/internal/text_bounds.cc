#include "meta/postgres/internal/text_bounds.h"

#include <array>
#include <cstdint>
#include <span>

namespace strata::meta::postgres::internal {
namespace {

struct ByteRange {
  uint8_t lo;
  uint8_t hi;
};

// Well-formed UTF-8 sequences (Unicode Table 3-7), NUL left out, in
// increasing order of their first byte: each row's sequences sort before the
// next row's.
constexpr std::array<std::array<ByteRange, 4>, 9> kRows = {{
    {{{0x01, 0x7F}}},
    {{{0xC2, 0xDF}, {0x80, 0xBF}}},
    {{{0xE0, 0xE0}, {0xA0, 0xBF}, {0x80, 0xBF}}},
    {{{0xE1, 0xEC}, {0x80, 0xBF}, {0x80, 0xBF}}},
    {{{0xED, 0xED}, {0x80, 0x9F}, {0x80, 0xBF}}},
    {{{0xEE, 0xEF}, {0x80, 0xBF}, {0x80, 0xBF}}},
    {{{0xF0, 0xF0}, {0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}},
    {{{0xF1, 0xF3}, {0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}},
    {{{0xF4, 0xF4}, {0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}}},
}};

std::span<const ByteRange> RowRanges(const std::array<ByteRange, 4>& row) {
  size_t n = 0;
  while (n < row.size() && row[n].hi != 0) ++n;
  return std::span<const ByteRange>(row.data(), n);
}

uint8_t At(std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }

// The length of the character starting at s[i], or 0 when none starts there.
size_t CharLength(std::string_view s, size_t i) {
  for (const auto& row : kRows) {
    std::span<const ByteRange> ranges = RowRanges(row);
    if (At(s, i) < ranges[0].lo || At(s, i) > ranges[0].hi) continue;
    if (i + ranges.size() > s.size()) return 0;
    for (size_t j = 1; j < ranges.size(); ++j) {
      if (At(s, i + j) < ranges[j].lo || At(s, i + j) > ranges[j].hi) return 0;
    }
    return ranges.size();
  }
  return 0;
}

// The least sequence in ranges[0] x ranges[1] x ... that is >= t, building
// on `out` from position j; `tight` while out equals t's first j bytes.
bool LeastInProduct(std::span<const ByteRange> ranges, std::string_view t, size_t j, bool tight,
                    std::string& out) {
  // Complete: above t, or equal to it; but below t when t goes on.
  if (j == ranges.size()) return !tight || j >= t.size();
  if (!tight || j >= t.size()) {
    // Above t already (or t is a proper prefix of the sequence): smallest rest.
    for (size_t k = j; k < ranges.size(); ++k) out.push_back(static_cast<char>(ranges[k].lo));
    return true;
  }
  const uint8_t c = At(t, j);
  if (c > ranges[j].hi) return false;
  if (c < ranges[j].lo) return LeastInProduct(ranges, t, j, /*tight=*/false, out);
  out.push_back(static_cast<char>(c));
  if (LeastInProduct(ranges, t, j + 1, /*tight=*/true, out)) return true;
  out.pop_back();
  if (c == ranges[j].hi) return false;
  out.push_back(static_cast<char>(c + 1));
  return LeastInProduct(ranges, t, j + 1, /*tight=*/false, out);
}

// The least single character (its encoding) that is >= t.
std::optional<std::string> LeastCharAtLeast(std::string_view t) {
  for (const auto& row : kRows) {
    std::string out;
    if (LeastInProduct(RowRanges(row), t, 0, /*tight=*/true, out)) return out;
  }
  return std::nullopt;
}

}  // namespace

bool IsStorableText(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = CharLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::optional<std::string> LeastStorableAtLeast(std::string_view bound) {
  // The longest prefix made of whole storable characters.
  std::string prefix;
  size_t i = 0;
  while (i < bound.size()) {
    const size_t length = CharLength(bound, i);
    if (length == 0) break;
    i += length;
  }
  if (i == bound.size()) return std::string(bound);
  prefix = bound.substr(0, i);
  // No storable string starts with prefix + bound[i..] (characters are
  // prefix-free and bound[i..] starts with none), so the answer is prefix +
  // the least character above bound[i..], or, when there is none, the prefix
  // with its last character replaced by the next one (repeatedly).
  std::string rest(bound.substr(i));
  while (true) {
    if (std::optional<std::string> next = LeastCharAtLeast(rest)) return prefix + *next;
    if (prefix.empty()) return std::nullopt;
    size_t last = prefix.size() - 1;
    while (last > 0 && (At(prefix, last) & 0xC0) == 0x80) --last;  // back to its lead byte
    // "c" + "\0" sorts just above character c and below every larger one.
    rest = prefix.substr(last) + std::string(1, '\0');
    prefix.resize(last);
  }
}

}  // namespace strata::meta::postgres::internal
