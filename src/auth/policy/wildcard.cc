#include "auth/policy/wildcard.h"

#include <algorithm>
#include <array>

namespace strata::auth::policy {
namespace {

char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Bytes in the UTF-8 sequence starting at value[i], clamped to what is left,
// so `?` takes one character rather than one byte. Invalid lead bytes count
// as one byte.
size_t CodePointLength(std::string_view value, size_t i) {
  auto lead = static_cast<unsigned char>(value[i]);
  size_t n = 1;
  if (lead >= 0xF0 && lead < 0xF8) {
    n = 4;
  } else if (lead >= 0xE0) {
    n = lead < 0xF0 ? 3 : 1;
  } else if (lead >= 0xC0) {
    n = 2;
  }
  return std::min(n, value.size() - i);
}

// The positions of the first five component-separating colons, or fewer
// when `text` is not an ARN. In a Pattern a colon is never a wildcard.
template <typename IsColon>
size_t SplitArn(size_t size, IsColon is_colon, std::array<size_t, 5>& colons) {
  size_t found = 0;
  for (size_t i = 0; i < size && found < colons.size(); ++i) {
    if (is_colon(i)) colons[found++] = i;
  }
  return found;
}

// Matches pattern[p_begin, p_end) against value[v_begin, v_end).
bool MatchRange(const Pattern& pattern, size_t p_begin, size_t p_end, std::string_view value,
                bool ignore_case) {
  const std::string& text = pattern.text();
  size_t p = p_begin;
  size_t v = 0;
  size_t star = std::string::npos;  // position of the last `*` seen
  size_t resume = 0;                // where in `value` that `*` restarts
  while (v < value.size()) {
    if (p < p_end && pattern.IsWildcard(p) && text[p] == '?') {
      ++p;
      v += CodePointLength(value, v);
    } else if (p < p_end && pattern.IsWildcard(p) && text[p] == '*') {
      star = p++;
      resume = v;
    } else if (p < p_end && !pattern.IsWildcard(p) &&
               (ignore_case ? FoldAscii(text[p]) == FoldAscii(value[v]) : text[p] == value[v])) {
      ++p;
      ++v;
    } else if (star != std::string::npos) {
      // Let the last `*` swallow one more character and retry from there.
      p = star + 1;
      resume += CodePointLength(value, resume);
      v = resume;
    } else {
      return false;
    }
  }
  while (p < p_end && pattern.IsWildcard(p) && text[p] == '*') ++p;
  return p == p_end;
}

}  // namespace

Pattern Pattern::FromPolicyText(std::string_view text) {
  Pattern pattern;
  pattern.AppendPolicyText(text);
  return pattern;
}

Pattern Pattern::FromLiteral(std::string_view text) {
  Pattern pattern;
  pattern.AppendLiteral(text);
  return pattern;
}

void Pattern::AppendPolicyText(std::string_view text) {
  for (char c : text) {
    text_.push_back(c);
    wild_.push_back(c == '*' || c == '?');
  }
}

void Pattern::AppendLiteral(std::string_view text) {
  text_.append(text);
  wild_.insert(wild_.end(), text.size(), false);
}

bool WildcardMatch(const Pattern& pattern, std::string_view value, bool ignore_case) {
  return MatchRange(pattern, 0, pattern.size(), value, ignore_case);
}

bool WildcardMatch(std::string_view pattern, std::string_view value, bool ignore_case) {
  return WildcardMatch(Pattern::FromPolicyText(pattern), value, ignore_case);
}

bool MatchAction(std::string_view pattern, std::string_view action) {
  return WildcardMatch(pattern, action, /*ignore_case=*/true);
}

bool MatchArn(const Pattern& pattern, std::string_view arn) {
  std::array<size_t, 5> value_colons{};
  if (SplitArn(
          arn.size(), [&](size_t i) { return arn[i] == ':'; }, value_colons) < 5 ||
      arn.substr(0, 4) != "arn:") {
    return false;
  }
  std::array<size_t, 5> pattern_colons{};
  const std::string& text = pattern.text();
  size_t found = SplitArn(
      text.size(), [&](size_t i) { return text[i] == ':' && !pattern.IsWildcard(i); },
      pattern_colons);
  // A pattern without any colon ("*") is matched whole; one with some but
  // fewer than five components can match no ARN.
  if (found == 0) return WildcardMatch(pattern, arn);
  if (found < 5) return false;
  size_t p_begin = 0;
  size_t v_begin = 0;
  for (size_t component = 0; component < 6; ++component) {
    size_t p_end = component < 5 ? pattern_colons[component] : text.size();
    size_t v_end = component < 5 ? value_colons[component] : arn.size();
    if (!MatchRange(pattern, p_begin, p_end, arn.substr(v_begin, v_end - v_begin),
                    /*ignore_case=*/false)) {
      return false;
    }
    p_begin = p_end + 1;
    v_begin = v_end + 1;
  }
  return true;
}

}  // namespace strata::auth::policy
