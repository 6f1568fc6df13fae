#include "meta/postgres/internal/text_bounds.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace strata::meta::postgres::internal {
namespace {

TEST(TextBoundsTest, StorableText) {
  for (const std::string text : {"", "a", "key/with spaces", "é", "日本", "\xf0\x9f\x8e\x89",
                                 "\x01\x7f", "\xed\x9f\xbf", "\xee\x80\x80", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(IsStorableText(text)) << text;
  }
  const std::string bad[] = {
      std::string("a\0b", 3),  // NUL
      "\x80",                  // a lone continuation byte
      "\xc3",                  // truncated
      "\xc0\x80",              // overlong NUL
      "\xe0\x80\x80",          // overlong
      "\xed\xa0\x80",          // surrogate U+D800
      "\xf4\x90\x80\x80",      // above U+10FFFF
      "\xff",
  };
  for (const std::string& text : bad) EXPECT_FALSE(IsStorableText(text)) << text;
}

TEST(TextBoundsTest, LeastStorableAtLeast) {
  struct Case {
    std::string bound;
    std::optional<std::string> least;
  };
  const Case cases[] = {
      {"", ""},
      {"abc", "abc"},
      {"é", "é"},
      {std::string("a\0", 2), "a\x01"},
      {std::string("a\0z", 3), "a\x01"},
      {"a\x80", "a\xc2\x80"},          // PrefixSuccessor("a\x7f")
      {"a\xc2\xc0", "a\xc3\x80"},      // PrefixSuccessor("a\xc2\xbf")
      {"a\xdf\xc0", "a\xe0\xa0\x80"},  // after U+07FF
      {"a\xc3", "a\xc3\x80"},          // a truncated character
      {"\xe0\x80", "\xe0\xa0\x80"},    // overlong lead
      {"\xed\xa0", "\xee\x80\x80"},    // surrogates skipped
      {"\xf4\x90", std::nullopt},      // above U+10FFFF
      {"a\xf4\x90", "b"},              // ... so the previous character moves on
      {"a\xff", "b"},
      {"\x7f\xff", "\xc2\x80"},
      {"\xf4\x8f\xbf\xbf\xff", std::nullopt},
      {"\xff", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(LeastStorableAtLeast(c.bound), c.least) << c.bound;
    if (c.least) {
      EXPECT_TRUE(IsStorableText(*c.least)) << c.bound;
      EXPECT_GE(*c.least, c.bound);
    }
  }
}

// Exhaustively over short strings: the result is storable, >= the bound, and
// no storable string lies in [bound, result).
TEST(TextBoundsTest, NoStorableStringIsSkipped) {
  const std::string alphabet[] = {std::string(1, '\0'),
                                  "\x01",
                                  "a",
                                  "\x7f",
                                  "\x80",
                                  "\xbf",
                                  "\xc2",
                                  "\xc3",
                                  "\xdf",
                                  "\xe0",
                                  "\xed",
                                  "\xf4",
                                  "\x8f",
                                  "\x90",
                                  "\xff"};
  std::vector<std::string> strings = {""};
  for (int length = 0; length < 3; ++length) {
    std::vector<std::string> longer;
    for (const std::string& s : strings) {
      for (const std::string& c : alphabet) longer.push_back(s + c);
    }
    strings.insert(strings.end(), longer.begin(), longer.end());
  }
  std::vector<std::string> storable;
  for (const std::string& s : strings) {
    if (IsStorableText(s)) storable.push_back(s);
  }
  for (const std::string& bound : strings) {
    const std::optional<std::string> least = LeastStorableAtLeast(bound);
    bool skipped = false;
    for (const std::string& s : storable) {
      if (s >= bound && (!least || s < *least)) skipped = true;
    }
    EXPECT_FALSE(skipped) << "a storable string lies between the bound and its result: "
                          << ::testing::PrintToString(bound);
    if (least) {
      EXPECT_TRUE(IsStorableText(*least));
      EXPECT_GE(*least, bound);
    }
  }
}

}  // namespace
}  // namespace strata::meta::postgres::internal
