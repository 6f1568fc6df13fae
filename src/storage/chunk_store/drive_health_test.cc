#include "storage/chunk_store/drive_health.h"

#include <gtest/gtest.h>

namespace strata::storage {
namespace {

TEST(DriveHealthTest, FailedDriveIsOfflineForTheRetryInterval) {
  common::FixedClock clock(5'000);
  DriveHealth health({"/a", "/b", "/c"}, clock, 10'000);
  EXPECT_EQ(health.size(), 3u);
  for (size_t d = 0; d < 3; ++d) EXPECT_TRUE(health.IsOnline(d));

  health.RecordFailure(1, common::Error(common::Code::kUnavailable, "EIO"));
  EXPECT_TRUE(health.IsOnline(0));
  EXPECT_FALSE(health.IsOnline(1));
  clock.Set(14'999);
  EXPECT_FALSE(health.IsOnline(1));
  clock.Set(15'000);
  EXPECT_TRUE(health.IsOnline(1));

  // A second failure starts a new interval from now.
  health.RecordFailure(1, common::Error(common::Code::kUnavailable, "EIO again"));
  EXPECT_FALSE(health.IsOnline(1));
  const auto statuses = health.Statuses();
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_EQ(statuses[1].path, "/b");
  EXPECT_FALSE(statuses[1].online);
  EXPECT_EQ(statuses[1].errors, 2u);
  EXPECT_NE(statuses[1].last_error.find("EIO again"), std::string::npos);
  EXPECT_TRUE(statuses[0].online);
  EXPECT_EQ(statuses[0].errors, 0u);
  EXPECT_EQ(statuses[0].last_error, "");
}

TEST(DriveHealthTest, ClockAtZeroStartsOnline) {
  common::FixedClock clock(0);
  DriveHealth health({"/a"}, clock, 1);
  EXPECT_TRUE(health.IsOnline(0));
  health.RecordFailure(0, common::Error(common::Code::kUnavailable, "x"));
  EXPECT_FALSE(health.IsOnline(0));
  clock.Set(1);
  EXPECT_TRUE(health.IsOnline(0));
}

}  // namespace
}  // namespace strata::storage
