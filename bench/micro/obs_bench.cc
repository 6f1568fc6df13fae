// Micro-benchmarks of what every request records in the Prometheus metrics
// (obs::Metrics): RecordRequest once per request, ObserveMetaOperation once
// per metadata call (a small GET makes two). Single-threaded and with 4
// threads on one Metrics, as the server's threads share it.
// Run: bench/micro.sh (Release build); figures go to bench/README.md.
#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "obs/metrics.h"

namespace strata {
namespace {

obs::Metrics& SharedMetrics() {
  static obs::Metrics metrics;
  return metrics;
}

void BM_RecordRequest(benchmark::State& state) {
  obs::Metrics& metrics = SharedMetrics();
  const std::array<std::string, 3> operations = {"GetObject", "PutObject", "HeadObject"};
  size_t i = 0;
  for (auto _ : state) {
    metrics.RecordRequest({.operation = operations[i++ % operations.size()],
                           .status = 200,
                           .duration_seconds = 0.0004,
                           .received_bytes = 0,
                           .sent_bytes = 4096});
  }
}
BENCHMARK(BM_RecordRequest)->Threads(1)->Threads(4)->UseRealTime();

void BM_ObserveMetaOperation(benchmark::State& state) {
  obs::Metrics& metrics = SharedMetrics();
  const std::array<std::string, 2> operations = {"GetObject", "GetBucket"};
  size_t i = 0;
  for (auto _ : state) metrics.ObserveMetaOperation(operations[i++ % operations.size()], 0.00005);
}
BENCHMARK(BM_ObserveMetaOperation)->Threads(1)->Threads(4)->UseRealTime();

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
