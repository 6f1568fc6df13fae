// `strata bench`: a load generator for any S3 endpoint (PUT, GET, mixed,
// LIST, DELETE), in the spirit of MinIO's warp. The work happens in
// src/loadgen; this file turns flags into a loadgen::BenchConfig and prints
// the report.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace strata::app {

// The flags as given; validated by RunBenchCommand.
struct BenchFlags {
  std::string endpoint = "http://127.0.0.1:9000";
  std::string access_key;  // else STRATA_BENCH_ACCESS_KEY, else STRATA_ROOT_USER
  std::string secret_key;  // else STRATA_BENCH_SECRET_KEY, else STRATA_ROOT_PASSWORD
  std::string region = "us-east-1";
  std::string bucket = "strata-bench";
  std::string prefix;  // default: "bench-<random>/", new for every run
  std::string op = "put";
  std::string size = "1MiB";
  int concurrency = 4;
  std::string duration;  // default 10s unless --count
  uint64_t count = 0;
  uint64_t objects = 0;
  bool skip_setup = false;
  bool verify = false;
  bool same_payload = false;
  bool json = false;
  bool quiet = false;
  bool insecure = false;
};

// Registers the bench flags on sub.
void AddBenchFlags(CLI::App& sub, BenchFlags& flags);

// Runs the benchmark and prints the report (text, or one JSON object with
// --json) on stdout; progress lines go to stderr. Returns 0 when every
// request succeeded, 1 when any failed (or setup failed), 2 on bad flags.
int RunBenchCommand(const BenchFlags& flags);

}  // namespace strata::app
