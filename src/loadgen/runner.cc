#include "loadgen/runner.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "loadgen/payload.h"
#include "loadgen/s3_client.h"

namespace strata::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kKeptErrorMessages = 5;
constexpr int kListMaxKeys = 1000;
enum OpKind { kOpPut, kOpGet, kOpHead, kOpDelete, kOpList, kOpKinds };
constexpr const char* kOpNames[kOpKinds] = {"PUT", "GET", "HEAD", "DELETE", "LIST"};

std::string KeyName(const std::string& prefix, uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "obj-%08llu", static_cast<unsigned long long>(index));
  return prefix + buf;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double TimevalSeconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

// What one worker measured, per request kind. Merged after the run.
struct WorkerStats {
  struct Kind {
    uint64_t ops = 0, bytes = 0, errors = 0;
    std::vector<int64_t> latency_ns, ttfb_ns;
  };
  Kind kinds[kOpKinds];
};

// State the workers share during one phase. Counters are relaxed atomics: the
// progress line only needs them roughly current, and the final figures come
// from the per-worker stats after join().
class Shared {
 public:
  explicit Shared(const BenchConfig& config) : config_(config) {}

  const BenchConfig& config() const { return config_; }
  std::atomic<uint64_t> next_ticket{0};
  std::atomic<uint64_t> next_new_key{0};  // mixed: keys above the prepared ones
  std::atomic<uint64_t> ops{0}, bytes{0}, errors{0};
  const PayloadGenerator payload;

  void RecordError(const char* op, const std::string& key, const common::Status& status) {
    errors.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mu_);
    if (messages_.size() < kKeptErrorMessages) {
      messages_.push_back(std::string(op) + " " + key + ": " + status.message());
    }
  }
  std::vector<std::string> messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

 private:
  const BenchConfig& config_;
  std::mutex mu_;
  std::vector<std::string> messages_;  // GUARDED_BY(mu_)
};

// Records one finished request; returns whether it succeeded.
bool Record(Shared& shared, WorkerStats& stats, OpKind kind, const std::string& key,
            const OpResult& r) {
  WorkerStats::Kind& k = stats.kinds[kind];
  if (!r.status.ok()) {
    ++k.errors;
    shared.RecordError(kOpNames[kind], key, r.status);
    // A refused connection fails in microseconds: do not spin on it.
    if (r.status.code() == common::Code::kUnavailable) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  ++k.ops;
  k.bytes += r.bytes;
  k.latency_ns.push_back(r.latency_ns);
  if (r.ttfb_ns >= 0) k.ttfb_ns.push_back(r.ttfb_ns);
  shared.ops.fetch_add(1, std::memory_order_relaxed);
  shared.bytes.fetch_add(r.bytes, std::memory_order_relaxed);
  return true;
}

// The timed loop of one worker.
void RunWorker(Shared& shared, S3Client& client, WorkerStats& stats, int worker_id,
               uint64_t prepared, Clock::time_point deadline) {
  const BenchConfig& c = shared.config();
  const uint64_t limit = c.workload == Workload::kDelete ? prepared : c.count.value_or(UINT64_MAX);
  const bool timed = !c.count && c.workload != Workload::kDelete;
  std::mt19937_64 rng(0x5eedull + static_cast<uint64_t>(worker_id));
  std::deque<std::string> own_keys;  // mixed: what this worker PUT, to DELETE later
  while (true) {
    if (timed && Clock::now() >= deadline) break;
    uint64_t ticket = shared.next_ticket.fetch_add(1, std::memory_order_relaxed);
    if (ticket >= limit) break;
    switch (c.workload) {
      case Workload::kPut: {
        std::string key = KeyName(c.prefix, ticket);
        Record(shared, stats, kOpPut, key,
               client.PutObject(c.bucket, key, c.object_size, PayloadSeed(key, c.same_payload)));
        break;
      }
      case Workload::kGet: {
        std::string key = KeyName(c.prefix, ticket % prepared);
        Record(shared, stats, kOpGet, key,
               client.GetObject(c.bucket, key, c.verify, c.object_size,
                                PayloadSeed(key, c.same_payload)));
        break;
      }
      case Workload::kDelete: {
        std::string key = KeyName(c.prefix, ticket);
        Record(shared, stats, kOpDelete, key, client.DeleteObject(c.bucket, key));
        break;
      }
      case Workload::kList:
        Record(shared, stats, kOpList, c.prefix,
               client.ListObjects(c.bucket, c.prefix, kListMaxKeys));
        break;
      case Workload::kMixed: {
        uint64_t dice = rng() % 100;
        if (dice < 45) {
          std::string key = KeyName(c.prefix, rng() % prepared);
          Record(shared, stats, kOpGet, key,
                 client.GetObject(c.bucket, key, c.verify, c.object_size,
                                  PayloadSeed(key, c.same_payload)));
        } else if (dice < 75) {
          std::string key = KeyName(
              c.prefix, prepared + shared.next_new_key.fetch_add(1, std::memory_order_relaxed));
          if (Record(shared, stats, kOpPut, key,
                     client.PutObject(c.bucket, key, c.object_size,
                                      PayloadSeed(key, c.same_payload)))) {
            own_keys.push_back(key);
          }
        } else if (dice < 90 || own_keys.empty()) {
          std::string key = KeyName(c.prefix, rng() % prepared);
          Record(shared, stats, kOpHead, key, client.HeadObject(c.bucket, key));
        } else {
          std::string key = std::move(own_keys.front());
          own_keys.pop_front();
          Record(shared, stats, kOpDelete, key, client.DeleteObject(c.bucket, key));
        }
        break;
      }
    }
  }
}

// Runs body(worker index) on one thread per client and waits for all.
template <class Body>
void OnEveryWorker(int workers, Body body) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(workers));
  for (int i = 0; i < workers; ++i) threads.emplace_back(body, i);
  for (auto& t : threads) t.join();
}

