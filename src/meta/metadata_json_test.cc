#include "meta/metadata_json.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::meta {
namespace {

TEST(MetadataJsonTest, RoundTrips) {
  const MetadataPairs cases[] = {
      {},
      {{"a", "1"}},
      {{"b", ""}, {"a", "x"}, {"b", "again"}},  // order and repeats kept
      {{"名前", "値 ✓ 🎉"}, {"q", "\"\\/\n\t"}},
      {{std::string("nul\0in", 6), std::string("\0", 1)}},
  };
  for (const MetadataPairs& pairs : cases) {
    auto json = EncodeMetadata(pairs);
    ASSERT_TRUE(json.ok()) << json.status().ToString();
    auto decoded = DecodeMetadata(*json);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, pairs) << *json;
  }
  EXPECT_EQ(*EncodeMetadata({}), "[]");
  EXPECT_EQ(*EncodeMetadata({{"k", "v"}}), R"([["k","v"]])");
}

TEST(MetadataJsonTest, RejectsInvalidUtf8) {
  const std::string bad[] = {
      "\xff",
      "\xc3",
      "\xc0\xaf",
      "\xe0\x80\xaf",      // truncated, overlong
      "\xed\xa0\x80",      // surrogate
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "ok\x80",
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(IsValidUtf8(text)) << ::testing::PrintToString(text);
    EXPECT_EQ(EncodeMetadata({{"k", text}}).status().code(), common::Code::kInvalidArgument);
    EXPECT_EQ(EncodeMetadata({{text, "v"}}).status().code(), common::Code::kInvalidArgument);
  }
  for (const char* good : {"", "ascii", "é", "日本", "🎉", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(IsValidUtf8(good)) << good;
  }
}

TEST(MetadataJsonTest, DecodeRejectsOtherShapes) {
  for (const char* bad : {"", "not json", "{}", R"({"k":"v"})", "[1]", R"([["k"]])",
                          R"([["k","v","x"]])", R"([["k",1]])", R"([[1,"v"]])", "[[", "null"}) {
    EXPECT_EQ(DecodeMetadata(bad).status().code(), common::Code::kCorruption) << bad;
  }
}

}  // namespace
}  // namespace strata::meta
