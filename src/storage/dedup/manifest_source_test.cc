#include "storage/dedup/manifest_source.h"

#include <gtest/gtest.h>

#include "common/hash.h"
#include "common/hex.h"
#include "storage/testing/memory_chunk_store.h"

namespace strata::storage {
namespace {

using common::Code;

class ManifestSourceTest : public ::testing::Test {
 protected:
  meta::ChunkInfo Store(const std::string& content) {
    auto info = chunks_.Write(common::HexEncode(common::Sha256(content)), content);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return *info;
  }

  common::Result<std::string> ReadRange(uint64_t offset, uint64_t length) {
    STRATA_ASSIGN_OR_RETURN(auto source,
                            ManifestSource::Open(chunks_, manifest_, size_, offset, length));
    return common::ReadAll(*source, 1 << 20);
  }

  // Three entries: the middle of chunk a, all of b, the start of a again.
  void SetUp() override {
    auto a = Store("0123456789");
    auto b = Store("abcdefghijklmnopqrstuvwxyz");
    manifest_ = {{a, 3, 5}, {b, 0, 26}, {a, 0, 4}};
    expected_ = "34567abcdefghijklmnopqrstuvwxyz0123";
    size_ = expected_.size();
  }

  common::FixedClock clock_{1'000};
  testing::MemoryChunkStore chunks_{clock_};
  meta::Manifest manifest_;
  std::string expected_;
  uint64_t size_ = 0;
};

TEST_F(ManifestSourceTest, EveryRangeReadsTheRightBytes) {
  for (uint64_t offset = 0; offset <= size_; ++offset) {
    for (uint64_t length = 0; offset + length <= size_; ++length) {
      auto got = ReadRange(offset, length);
      ASSERT_TRUE(got.ok()) << offset << "+" << length << ": " << got.status().ToString();
      EXPECT_EQ(*got, expected_.substr(offset, length)) << offset << "+" << length;
    }
  }
}

TEST_F(ManifestSourceTest, ReadsOnlyThePiecesTheRangeTouches) {
  auto before = chunks_.calls().read;
  ASSERT_TRUE(ReadRange(6, 3).ok());  // inside b only
  EXPECT_EQ(chunks_.calls().read - before, 1u);
}

TEST_F(ManifestSourceTest, DamagedManifestIsCorruption) {
  EXPECT_EQ(ManifestSource::Open(chunks_, manifest_, size_ + 1, 0, 1).status().code(),
            Code::kCorruption);
  meta::Manifest outside = manifest_;
  outside[0].offset = 8;  // 8 + 5 > 10
  EXPECT_EQ(ManifestSource::Open(chunks_, outside, size_, 0, 1).status().code(), Code::kCorruption);
  EXPECT_EQ(ReadRange(size_, 1).status().code(), Code::kInvalidArgument);
}

TEST_F(ManifestSourceTest, UnreadableFirstChunkFailsOpenLaterOneFailsRead) {
  // Three of a's six shards gone: past M = 2, unreadable.
  for (int shard : {0, 1, 2}) ASSERT_TRUE(chunks_.MarkMissing(manifest_[0].chunk.location, shard));
  EXPECT_EQ(ReadRange(0, 3).status().code(), Code::kUnavailable);
  // Starting in b, Open succeeds; the read fails when it reaches a again.
  auto source = ManifestSource::Open(chunks_, manifest_, size_, 5, size_ - 5);
  ASSERT_TRUE(source.ok());
  auto all = common::ReadAll(**source, 1 << 20);
  EXPECT_EQ(all.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace strata::storage