// Prints one line per second until done is set.
void ProgressLoop(Shared& shared, std::ostream& out, const std::atomic<bool>& done,
                  Clock::time_point start) {
  uint64_t last_ops = 0, last_bytes = 0;
  Clock::time_point last = start;
  Clock::time_point next = start + std::chrono::seconds(1);
  while (!done.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Clock::time_point now = Clock::now();
    if (now < next) continue;
    next += std::chrono::seconds(1);
    uint64_t ops = shared.ops.load(std::memory_order_relaxed);
    uint64_t bytes = shared.bytes.load(std::memory_order_relaxed);
    double dt = Seconds(now - last);
    char line[200];
    std::snprintf(line, sizeof(line),
                  "bench %s %5.1fs: %llu ops, %.1f ops/s, %.2f MiB/s, %llu errors\n",
                  std::string(WorkloadName(shared.config().workload)).c_str(), Seconds(now - start),
                  static_cast<unsigned long long>(ops), static_cast<double>(ops - last_ops) / dt,
                  static_cast<double>(bytes - last_bytes) / (1024.0 * 1024.0) / dt,
                  static_cast<unsigned long long>(shared.errors.load(std::memory_order_relaxed)));
    out << line << std::flush;
    last_ops = ops;
    last_bytes = bytes;
    last = now;
  }
}

OpStats MergeKind(std::vector<WorkerStats>& workers, int kind) {
  OpStats s;
  std::vector<int64_t> latency, ttfb;
  for (auto& w : workers) {
    auto& k = w.kinds[kind];
    s.ops += k.ops;
    s.bytes += k.bytes;
    s.errors += k.errors;
    latency.insert(latency.end(), k.latency_ns.begin(), k.latency_ns.end());
    ttfb.insert(ttfb.end(), k.ttfb_ns.begin(), k.ttfb_ns.end());
  }
  s.latency = Summarize(latency);
  s.ttfb = Summarize(ttfb);
  return s;
}

}  // namespace

