#include "auth/session/login_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::auth {
namespace {

using common::Code;

constexpr int64_t kStart = 1'700'000'000'000;
constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;

bool Locked(LoginLimiter& limiter, std::string_view user, std::string_view address) {
  common::Status status = limiter.Check(user, address);
  if (status.ok()) return false;
  EXPECT_EQ(status.code(), Code::kTooManyRequests);
  return true;
}

void FailTimes(LoginLimiter& limiter, int n, std::string_view user, std::string_view address) {
  for (int i = 0; i < n; ++i) limiter.RecordFailure(user, address);
}

TEST(LoginLimiterTest, LocksAfterMaxFailuresWithinWindow) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock);  // 5 failures / 15 min -> 60 s
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(Locked(limiter, "alice", "10.0.0.1"));
    limiter.RecordFailure("alice", "10.0.0.1");
    clock.Set(clock.NowMillis() + kMinute);
  }
  EXPECT_FALSE(Locked(limiter, "alice", "10.0.0.1"));
  limiter.RecordFailure("alice", "10.0.0.1");
  common::Status status = limiter.Check("alice", "10.0.0.2");  // the user is locked anywhere
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Code::kTooManyRequests);
  EXPECT_EQ(status.message(), "too many failed logins; retry in 60 s");
  EXPECT_TRUE(Locked(limiter, "bob", "10.0.0.1"));  // and so is the address
  EXPECT_FALSE(Locked(limiter, "bob", "10.0.0.2"));

  clock.Set(clock.NowMillis() + 59'500);
  EXPECT_EQ(limiter.Check("alice", "x").message(), "too many failed logins; retry in 1 s");
  clock.Set(clock.NowMillis() + 500);
  EXPECT_FALSE(Locked(limiter, "alice", "10.0.0.1"));
}

TEST(LoginLimiterTest, WindowExpiryResetsCount) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock, {.max_failures = 3, .window_ms = 10 * kMinute});
  FailTimes(limiter, 2, "alice", "a");
  clock.Set(kStart + 10 * kMinute);  // the window that began at kStart is over
  limiter.RecordFailure("alice", "a");
  EXPECT_FALSE(Locked(limiter, "alice", "a"));
  limiter.RecordFailure("alice", "a");
  EXPECT_FALSE(Locked(limiter, "alice", "a"));
  limiter.RecordFailure("alice", "a");
  EXPECT_TRUE(Locked(limiter, "alice", "a"));
}

TEST(LoginLimiterTest, LockoutDoublesUpToTheCap) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock, {.max_failures = 2,
                               .window_ms = 60 * kMinute,
                               .lockout_ms = kMinute,
                               .max_lockout_ms = 5 * kMinute});
  // 1, 2, 4, then 5 (capped), 5 minutes.
  for (int64_t expected_ms : {kMinute, 2 * kMinute, 4 * kMinute, 5 * kMinute, 5 * kMinute}) {
    FailTimes(limiter, 2, "alice", "a");
    int64_t locked_at = clock.NowMillis();
    clock.Set(locked_at + expected_ms - 1);
    EXPECT_TRUE(Locked(limiter, "alice", "a")) << expected_ms;
    clock.Set(locked_at + expected_ms);
    EXPECT_FALSE(Locked(limiter, "alice", "a")) << expected_ms;
  }
}

TEST(LoginLimiterTest, FailuresDuringLockoutDoNotExtendIt) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock, {.max_failures = 2, .lockout_ms = kMinute});
  FailTimes(limiter, 2, "alice", "a");
  clock.Set(kStart + 30 * kSecond);
  FailTimes(limiter, 10, "alice", "a");
  clock.Set(kStart + kMinute);
  EXPECT_FALSE(Locked(limiter, "alice", "a"));
}

TEST(LoginLimiterTest, QuietWindowForgetsTheDoubling) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock,
                       {.max_failures = 2, .window_ms = 10 * kMinute, .lockout_ms = kMinute});
  FailTimes(limiter, 2, "alice", "a");  // locked until kStart + 1 min
  clock.Set(kStart + 11 * kMinute);     // a whole quiet window after the lockout
  FailTimes(limiter, 2, "alice", "a");
  clock.Set(clock.NowMillis() + kMinute);  // one minute again, not two
  EXPECT_FALSE(Locked(limiter, "alice", "a"));
}

