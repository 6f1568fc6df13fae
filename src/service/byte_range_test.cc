#include "service/byte_range.h"

#include <gtest/gtest.h>

namespace strata::service {
namespace {

struct Case {
  const char* header;
  uint64_t size;
  bool whole;  // answer is the whole object
  uint64_t start;
  uint64_t length;
};

TEST(ByteRangeTest, ResolvesSatisfiableRanges) {
  const Case cases[] = {
      {"", 10, true, 0, 0},
      {"bytes=0-0", 10, false, 0, 1},
      {"bytes=2-5", 10, false, 2, 4},
      {"bytes=2-", 10, false, 2, 8},
      {"bytes=5-100", 10, false, 5, 5},
      {"bytes=-3", 10, false, 7, 3},
      {"bytes=-30", 10, false, 0, 10},
      // Ranges S3 ignores, answering with the whole object.
      {"bytes=5-2", 10, true, 0, 0},
      {"bytes=a-b", 10, true, 0, 0},
      {"bytes=1-2,4-5", 10, true, 0, 0},
      {"items=1-2", 10, true, 0, 0},
      {"bytes=1", 10, true, 0, 0},
      {"bytes=-", 10, true, 0, 0},
  };
  for (const Case& c : cases) {
    auto range = ResolveRange(c.header, c.size);
    ASSERT_TRUE(range.ok()) << c.header;
    if (c.whole) {
      EXPECT_FALSE(range->has_value()) << c.header;
      continue;
    }
    ASSERT_TRUE(range->has_value()) << c.header;
    EXPECT_EQ((*range)->start, c.start) << c.header;
    EXPECT_EQ((*range)->length, c.length) << c.header;
  }
}

TEST(ByteRangeTest, RejectsUnsatisfiableRanges) {
  for (const char* header : {"bytes=10-", "bytes=10-20", "bytes=-0"}) {
    EXPECT_EQ(ResolveRange(header, 10).status().code(), common::Code::kInvalidRange) << header;
  }
  EXPECT_EQ(ResolveRange("bytes=0-", 0).status().code(), common::Code::kInvalidRange);
  EXPECT_EQ(ResolveRange("bytes=-5", 0).status().code(), common::Code::kInvalidRange);
}

}  // namespace
}  // namespace strata::service
