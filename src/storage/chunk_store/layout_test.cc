#include "storage/chunk_store/layout.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace strata::storage {
namespace {

const std::string kHash = "0123456789abcdef" + std::string(48, 'e');
const std::string kLocation = "ab" + std::string(30, '0');

TEST(ChunkLayoutTest, AcceptsWellFormedIds) {
  EXPECT_TRUE(IsValidChunkHash(kHash));
  EXPECT_TRUE(IsValidChunkLocation(kLocation));
  EXPECT_TRUE(IsValidChunkLocation("0123456789abcdef0123456789abcdef"));
}

TEST(ChunkLayoutTest, RejectsMalformedIds) {
  const std::string bad[] = {
      "",
      std::string(31, 'a'),
      std::string(33, 'a'),
      "0123456789ABCDEF0123456789abcdef",  // upper case
      "0123456789abcdeg0123456789abcdef",  // not hex
      "../../../../../../../../../../..",  // 32 characters, a path
      std::string(30, 'a') + "/b",
  };
  for (const auto& location : bad) EXPECT_FALSE(IsValidChunkLocation(location)) << location;
  EXPECT_FALSE(IsValidChunkHash(std::string(63, 'a')));
  EXPECT_FALSE(IsValidChunkHash(std::string(65, 'a')));
  EXPECT_FALSE(IsValidChunkHash(std::string(64, 'A')));
  EXPECT_FALSE(IsValidChunkHash(kLocation));
  EXPECT_FALSE(ChunkPlacementHash("xyz").has_value());
}

TEST(ChunkLayoutTest, Paths) {
  const std::filesystem::path drive = "/d/drive0";
  EXPECT_EQ(ChunkPrefixDir(drive, kLocation), "/d/drive0/chunks/ab");
  EXPECT_EQ(ChunkLocationDir(drive, kLocation), "/d/drive0/chunks/ab/" + kLocation);
  EXPECT_EQ(ChunkShardPath(drive, kLocation, 5), "/d/drive0/chunks/ab/" + kLocation + "/5");
  EXPECT_EQ(ChunkShardTempPath(drive, kLocation, 11), "/d/drive0/tmp/" + kLocation + ".11");
}

// Stored format: these values must never change.
TEST(ChunkLayoutTest, PlacementIsTheHashPrefixBigEndian) {
  EXPECT_EQ(ChunkPlacementHash(kHash), 0x0123456789abcdefULL);
  EXPECT_EQ(ChunkPlacementHash(std::string(64, 'f')), std::numeric_limits<uint64_t>::max());
  const uint64_t h = 0x0123456789abcdefULL;  // h % 6 == 3
  ASSERT_EQ(h % 6, 3u);
  EXPECT_EQ(ChunkShardDrive(h, 0, 6), 3u);
  EXPECT_EQ(ChunkShardDrive(h, 1, 6), 4u);
  EXPECT_EQ(ChunkShardDrive(h, 3, 6), 0u);
  EXPECT_EQ(ChunkShardDrive(h, 5, 6), 2u);
  EXPECT_EQ(ChunkShardDrive(h, 7, 3), (h % 3 + 7) % 3);
  EXPECT_EQ(ChunkShardDrive(h, 4, 1), 0u);
  // (h + i) mod n as a true sum: no 64-bit wrap-around. 2^64 - 1 == 3 mod 6.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(ChunkShardDrive(max, 1, 6), 4u);
  EXPECT_EQ(ChunkShardDrive(max, 3, 6), 0u);
}

}  // namespace
}  // namespace strata::storage