TEST(LoginLimiterTest, SuccessClearsUserButNotAddress) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock, {.max_failures = 3});
  FailTimes(limiter, 2, "alice", "a");
  limiter.RecordSuccess("alice", "a");
  // Alice starts over: two more failures do not lock her...
  FailTimes(limiter, 2, "alice", "b");
  EXPECT_FALSE(Locked(limiter, "alice", "b"));
  // ...but address "a" kept its two and locks on its third.
  limiter.RecordFailure("carol", "a");
  EXPECT_TRUE(Locked(limiter, "dave", "a"));
  EXPECT_FALSE(Locked(limiter, "alice", "c"));

  // A success also lifts the user's lockout (it took a correct password,
  // checked by the caller after Check passed on another address).
  FailTimes(limiter, 3, "erin", "e");
  EXPECT_TRUE(Locked(limiter, "erin", "f"));
  limiter.RecordSuccess("erin", "e");
  EXPECT_FALSE(Locked(limiter, "erin", "f"));
  EXPECT_TRUE(Locked(limiter, "frank", "e"));
}

TEST(LoginLimiterTest, AddressLimitedAcrossManyUserNames) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock);
  for (int i = 0; i < 5; ++i) {
    std::string user = "user" + std::to_string(i);
    EXPECT_FALSE(Locked(limiter, user, "203.0.113.9"));
    limiter.RecordFailure(user, "203.0.113.9");
    EXPECT_FALSE(Locked(limiter, user, "198.51.100.1"));  // no single user is locked
  }
  EXPECT_TRUE(Locked(limiter, "user99", "203.0.113.9"));
  EXPECT_FALSE(Locked(limiter, "user99", "198.51.100.1"));
}

TEST(LoginLimiterTest, MaxTrackedEvictsOldest) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock, {.max_failures = 1, .max_tracked = 2});
  limiter.RecordFailure("u1", "a1");
  clock.Set(kStart + 1);
  limiter.RecordFailure("u2", "a2");
  clock.Set(kStart + 2);
  EXPECT_TRUE(Locked(limiter, "u1", "x"));
  EXPECT_TRUE(Locked(limiter, "y", "a1"));
  limiter.RecordFailure("u3", "a3");  // evicts u1 and a1, the oldest
  EXPECT_FALSE(Locked(limiter, "u1", "x"));
  EXPECT_FALSE(Locked(limiter, "y", "a1"));
  EXPECT_TRUE(Locked(limiter, "u2", "x"));
  EXPECT_TRUE(Locked(limiter, "u3", "x"));
  EXPECT_TRUE(Locked(limiter, "y", "a2"));
  EXPECT_TRUE(Locked(limiter, "y", "a3"));
}

TEST(LoginLimiterTest, RecentFailureKeepsAnEntryFromEviction) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock, {.max_failures = 2, .max_tracked = 2});
  limiter.RecordFailure("u1", "a");
  limiter.RecordFailure("u2", "b");
  limiter.RecordFailure("u1", "c");  // u1 is now the most recent, and locked
  limiter.RecordFailure("u3", "d");  // so u2 goes
  EXPECT_TRUE(Locked(limiter, "u1", "z"));
  limiter.RecordFailure("u2", "e");  // u2 starts over at one failure
  EXPECT_FALSE(Locked(limiter, "u2", "z"));
}

TEST(LoginLimiterTest, ManyNamesStayBounded) {
  common::FixedClock clock(kStart);
  LoginLimiter limiter(clock, {.max_failures = 1, .max_tracked = 100});
  for (int i = 0; i < 10000; ++i) {
    limiter.RecordFailure("user" + std::to_string(i), "addr" + std::to_string(i));
  }
  // Only the last 100 of each are remembered.
  EXPECT_FALSE(Locked(limiter, "user9899", "nowhere"));
  EXPECT_TRUE(Locked(limiter, "user9900", "nowhere"));
  EXPECT_FALSE(Locked(limiter, "nobody", "addr9899"));
  EXPECT_TRUE(Locked(limiter, "nobody", "addr9999"));
}

}  // namespace
}  // namespace strata::auth
