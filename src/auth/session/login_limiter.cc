#include "auth/session/login_limiter.h"

#include <algorithm>
#include <limits>

namespace strata::auth {

LoginLimiter::LoginLimiter(const common::Clock& clock, LoginLimits limits)
    : clock_(clock), limits_(limits) {}

common::Status LoginLimiter::Check(std::string_view user, std::string_view address) {
  int64_t now = clock_.NowMillis();
  int64_t user_until = 0;
  int64_t address_until = 0;
  bool locked;
  {
    std::lock_guard lock(mu_);
    // Both lookups always run, so a refusal costs the same either way.
    bool user_locked = LockedOut(users_, user, now, &user_until);
    bool address_locked = LockedOut(addresses_, address, now, &address_until);
    locked = user_locked || address_locked;
  }
  if (!locked) return common::Status::Ok();
  int64_t wait_ms = std::max(user_until, address_until) - now;
  int64_t wait_s = std::max<int64_t>(1, (wait_ms + 999) / 1000);
  return common::Error(common::Code::kTooManyRequests,
                       "too many failed logins; retry in " + std::to_string(wait_s) + " s");
}

void LoginLimiter::RecordFailure(std::string_view user, std::string_view address) {
  int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  Fail(users_, user, now);
  Fail(addresses_, address, now);
}

void LoginLimiter::RecordSuccess(std::string_view user, std::string_view /*address*/) {
  // The address keeps its count: one address that guesses many user names,
  // and gets one right, must not have its slate wiped by that success.
  std::lock_guard lock(mu_);
  Forget(users_, user);
}

bool LoginLimiter::LockedOut(const Table& table, std::string_view name, int64_t now_ms,
                             int64_t* until_ms) {
  auto it = table.entries.find(name);
  if (it == table.entries.end() || it->second.locked_until_ms <= now_ms) return false;
  *until_ms = it->second.locked_until_ms;
  return true;
}

void LoginLimiter::Fail(Table& table, std::string_view name, int64_t now_ms) {
  if (limits_.max_tracked == 0) return;
  auto it = table.entries.find(name);
  if (it == table.entries.end()) {
    // Bounded memory: forget the entries that failed longest ago. This may
    // forget a lockout under a flood of new names; the other kind of key
    // (the flooding address) still holds.
    while (table.entries.size() >= limits_.max_tracked) Forget(table, table.lru.front());
    it = table.entries.emplace(std::string(name), Entry{}).first;
    it->second.lru = table.lru.insert(table.lru.end(), it->first);
  } else {
    table.lru.splice(table.lru.end(), table.lru, it->second.lru);
  }
  Entry& e = it->second;
  // Failures while locked out are not counted: Check refuses those attempts
  // before any password work, and counting them would let an attacker extend
  // a victim's lockout forever.
  if (now_ms < e.locked_until_ms) return;
  // Quiet for a whole window since the last failure or lockout: start over,
  // including the doubling.
  if (now_ms - std::max(e.last_seen_ms, e.locked_until_ms) >= limits_.window_ms) {
    e.lockouts = 0;
    e.failures = 0;
    e.window_start_ms = now_ms;
  }
  if (now_ms - e.window_start_ms >= limits_.window_ms) {
    e.failures = 0;
    e.window_start_ms = now_ms;
  }
  e.last_seen_ms = now_ms;
  if (++e.failures < limits_.max_failures) return;

  // Lock out for lockout_ms, doubled per earlier lockout, capped (computed
  // without overflow however many lockouts there were).
  int64_t duration = limits_.lockout_ms;
  for (int i = 0; i < e.lockouts && duration < limits_.max_lockout_ms; ++i) {
    duration =
        duration > std::numeric_limits<int64_t>::max() / 2 ? limits_.max_lockout_ms : duration * 2;
  }
  duration = std::min(duration, limits_.max_lockout_ms);
  ++e.lockouts;
  e.locked_until_ms = now_ms + duration;
  e.failures = 0;
  e.window_start_ms = now_ms;
}

void LoginLimiter::Forget(Table& table, std::string_view name) {
  auto it = table.entries.find(name);
  if (it == table.entries.end()) return;
  table.lru.erase(it->second.lru);
  table.entries.erase(it);
}

}  // namespace strata::auth
