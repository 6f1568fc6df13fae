#include "obs/audit_trail.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/random.h"
#include "common/time_format.h"
#include "meta/metadata_json.h"

namespace strata::obs {
namespace {

using common::Code;

// A refused batch is tried this many times in all, waiting kFirstBackoff,
// then twice as long each time, in between: about 1.5 s before it is given
// up on, short enough that a flush at shutdown does not stall for long.
constexpr int kAttempts = 4;
constexpr std::chrono::milliseconds kFirstBackoff{200};
constexpr std::chrono::hours kRetentionEvery{1};

// The codes that mean "the caller could not prove who it is, or was not
// allowed": audited even on GET and HEAD.
constexpr std::array<std::string_view, 8> kAuthErrorCodes = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "RequestTimeTooSkewed",
    "AuthorizationHeaderMalformed",
    "AuthorizationQueryParametersError",
    "InvalidToken",
    "ExpiredToken",
};

std::string JsonLine(const meta::AuditRecord& r) {
  // Keys in the documented order (AuditOptions::file_path).
  nlohmann::ordered_json line = {
      {"time", common::FormatIso8601Millis(r.time_ms)},
      {"id", r.id},
      {"request_id", r.request_id},
      {"source", r.source},
      {"user", r.user},
      {"access_key", r.access_key},
      {"action", r.action},
      {"bucket", r.bucket},
      {"resource", r.resource},
      {"status", r.http_status},
      {"error", r.error_code},
  };
  // Names and keys come from requests: bytes that are not UTF-8 become
  // U+FFFD rather than failing the whole batch.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// The store refuses text that is not UTF-8 or holds NUL bytes (PostgreSQL
// cannot keep it), and one such field would lose its whole batch: request
// text (a claimed key, a user name) is made storable first, invalid bytes
// becoming U+FFFD as in the file.
void MakeStorable(std::string& text) {
  if (text.find('\0') == std::string::npos && meta::IsValidUtf8(text)) return;
  const std::string escaped =
      nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text = nlohmann::json::parse(escaped).get<std::string>();
  std::erase(text, '\0');
}

void MakeStorable(meta::AuditRecord& r) {
  for (std::string* field : {&r.request_id, &r.source, &r.user, &r.access_key, &r.action, &r.bucket,
                             &r.resource, &r.error_code}) {
    MakeStorable(*field);
  }
}

}  // namespace

bool ShouldAudit(std::string_view method, int http_status, std::string_view error_code) {
  if (method != "GET" && method != "HEAD" && method != "OPTIONS") return true;
  if (http_status == 401 || http_status == 403) return true;
  return std::find(kAuthErrorCodes.begin(), kAuthErrorCodes.end(), error_code) !=
         kAuthErrorCodes.end();
}

class AuditTrail::Impl {
 public:
  Impl(meta::AuditStore& store, const common::Clock& clock, Metrics* metrics, AuditOptions options,
       int fd)
      : store_(store), clock_(clock), metrics_(metrics), options_(std::move(options)), fd_(fd) {
    writer_ = std::thread([this] { Run(); });
  }

  ~Impl() {
    Stop();
    if (fd_ >= 0) ::close(fd_);
  }

  void Record(meta::AuditRecord record) {
    if (record.id.empty()) record.id = common::RandomHexId(random_, 16);
    if (record.time_ms == 0) record.time_ms = clock_.NowMillis();
    MakeStorable(record);
    std::unique_lock lock(mu_);
    // Backpressure: a full queue makes the request wait for the writer
    // rather than lose the record.
    space_.wait(lock, [&] { return queue_.size() < options_.max_queue || stopped_; });
    if (stopped_) {
      lock.unlock();
      CountLost(1, "recorded after the audit trail stopped");
      return;
    }
    queue_.push_back(std::move(record));
    ++queued_;
    // The first record starts the writer's flush_interval; a full batch
    // ends it early.
    if (queue_.size() == 1 || queue_.size() >= kMaxBatch) wake_.notify_one();
  }

  void Flush() {
    std::unique_lock lock(mu_);
    const uint64_t target = queued_;
    ++flush_waiters_;
    wake_.notify_one();
    done_.wait(lock, [&] { return finished_ >= target || stopped_; });
    --flush_waiters_;
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    std::lock_guard join_lock(join_mu_);
    if (writer_.joinable()) writer_.join();
  }

