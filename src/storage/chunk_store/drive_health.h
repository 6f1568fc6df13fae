// DriveHealth: which of a ChunkStore's drives are usable right now. A drive
// whose I/O fails (an error other than "this shard file does not exist") is
// taken offline for a retry interval: writes skip it, so one dead drive costs
// a quorum shortfall of one shard instead of a timeout per shard, and reads
// treat its shards as missing. When the interval has passed the drive is
// tried again; another failure takes it offline again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace strata::storage {

// One drive as readiness checks and metrics see it.
struct DriveStatus {
  std::filesystem::path path;
  bool online = true;      // false while inside a retry interval
  uint64_t errors = 0;     // I/O failures since the store opened
  std::string last_error;  // the latest failure ("" when none)
};

class DriveHealth {
 public:
  // clock must outlive this object. retry_ms > 0 is how long a failed drive
  // stays offline.
  DriveHealth(std::vector<std::filesystem::path> drives, const common::Clock& clock,
              int64_t retry_ms);

  DriveHealth(const DriveHealth&) = delete;
  DriveHealth& operator=(const DriveHealth&) = delete;

  size_t size() const { return drives_.size(); }
  const std::filesystem::path& path(size_t drive) const { return drives_[drive]; }
  const std::vector<std::filesystem::path>& paths() const { return drives_; }

  // False while the drive is inside a retry interval. REQUIRES: drive < size().
  bool IsOnline(size_t drive) const;
  // Counts an I/O failure and takes the drive offline until now + retry_ms.
  // REQUIRES: drive < size(), !error.ok().
  void RecordFailure(size_t drive, const common::Status& error);

  // Every drive, in configuration order.
  std::vector<DriveStatus> Statuses() const;

  // Thread-safety: all methods may be called concurrently.

 private:
  struct State {
    int64_t offline_until_ms = 0;  // online when the clock is at or past it
    bool ever_failed = false;
    uint64_t errors = 0;
    std::string last_error;
  };
  bool IsOnlineLocked(const State& state, int64_t now_ms) const;

  const std::vector<std::filesystem::path> drives_;
  const common::Clock& clock_;
  const int64_t retry_ms_;
  mutable std::mutex mutex_;
  std::vector<State> states_;  // GUARDED_BY(mutex_), one per drive
};

}  // namespace strata::storage
