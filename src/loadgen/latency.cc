#include "loadgen/latency.h"

#include <algorithm>
#include <cmath>

namespace strata::loadgen {

int64_t NearestRankPercentile(const std::vector<int64_t>& sorted, double p) {
  if (p <= 0) return sorted.front();
  // rank = ceil(p/100 * n), 1-based. The epsilon keeps 90% of 10 samples at
  // rank 9, not 10, despite 0.9 * 10 being 9.000000000000002 in binary.
  double exact = p / 100.0 * static_cast<double>(sorted.size());
  auto rank = static_cast<size_t>(std::ceil(exact - 1e-9));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

LatencySummary Summarize(std::vector<int64_t>& samples_ns) {
  LatencySummary s;
  if (samples_ns.empty()) return s;
  std::sort(samples_ns.begin(), samples_ns.end());
  constexpr double kNsPerMs = 1e6;
  double sum = 0;
  for (int64_t v : samples_ns) sum += static_cast<double>(v);
  s.count = samples_ns.size();
  s.mean_ms = sum / static_cast<double>(s.count) / kNsPerMs;
  s.p50_ms = static_cast<double>(NearestRankPercentile(samples_ns, 50)) / kNsPerMs;
  s.p90_ms = static_cast<double>(NearestRankPercentile(samples_ns, 90)) / kNsPerMs;
  s.p99_ms = static_cast<double>(NearestRankPercentile(samples_ns, 99)) / kNsPerMs;
  s.max_ms = static_cast<double>(samples_ns.back()) / kNsPerMs;
  return s;
}

}  // namespace strata::loadgen
