// Latency samples and their summary (percentiles) for `strata bench`.
#pragma once

#include <cstdint>
#include <vector>

namespace strata::loadgen {

// A summary of latency samples, in milliseconds. All zero when count is 0.
struct LatencySummary {
  uint64_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// The nearest-rank percentile of sorted samples: the smallest sample with at
// least p percent of the samples at or below it (p in (0, 100]). For p <= 0,
// the minimum.
// REQUIRES: sorted is sorted ascending and not empty.
int64_t NearestRankPercentile(const std::vector<int64_t>& sorted, double p);

// Summarizes samples given in nanoseconds. Sorts samples in place.
LatencySummary Summarize(std::vector<int64_t>& samples_ns);

}  // namespace strata::loadgen
