#include "loadgen/units.h"

#include <gtest/gtest.h>

namespace strata::loadgen {
namespace {

using std::chrono::milliseconds;

TEST(ParseSize, Accepts) {
  struct Case {
    const char* text;
    uint64_t bytes;
  };
  const Case kCases[] = {
      {"0", 0},
      {"1000", 1000},
      {"17B", 17},
      {"4KiB", 4096},
      {"4kib", 4096},
      {"4K", 4096},
      {"4 KiB", 4096},
      {"1MiB", 1 << 20},
      {"64MiB", 64ull << 20},
      {"64m", 64ull << 20},
      {"2GiB", 2ull << 30},
      {"1TiB", 1ull << 40},
      {"4KB", 4000},
      {"1MB", 1000000},
      {"3GB", 3000000000ull},
  };
  for (const auto& c : kCases) {
    auto r = ParseSize(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.bytes) << c.text;
  }
}

TEST(ParseSize, Rejects) {
  const char* kBad[] = {"",       "KiB",       "-4KiB", "+4KiB", "1.5MiB", "4 ",
                        "4  KiB", "4XiB",      "4KiBs", " 4",    "4 K B",  "99999999999999999999",
                        "9EiB",   "8388608TiB"};
  for (const char* text : kBad) {
    auto r = ParseSize(text);
    EXPECT_FALSE(r.ok()) << "\"" << text << "\" parsed as " << (r.ok() ? *r : 0);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), common::Code::kInvalidArgument);
    }
  }
}

TEST(ParseDuration, Accepts) {
  struct Case {
    const char* text;
    int64_t ms;
  };
  const Case kCases[] = {
      {"10s", 10000},   {"10", 10000},     {"500ms", 500}, {"2m", 120000}, {"1h", 3600000},
      {"1m30s", 90000}, {"1s500ms", 1500}, {"0s", 0},      {"10S", 10000},
  };
  for (const auto& c : kCases) {
    auto r = ParseDuration(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, milliseconds(c.ms)) << c.text;
  }
}

TEST(ParseDuration, Rejects) {
  const char* kBad[] = {
      "", "s", "-1s", "1.5s", "10x", "1m30", "10 s", "1d", "ms5", "1s-", "99999999999999999999h"};
  for (const char* text : kBad) {
    auto r = ParseDuration(text);
    EXPECT_FALSE(r.ok()) << "\"" << text << "\" parsed";
  }
}

TEST(FormatSize, Renders) {
  EXPECT_EQ(FormatSize(17), "17 B");
  EXPECT_EQ(FormatSize(4096), "4 KiB");
  EXPECT_EQ(FormatSize(64ull << 20), "64 MiB");
  EXPECT_EQ(FormatSize(3ull << 19), "1.5 MiB");
}

}  // namespace
}  // namespace strata::loadgen
