#include "app/readiness.h"

#include <gtest/gtest.h>

namespace strata::app {
namespace {

TEST(DrivesNeededForWritesTest, Table) {
  const struct {
    size_t drives;
    int shards;  // K + M
    int quorum;
    size_t want;
  } cases[] = {
      {6, 6, 4, 4},                  // 4+2 on six drives: the write quorum
      {6, 6, 5, 5},                  // a stricter quorum
      {6, 6, 6, 6},                  // quorum K + M: every drive
      {4, 4, 3, 3},                  // 2+2 (quorum K + 1)
      {8, 6, 4, 6},                  // more drives than shards: two spare offline at most
      {12, 6, 4, 10},                //   (three offline could all hold one chunk's shards)
      {6, 1, 1, 6},                  // "none" (1+0): each chunk on one drive, so all of them
      {1, 1, 1, 1},   {2, 6, 4, 2},  // 4+2 on two drives: three shards each, losing one loses 3 > 2
      {3, 6, 4, 2},                  // two shards each: one may go
      {4, 6, 4, 3},                  // loads 2,2,1,1: losing a 2-shard drive is fine, two are not
      {5, 6, 4, 4},                  // loads 2,1,1,1,1: spare 2 covers only the 2-shard drive
      {1, 6, 4, 1},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DrivesNeededForWrites(c.drives, c.shards, c.quorum), c.want)
        << c.drives << " drives, " << c.shards << " shards, quorum " << c.quorum;
  }
}

}  // namespace
}  // namespace strata::app
