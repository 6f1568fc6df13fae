#include "storage/chunk_store/drive_health.h"

namespace strata::storage {

DriveHealth::DriveHealth(std::vector<std::filesystem::path> drives, const common::Clock& clock,
                         int64_t retry_ms)
    : drives_(std::move(drives)), clock_(clock), retry_ms_(retry_ms), states_(drives_.size()) {}

bool DriveHealth::IsOnlineLocked(const State& state, int64_t now_ms) const {
  return !state.ever_failed || now_ms >= state.offline_until_ms;
}

bool DriveHealth::IsOnline(size_t drive) const {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mutex_);
  return IsOnlineLocked(states_[drive], now);
}

void DriveHealth::RecordFailure(size_t drive, const common::Status& error) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mutex_);
  State& state = states_[drive];
  state.ever_failed = true;
  state.offline_until_ms = now + retry_ms_;
  ++state.errors;
  state.last_error = error.ToString();
}

std::vector<DriveStatus> DriveHealth::Statuses() const {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mutex_);
  std::vector<DriveStatus> out;
  out.reserve(drives_.size());
  for (size_t i = 0; i < drives_.size(); ++i) {
    const State& state = states_[i];
    out.push_back({drives_[i], IsOnlineLocked(state, now), state.errors, state.last_error});
  }
  return out;
}

}  // namespace strata::storage
