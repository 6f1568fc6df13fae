#include "loadgen/bench_config.h"

#include <array>
#include <utility>

namespace strata::loadgen {
namespace {

constexpr std::array<std::pair<std::string_view, Workload>, 5> kWorkloads = {{
    {"put", Workload::kPut},
    {"get", Workload::kGet},
    {"mixed", Workload::kMixed},
    {"list", Workload::kList},
    {"delete", Workload::kDelete},
}};

}  // namespace

common::Result<Workload> ParseWorkload(std::string_view name) {
  for (const auto& [n, w] : kWorkloads) {
    if (n == name) return w;
  }
  return common::Error(
      common::Code::kInvalidArgument,
      "unknown --op \"" + std::string(name) + "\" (expected put, get, mixed, list or delete)");
}

std::string_view WorkloadName(Workload w) {
  for (const auto& [n, v] : kWorkloads) {
    if (v == w) return n;
  }
  return "?";
}

uint64_t PrepareCount(const BenchConfig& config) {
  if (config.workload == Workload::kPut) return 0;
  if (config.prepare_objects > 0) return config.prepare_objects;
  if (config.count) return *config.count;
  return static_cast<uint64_t>(config.concurrency) * 4;
}

}  // namespace strata::loadgen