BenchReport RunBench(const BenchConfig& config, std::ostream* progress) {
  BenchReport report;
  report.workload = std::string(WorkloadName(config.workload));
  report.endpoint =
      (config.client.endpoint.tls ? "https://" : "http://") + config.client.endpoint.HostHeader();
  report.bucket = config.bucket;
  report.prefix = config.prefix;
  report.object_size = config.object_size;
  report.concurrency = config.concurrency;
  report.verify = config.verify;
  report.same_payload = config.same_payload;

  Shared shared(config);
  auto finish_aborted = [&] {
    report.aborted = true;
    report.errors = shared.errors.load();
    report.error_messages = shared.messages();
    return report;
  };

  std::vector<std::unique_ptr<S3Client>> clients;
  for (int i = 0; i < config.concurrency; ++i) {
    clients.push_back(std::make_unique<S3Client>(config.client, shared.payload));
  }
  OpResult created;
  if (!config.skip_setup) created = clients[0]->CreateBucket(config.bucket);
  if (!created.status.ok()) {
    shared.RecordError("CreateBucket", config.bucket, created.status);
    return finish_aborted();
  }

  // Prepare: PUT the objects the workload reads, spread over the workers.
  uint64_t prepared = PrepareCount(config);
  if (prepared > 0 && !config.skip_setup) {
    Clock::time_point t0 = Clock::now();
    std::atomic<uint64_t> next{0};
    OnEveryWorker(config.concurrency, [&](int i) {
      while (true) {
        uint64_t index = next.fetch_add(1);
        if (index >= prepared) break;
        std::string key = KeyName(config.prefix, index);
        OpResult r = clients[static_cast<size_t>(i)]->PutObject(
            config.bucket, key, config.object_size, PayloadSeed(key, config.same_payload));
        if (!r.status.ok()) {
          shared.RecordError("prepare PUT", key, r.status);
          next.store(prepared);  // stop every worker
        }
      }
    });
    report.prepared_objects = prepared;
    report.prepare_seconds = Seconds(Clock::now() - t0);
    if (shared.errors.load() > 0) return finish_aborted();
  }

  // The timed phase.
  for (auto& c : clients) {
    common::Status s = c->Connect();
    if (!s.ok()) {
      shared.RecordError("connect", report.endpoint, s);
      return finish_aborted();
    }
  }
  std::vector<WorkerStats> stats(static_cast<size_t>(config.concurrency));
  rusage usage_before{}, usage_after{};
  getrusage(RUSAGE_SELF, &usage_before);
  Clock::time_point start = Clock::now();
  Clock::time_point deadline = start + config.duration;
  std::atomic<bool> done{false};
  std::thread progress_thread;
  if (config.progress && progress != nullptr) {
    progress_thread = std::thread([&] { ProgressLoop(shared, *progress, done, start); });
  }
  OnEveryWorker(config.concurrency, [&](int i) {
    auto w = static_cast<size_t>(i);
    RunWorker(shared, *clients[w], stats[w], i, prepared, deadline);
  });
  Clock::time_point end = Clock::now();
  getrusage(RUSAGE_SELF, &usage_after);
  done.store(true);
  if (progress_thread.joinable()) progress_thread.join();

  report.wall_seconds = Seconds(end - start);
  report.cpu_user_seconds =
      TimevalSeconds(usage_after.ru_utime) - TimevalSeconds(usage_before.ru_utime);
  report.cpu_system_seconds =
      TimevalSeconds(usage_after.ru_stime) - TimevalSeconds(usage_before.ru_stime);
  std::vector<int64_t> all_latency, all_ttfb;
  for (int kind = 0; kind < kOpKinds; ++kind) {
    OpStats s = MergeKind(stats, kind);
    if (s.ops == 0 && s.errors == 0) continue;
    report.total.ops += s.ops;
    report.total.bytes += s.bytes;
    report.total.errors += s.errors;
    report.by_op[kOpNames[kind]] = s;
    for (auto& w : stats) {
      auto& k = w.kinds[kind];
      all_latency.insert(all_latency.end(), k.latency_ns.begin(), k.latency_ns.end());
      all_ttfb.insert(all_ttfb.end(), k.ttfb_ns.begin(), k.ttfb_ns.end());
    }
  }
  report.total.latency = Summarize(all_latency);
  report.total.ttfb = Summarize(all_ttfb);
  report.errors = shared.errors.load();
  report.error_messages = shared.messages();
  return report;
}

}  // namespace strata::loadgen
