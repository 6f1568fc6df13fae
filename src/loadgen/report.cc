#include "loadgen/report.h"

#include <cstdio>

#include "loadgen/units.h"

namespace strata::loadgen {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

double Rate(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0; }

nlohmann::json LatencyJson(const LatencySummary& s) {
  if (s.count == 0) return nullptr;
  return {{"p50", s.p50_ms}, {"p90", s.p90_ms},   {"p99", s.p99_ms},
          {"max", s.max_ms}, {"mean", s.mean_ms}, {"samples", s.count}};
}

std::string LatencyText(const LatencySummary& s) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms", s.p50_ms, s.p90_ms,
                s.p99_ms, s.max_ms);
  return buf;
}

}  // namespace

double BenchReport::OpsPerSecond() const {
  return Rate(static_cast<double>(total.ops), wall_seconds);
}

double BenchReport::MiBPerSecond() const {
  return Rate(static_cast<double>(total.bytes) / kMiB, wall_seconds);
}

nlohmann::json ReportToJson(const BenchReport& r) {
  nlohmann::json by_op = nlohmann::json::object();
  for (const auto& [name, s] : r.by_op) {
    by_op[name] = {{"ops", s.ops},
                   {"bytes", s.bytes},
                   {"errors", s.errors},
                   {"ops_per_s", Rate(static_cast<double>(s.ops), r.wall_seconds)},
                   {"mib_per_s", Rate(static_cast<double>(s.bytes) / kMiB, r.wall_seconds)},
                   {"latency_ms", LatencyJson(s.latency)},
                   {"ttfb_ms", LatencyJson(s.ttfb)}};
  }
  double cpu = r.cpu_user_seconds + r.cpu_system_seconds;
  return {
      {"op", r.workload},
      {"endpoint", r.endpoint},
      {"bucket", r.bucket},
      {"prefix", r.prefix},
      {"object_size", r.object_size},
      {"concurrency", r.concurrency},
      {"verify", r.verify},
      {"same_payload", r.same_payload},
      {"aborted", r.aborted},
      {"prepare", {{"objects", r.prepared_objects}, {"seconds", r.prepare_seconds}}},
      {"duration_s", r.wall_seconds},
      {"ops", r.total.ops},
      {"bytes", r.total.bytes},
      {"ops_per_s", r.OpsPerSecond()},
      {"mib_per_s", r.MiBPerSecond()},
      {"latency_ms", LatencyJson(r.total.latency)},
      {"ttfb_ms", LatencyJson(r.total.ttfb)},
      {"errors", r.errors},
      {"error_messages", r.error_messages},
      {"cpu",
       {{"user_s", r.cpu_user_seconds},
        {"system_s", r.cpu_system_seconds},
        {"wall_s", r.wall_seconds},
        {"cores", Rate(cpu, r.wall_seconds)}}},
      {"by_op", by_op},
  };
}

std::string ReportToText(const BenchReport& r) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof(buf), "strata bench: %s, %s objects, concurrency %d, %s bucket %s\n",
                r.workload.c_str(), FormatSize(r.object_size).c_str(), r.concurrency,
                r.endpoint.c_str(), r.bucket.c_str());
  out += buf;
  if (r.prepared_objects > 0) {
    std::snprintf(buf, sizeof(buf), "  prepared   %llu objects in %.2f s (untimed)\n",
                  static_cast<unsigned long long>(r.prepared_objects), r.prepare_seconds);
    out += buf;
  }
  if (!r.aborted) {
    std::snprintf(buf, sizeof(buf), "  ran        %.2f s: %llu ops, %s\n", r.wall_seconds,
                  static_cast<unsigned long long>(r.total.ops), FormatSize(r.total.bytes).c_str());
    out += buf;
    std::snprintf(buf, sizeof(buf), "  throughput %.1f ops/s, %.2f MiB/s\n", r.OpsPerSecond(),
                  r.MiBPerSecond());
    out += buf;
    if (r.total.latency.count > 0) out += "  latency    " + LatencyText(r.total.latency) + "\n";
    if (r.total.ttfb.count > 0) out += "  ttfb (GET) " + LatencyText(r.total.ttfb) + "\n";
    if (r.by_op.size() > 1) {
      for (const auto& [name, s] : r.by_op) {
        std::snprintf(buf, sizeof(buf), "  %-6s     %llu ops, %.1f ops/s, %.2f MiB/s, %s\n",
                      name.c_str(), static_cast<unsigned long long>(s.ops),
                      Rate(static_cast<double>(s.ops), r.wall_seconds),
                      Rate(static_cast<double>(s.bytes) / kMiB, r.wall_seconds),
                      LatencyText(s.latency).c_str());
        out += buf;
      }
    }
    double cpu = r.cpu_user_seconds + r.cpu_system_seconds;
    std::snprintf(buf, sizeof(buf),
                  "  client CPU %.2f s user + %.2f s system over %.2f s wall = %.2f cores\n",
                  r.cpu_user_seconds, r.cpu_system_seconds, r.wall_seconds,
                  Rate(cpu, r.wall_seconds));
    out += buf;
  }
  std::snprintf(buf, sizeof(buf), "  errors     %llu%s\n",
                static_cast<unsigned long long>(r.errors), r.aborted ? " (run aborted)" : "");
  out += buf;
  for (const auto& m : r.error_messages) out += "    " + m + "\n";
  return out;
}

}  // namespace strata::loadgen
