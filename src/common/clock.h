// Clock seam (STYLE.md rule 3): code that needs the time takes a Clock&, so
// tests can pin it (SigV4 skew, presign expiry, timestamps).
#pragma once

#include <cstdint>

namespace strata::common {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMillis() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t NowMillis() const override;
};

class FixedClock : public Clock {
 public:
  explicit FixedClock(int64_t millis) : millis_(millis) {}
  int64_t NowMillis() const override { return millis_; }
  void Set(int64_t millis) { millis_ = millis; }

 private:
  int64_t millis_;
};

}  // namespace strata::common
