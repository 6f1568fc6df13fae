// Rate limiting of failed logins, per user name and per source address (in
// memory, per process): after `max_failures` failures within `window_ms`, the
// user name (or address) is locked out for `lockout_ms`, doubling on each
// further lockout up to `max_lockout_ms`. A success clears the user's record
// (not the address's: one address guessing many names stays limited).
// Thread-safe. Bounded: at most `max_tracked` entries per kind; the oldest are
// forgotten first.
//
// Details: the window starts at the first failure (a fixed window, not a
// sliding one); failures during a lockout are not counted (Check refuses
// those attempts first); a name or address with no failure for a whole
// window after its last failure or lockout starts over, doubling included.
// "Oldest" means least recently failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace strata::auth {

struct LoginLimits {
  int max_failures = 5;
  int64_t window_ms = 15 * 60 * 1000;
  int64_t lockout_ms = 60 * 1000;
  int64_t max_lockout_ms = 60 * 60 * 1000;
  size_t max_tracked = 100000;
};

class LoginLimiter {
 public:
  // `clock` must outlive the limiter.
  LoginLimiter(const common::Clock& clock, LoginLimits limits = {});

  // OK, or kTooManyRequests when the user or the address is locked out
  // (message: "too many failed logins; retry in N s").
  // Call before checking the password, so a locked-out attempt costs no
  // argon2 work.
  common::Status Check(std::string_view user, std::string_view address);
  // Counts one failed login against both the user name and the address.
  void RecordFailure(std::string_view user, std::string_view address);
  // Clears the user name's record; the address's count stays.
  void RecordSuccess(std::string_view user, std::string_view address);

 private:
  struct Entry {
    int failures = 0;  // in the window that started at window_start_ms
    int64_t window_start_ms = 0;
    int64_t locked_until_ms = 0;
    int lockouts = 0;          // lockouts so far: the next lasts lockout_ms << lockouts
    int64_t last_seen_ms = 0;  // the last failure
    std::list<std::string_view>::iterator lru;  // this entry's place in Table::lru
  };
  // One kind of key (user names or addresses): the entries, and their keys
  // from least to most recently failed, so eviction of the oldest is O(1).
  struct Table {
    std::map<std::string, Entry, std::less<>> entries;
    std::list<std::string_view> lru;  // views of the keys of `entries`
  };
  bool LockedOut(const Table& table, std::string_view name, int64_t now_ms, int64_t* until_ms);
  void Fail(Table& table, std::string_view name, int64_t now_ms);
  void Forget(Table& table, std::string_view name);

  const common::Clock& clock_;
  LoginLimits limits_;
  std::mutex mu_;
  Table users_;      // GUARDED_BY(mu_)
  Table addresses_;  // GUARDED_BY(mu_)
};

}  // namespace strata::auth
