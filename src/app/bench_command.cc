#include "app/bench_command.h"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <random>

#include "loadgen/bench_config.h"
#include "loadgen/endpoint.h"
#include "loadgen/runner.h"
#include "loadgen/units.h"

namespace strata::app {
namespace {

// The flag if given, else the first environment variable that is set.
std::string FromFlagOrEnv(const std::string& flag, const char* env1, const char* env2) {
  if (!flag.empty()) return flag;
  for (const char* name : {env1, env2}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return v;
  }
  return "";
}

std::string RandomPrefix() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "bench-%08x/", static_cast<unsigned>(rd()));
  return buf;
}

common::Result<loadgen::BenchConfig> BuildConfig(const BenchFlags& f) {
  loadgen::BenchConfig c;
  STRATA_ASSIGN_OR_RETURN(c.client.endpoint, loadgen::ParseEndpointUrl(f.endpoint));
  c.client.access_key = FromFlagOrEnv(f.access_key, "STRATA_BENCH_ACCESS_KEY", "STRATA_ROOT_USER");
  c.client.secret_key =
      FromFlagOrEnv(f.secret_key, "STRATA_BENCH_SECRET_KEY", "STRATA_ROOT_PASSWORD");
  if (c.client.access_key.empty() || c.client.secret_key.empty()) {
    return common::Error(common::Code::kInvalidArgument,
                         "no credentials: give --access-key/--secret-key or set "
                         "STRATA_BENCH_ACCESS_KEY/STRATA_BENCH_SECRET_KEY "
                         "(or STRATA_ROOT_USER/STRATA_ROOT_PASSWORD)");
  }
  c.client.region = f.region;
  c.client.insecure_tls = f.insecure;
  c.bucket = f.bucket;
  c.prefix = f.prefix.empty() ? RandomPrefix() : f.prefix;
  STRATA_ASSIGN_OR_RETURN(c.workload, loadgen::ParseWorkload(f.op));
  STRATA_ASSIGN_OR_RETURN(c.object_size, loadgen::ParseSize(f.size));
  if (f.concurrency < 1) {
    return common::Error(common::Code::kInvalidArgument, "--concurrency must be at least 1");
  }
  c.concurrency = f.concurrency;
  if (f.count > 0) c.count = f.count;
  if (!f.duration.empty()) {
    STRATA_ASSIGN_OR_RETURN(c.duration, loadgen::ParseDuration(f.duration));
    if (c.duration.count() <= 0) {
      return common::Error(common::Code::kInvalidArgument, "--duration must be positive");
    }
  }
  c.prepare_objects = f.objects;
  c.skip_setup = f.skip_setup;
  c.verify = f.verify;
  c.same_payload = f.same_payload;
  c.progress = !f.quiet;
  return c;
}

}  // namespace

void AddBenchFlags(CLI::App& sub, BenchFlags& f) {
  sub.add_option("--endpoint", f.endpoint, "http://host:port or https://host:port")
      ->envname("STRATA_BENCH_ENDPOINT");
  sub.add_option("--access-key", f.access_key,
                 "Access key (else $STRATA_BENCH_ACCESS_KEY, else $STRATA_ROOT_USER)");
  sub.add_option("--secret-key", f.secret_key,
                 "Secret key (else $STRATA_BENCH_SECRET_KEY, else $STRATA_ROOT_PASSWORD)");
  sub.add_option("--region", f.region, "Region to sign for")->capture_default_str();
  sub.add_option("--bucket", f.bucket, "Bucket, created if missing")->capture_default_str();
  sub.add_option("--prefix", f.prefix, "Key prefix (default: bench-<random>/, new every run)");
  sub.add_option("--op", f.op, "put, get, mixed, list or delete")->capture_default_str();
  sub.add_option("--size", f.size, "Object size: 4KiB, 1MiB, 64MiB, ...")->capture_default_str();
  sub.add_option("--concurrency", f.concurrency, "Worker threads, one connection each")
      ->capture_default_str();
  CLI::Option* duration = sub.add_option("--duration", f.duration,
                                         "Timed phase length: 10s, 500ms, 1m30s (default 10s)");
  CLI::Option* count =
      sub.add_option("--count", f.count, "Run exactly this many operations instead of a duration");
  duration->excludes(count);
  sub.add_option("--objects", f.objects,
                 "Objects to PUT before get/mixed/list/delete (default: --count, else "
                 "4 x concurrency)");
  sub.add_flag("--skip-setup", f.skip_setup,
               "Create no bucket and PUT nothing first: the objects <prefix>obj-00000000... "
               "(--objects of them) already exist");
  sub.add_flag("--verify", f.verify, "GET checks every byte against what was PUT");
  sub.add_flag("--same-payload", f.same_payload,
               "Every object has the same bytes (default: unique per 4 KiB block, so dedup "
               "cannot skip work)");
  sub.add_flag("--json", f.json, "Print the report as one JSON object");
  sub.add_flag("--quiet", f.quiet, "No progress lines on stderr");
  sub.add_flag("--insecure", f.insecure, "https: do not verify the server certificate");
}

int RunBenchCommand(const BenchFlags& flags) {
  auto config = BuildConfig(flags);
  if (!config.ok()) {
    std::cerr << "strata bench: " << config.status().message() << "\n";
    return 2;
  }
  // A server may close a connection while a body is being sent: that must
  // be a counted error, not a process killed by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  loadgen::BenchReport report = loadgen::RunBench(*config, &std::cerr);
  if (flags.json) {
    std::cout << loadgen::ReportToJson(report).dump() << std::endl;
  } else {
    std::cout << loadgen::ReportToText(report) << std::flush;
  }
  return report.errors > 0 || report.aborted ? 1 : 0;
}

}  // namespace strata::app
