#include "meta/metadata_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

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

ManifestEntry Entry(std::string hash, std::string location, uint64_t size, uint64_t offset,
                    uint64_t length) {
  return {.chunk = {.hash = std::move(hash),
                    .location = std::move(location),
                    .data_shards = 4,
                    .parity_shards = 2,
                    .size = size},
          .offset = offset,
          .length = length};
}

TEST(ManifestJsonTest, RoundTrips) {
  const std::string h(64, 'a');
  const std::string l(32, 'b');
  const Manifest cases[] = {
      {},
      {Entry(h, l, 4 << 20, 0, 4 << 20)},
      // Pieces inside a chunk, a chunk named twice, extreme numbers.
      {Entry(h, l, 100, 10, 90), Entry(h, l, 100, 0, 1), Entry("x", "y", 1, 0, 1),
       Entry("", "", UINT64_MAX, UINT64_MAX - 1, 1)},
  };
  for (const Manifest& manifest : cases) {
    auto json = EncodeManifest(manifest);
    ASSERT_TRUE(json.ok()) << json.status().ToString();
    auto decoded = DecodeManifest(*json);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString() << " " << *json;
    EXPECT_EQ(*decoded, manifest) << *json;
  }
  EXPECT_EQ(*EncodeManifest({}), "[]");
  Manifest one = {Entry("ab", "cd", 100, 10, 90)};
  one[0].chunk.data_shards = 1;
  one[0].chunk.parity_shards = 0;
  EXPECT_EQ(*EncodeManifest(one), R"([["ab","cd",1,0,100,10,90]])");
}

TEST(ManifestJsonTest, EncodeRejectsBrokenEntries) {
  Manifest negative_k = {Entry("h", "l", 10, 0, 10)};
  negative_k[0].chunk.data_shards = -1;
  Manifest negative_m = {Entry("h", "l", 10, 0, 10)};
  negative_m[0].chunk.parity_shards = -1;
  const Manifest bad[] = {
      {Entry("h", "l", 10, 0, 0)},                             // empty piece
      {Entry("h", "l", 10, 5, 6)},                             // past the end
      {Entry("h", "l", 10, 11, 1)},                            // starts past the end
      {Entry("h", "l", 10, UINT64_MAX, 2)},                    // offset + length overflows
      {Entry("h", "l", 10, 0, 10), Entry("h", "l", 0, 0, 1)},  // a later entry
      {Entry("\xff", "l", 10, 0, 10)},
      {Entry("h", "\xc3", 10, 0, 10)},
      negative_k,
      negative_m,
  };
  for (const Manifest& manifest : bad) {
    EXPECT_EQ(EncodeManifest(manifest).status().code(), common::Code::kInvalidArgument);
  }
}

TEST(ManifestJsonTest, DecodeRejectsOtherShapes) {
  for (const char* bad : {
           "",
           "not json",
           "null",
           "{}",
           "[[",
           "[1]",
           R"(["h"])",
           R"([{}])",
           R"([[]])",
           R"([["h","l",4,2,10,0]])",                        // too short
           R"([["h","l",4,2,10,0,10,0]])",                   // too long
           R"([[1,"l",4,2,10,0,10]])",                       // hash not a string
           R"([["h",null,4,2,10,0,10]])",                    // location not a string
           R"([["h","l","4",2,10,0,10]])",                   // number as string
           R"([["h","l",4.0,2,10,0,10]])",                   // float
           R"([["h","l",4,2,10,0,1e1]])",                    // float in exponent form
           R"([["h","l",-4,2,10,0,10]])",                    // negative
           R"([["h","l",4,-1,10,0,10]])",                    // negative
           R"([["h","l",4,2,10,-1,10]])",                    // negative
           R"([["h","l",2147483648,2,10,0,10]])",            // K beyond int
           R"([["h","l",4,2,18446744073709551616,0,10]])",   // beyond uint64
           R"([["h","l",4,2,10,0,0]])",                      // empty piece
           R"([["h","l",4,2,10,5,6]])",                      // past the end
           R"([["h","l",4,2,10,0,10]],)",                    // trailing text
           R"([["h","l",4,2,10,0,10],["h","l",4,2,10,0]])",  // a later entry
           R"([["h","l",true,2,10,0,10]])",
       }) {
    EXPECT_EQ(DecodeManifest(bad).status().code(), common::Code::kCorruption) << bad;
  }
}

TEST(PartSizesJsonTest, RoundTrips) {
  const std::vector<uint64_t> cases[] = {{}, {0}, {5 << 20, 5 << 20, 1}, {UINT64_MAX}};
  for (const std::vector<uint64_t>& sizes : cases) {
    const std::string json = EncodePartSizes(sizes);
    auto decoded = DecodePartSizes(json);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString() << " " << json;
    EXPECT_EQ(*decoded, sizes) << json;
  }
  EXPECT_EQ(EncodePartSizes({}), "[]");
  EXPECT_EQ(EncodePartSizes({12, 7}), "[12,7]");
}

TEST(PartSizesJsonTest, DecodeRejectsOtherShapes) {
  for (const char* bad : {"", "null", "{}", "[", "7", "[-1]", "[1.5]", "[1e3]", R"(["1"])", "[[1]]",
                          "[null]", "[18446744073709551616]", "[1],"}) {
    EXPECT_EQ(DecodePartSizes(bad).status().code(), common::Code::kCorruption) << bad;
  }
}

}  // namespace
}  // namespace strata::meta
