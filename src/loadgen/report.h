// The result of one `strata bench` run, and its two renderings: a short
// human-readable text and one JSON object (--json).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loadgen/latency.h"

namespace strata::loadgen {

// Figures for one kind of request (PUT, GET, HEAD, DELETE, LIST). ops counts
// successful requests only; failed ones are in errors and in no latency.
struct OpStats {
  uint64_t ops = 0;
  uint64_t bytes = 0;  // payload bytes sent (PUT) or received (GET, LIST)
  uint64_t errors = 0;
  LatencySummary latency;
  LatencySummary ttfb;  // GET only; count 0 otherwise
};

struct BenchReport {
  // The run as configured.
  std::string workload;  // "put", "get", ...
  std::string endpoint;
  std::string bucket;
  std::string prefix;
  uint64_t object_size = 0;
  int concurrency = 0;
  bool verify = false;
  bool same_payload = false;

  // Setup and the untimed prepare phase.
  uint64_t prepared_objects = 0;
  double prepare_seconds = 0;

  // The timed phase.
  double wall_seconds = 0;
  double cpu_user_seconds = 0;  // getrusage(RUSAGE_SELF) over the timed phase
  double cpu_system_seconds = 0;
  OpStats total;  // every request kind together
  std::map<std::string, OpStats> by_op;
  // Failures anywhere (setup, prepare, timed), the first few messages kept.
  uint64_t errors = 0;
  std::vector<std::string> error_messages;
  bool aborted = false;  // setup or prepare failed: no timed phase ran

  double OpsPerSecond() const;
  double MiBPerSecond() const;
};

nlohmann::json ReportToJson(const BenchReport& report);
std::string ReportToText(const BenchReport& report);

}  // namespace strata::loadgen