 private:
  void Run() {
    // Retention first, then about hourly: a server restarted more often
    // than that still trims its table.
    DeleteExpired();
    auto next_retention = std::chrono::steady_clock::now() + kRetentionEvery;
    while (true) {
      std::vector<meta::AuditRecord> batch;
      bool retention_due = false;
      {
        std::unique_lock lock(mu_);
        wake_.wait_until(lock, next_retention, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty() && stopping_) {
          // Decided under the lock, so no Record() slips in between the
          // last batch and the writer's exit.
          stopped_ = true;
          break;
        }
        if (!queue_.empty()) {
          // Gather: a burst fills a batch; a trickle waits flush_interval.
          // Stop and Flush do not wait.
          wake_.wait_for(lock, options_.flush_interval, [&] {
            return queue_.size() >= kMaxBatch || stopping_ || flush_waiters_ > 0;
          });
          const size_t n = std::min(queue_.size(), kMaxBatch);
          batch.assign(std::make_move_iterator(queue_.begin()),
                       std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(n)));
          queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
        }
        retention_due = std::chrono::steady_clock::now() >= next_retention;
      }
      space_.notify_all();
      if (!batch.empty()) {
        Write(batch);
        std::lock_guard lock(mu_);
        finished_ += batch.size();
      }
      done_.notify_all();
      if (retention_due) {
        DeleteExpired();
        next_retention = std::chrono::steady_clock::now() + kRetentionEvery;
      }
    }
    space_.notify_all();
    done_.notify_all();
  }

  // The file first: when the store then refuses the batch, the file still
  // has it.
  void Write(const std::vector<meta::AuditRecord>& batch) {
    if (fd_ >= 0) WriteFile(batch);
    common::Status status;
    auto backoff = kFirstBackoff;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      status = store_.AppendAudit(batch);
      if (status.ok()) {
        if (metrics_ != nullptr) metrics_->CountAuditRecords(batch.size(), 0);
        return;
      }
      // A malformed record will not get better by waiting.
      if (status.code() == Code::kInvalidArgument || attempt == kAttempts) break;
      spdlog::warn("audit: the metadata store refused {} records (attempt {} of {}): {}",
                   batch.size(), attempt, kAttempts, status.ToString());
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    CountLost(batch.size(), status.ToString());
  }

  void WriteFile(const std::vector<meta::AuditRecord>& batch) {
    std::string text;
    for (const meta::AuditRecord& record : batch) text += JsonLine(record);
    // One write per batch (O_APPEND: whole lines, never interleaved with
    // another writer's), then fdatasync: a batch in the file survives a
    // crash right after.
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        spdlog::error("audit: cannot write {}: {}", options_.file_path, std::strerror(errno));
        return;
      }
      done += static_cast<size_t>(n);
    }
    if (::fdatasync(fd_) != 0) {
      spdlog::error("audit: cannot sync {}: {}", options_.file_path, std::strerror(errno));
    }
  }

  void DeleteExpired() {
    if (options_.retention.count() <= 0) return;
    const int64_t cutoff =
        clock_.NowMillis() -
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count();
    auto deleted = store_.DeleteAuditBefore(cutoff);
    if (!deleted.ok()) {
      // Tried again at the next hour; nothing is lost meanwhile.
      spdlog::warn("audit: retention: {}", deleted.status().ToString());
    } else if (*deleted > 0) {
      spdlog::info("audit: retention deleted {} records older than {}", *deleted,
                   common::FormatIso8601Millis(cutoff));
    }
  }

  void CountLost(size_t n, const std::string& why) {
    spdlog::error("audit: lost {} records: {}", n, why);
    if (metrics_ != nullptr) metrics_->CountAuditRecords(0, n);
  }

  meta::AuditStore& store_;
  const common::Clock& clock_;
  Metrics* const metrics_;
  const AuditOptions options_;
  const int fd_;                 // -1 without a file
  common::SecureRandom random_;  // thread-safe (OpenSSL's RAND_bytes)

  std::mutex mu_;
  std::condition_variable wake_;         // the writer: records, Flush or Stop
  std::condition_variable space_;        // Record(): room in the queue, or stopped
  std::condition_variable done_;         // Flush(): a batch finished, or stopped
  std::deque<meta::AuditRecord> queue_;  // GUARDED_BY(mu_)
  uint64_t queued_ = 0;                  // GUARDED_BY(mu_): records ever queued
  uint64_t finished_ = 0;                // GUARDED_BY(mu_): of those, written or given up on
  int flush_waiters_ = 0;                // GUARDED_BY(mu_)
  bool stopping_ = false;                // GUARDED_BY(mu_): drain and exit
  bool stopped_ = false;                 // GUARDED_BY(mu_): the writer has exited

  std::mutex join_mu_;  // Stop() from two threads joins once
  std::thread writer_;
};

common::Result<std::unique_ptr<AuditTrail>> AuditTrail::Open(meta::AuditStore& store,
                                                             const common::Clock& clock,
                                                             obs::Metrics* metrics,
                                                             AuditOptions options) {
  int fd = -1;
  if (!options.file_path.empty()) {
    fd = ::open(options.file_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
      return common::Error(Code::kUnavailable,
                           "cannot open " + options.file_path + ": " + std::strerror(errno));
    }
  }
  return std::unique_ptr<AuditTrail>(
      new AuditTrail(std::make_unique<Impl>(store, clock, metrics, std::move(options), fd)));
}

AuditTrail::AuditTrail(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditTrail::~AuditTrail() = default;  // ~Impl stops the writer

void AuditTrail::Record(meta::AuditRecord record) { impl_->Record(std::move(record)); }
void AuditTrail::Flush() { impl_->Flush(); }
void AuditTrail::Stop() { impl_->Stop(); }

}  // namespace strata::obs
