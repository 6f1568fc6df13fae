#include "loadgen/latency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace strata::loadgen {
namespace {

TEST(NearestRankPercentile, Table) {
  // 1..10: the textbook nearest-rank values.
  std::vector<int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  struct Case {
    double p;
    int64_t want;
  };
  const Case kCases[] = {{0, 1},  {1, 1},  {10, 1},  {11, 2},  {50, 5},
                         {51, 6}, {90, 9}, {91, 10}, {99, 10}, {100, 10}};
  for (const auto& c : kCases) {
    EXPECT_EQ(NearestRankPercentile(ten, c.p), c.want) << "p" << c.p;
  }
  std::vector<int64_t> one = {42};
  EXPECT_EQ(NearestRankPercentile(one, 50), 42);
  EXPECT_EQ(NearestRankPercentile(one, 99), 42);
}

TEST(Summarize, OneToThousand) {
  std::vector<int64_t> ns;
  for (int64_t i = 1; i <= 1000; ++i) ns.push_back(i * 1000000);  // 1..1000 ms
  std::shuffle(ns.begin(), ns.end(), std::mt19937(7));
  LatencySummary s = Summarize(ns);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_DOUBLE_EQ(s.p50_ms, 500);
  EXPECT_DOUBLE_EQ(s.p90_ms, 900);
  EXPECT_DOUBLE_EQ(s.p99_ms, 990);
  EXPECT_DOUBLE_EQ(s.max_ms, 1000);
  EXPECT_DOUBLE_EQ(s.mean_ms, 500.5);
}

TEST(Summarize, SkewedTail) {
  // 98 fast requests and two slow ones: p99 sees the tail, p90 does not.
  std::vector<int64_t> ns(98, 1000000);
  ns.push_back(500000000);
  ns.push_back(900000000);
  LatencySummary s = Summarize(ns);
  EXPECT_DOUBLE_EQ(s.p50_ms, 1);
  EXPECT_DOUBLE_EQ(s.p90_ms, 1);
  EXPECT_DOUBLE_EQ(s.p99_ms, 500);
  EXPECT_DOUBLE_EQ(s.max_ms, 900);
}

TEST(Summarize, Empty) {
  std::vector<int64_t> none;
  LatencySummary s = Summarize(none);
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.p99_ms, 0);
  EXPECT_EQ(s.max_ms, 0);
}

}  // namespace
}  // namespace strata::loadgen
