// What one `strata bench` run does: the workload and where it goes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "loadgen/s3_client.h"

namespace strata::loadgen {

enum class Workload {
  kPut,     // PUT new objects
  kGet,     // GET prepared objects, round robin
  kMixed,   // 45% GET, 30% PUT (new keys), 15% HEAD, 10% DELETE of own PUTs
  kList,    // ListObjectsV2 (first page of up to 1000 keys) over the prefix
  kDelete,  // DELETE each prepared object once (ignores the duration)
};

// "put", "get", "mixed", "list", "delete"; kInvalidArgument otherwise.
common::Result<Workload> ParseWorkload(std::string_view name);
std::string_view WorkloadName(Workload w);

struct BenchConfig {
  ClientOptions client;
  std::string bucket = "strata-bench";
  std::string prefix;  // keys are <prefix>obj-<8 digits>
  Workload workload = Workload::kPut;
  uint64_t object_size = 1 << 20;
  int concurrency = 4;
  // The run ends after count operations if set, otherwise after duration.
  std::optional<uint64_t> count;
  std::chrono::milliseconds duration{10000};
  // Objects PUT (untimed) before get/mixed/list/delete; 0 means count if
  // set, else concurrency * 4.
  uint64_t prepare_objects = 0;
  // No CreateBucket and no prepare PUTs: the PrepareCount objects
  // <prefix>obj-00000000... must already exist (written by an earlier run
  // with the same --prefix, or static files behind a plain web server such
  // as nginx, for a GET ceiling). Signing still happens.
  bool skip_setup = false;
  bool verify = false;        // GET compares each body with what was PUT
  bool same_payload = false;  // every object has the same bytes
  bool progress = true;       // one line per second on the progress stream
};

// The number of objects the prepare phase PUTs for config (0 for put).
uint64_t PrepareCount(const BenchConfig& config);

}  // namespace strata::loadgen
