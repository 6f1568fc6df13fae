#include "meta/internal/chunk_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "meta/internal/contract_util.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using contract::Chunk;
using contract::Whole;

// A chunks table in memory that logs each statement.
class FakeChunkTable final : public ChunkTable {
 public:
  struct Row {
    ChunkInfo info;
    int64_t refcount = 0;
    int64_t zero_since_ms = 0;
  };

  common::Result<std::optional<ChunkInfo>> Find(std::string_view hash) override {
    log_.push_back("find");
    auto it = rows_.find(std::string(hash));
    if (it == rows_.end()) return std::optional<ChunkInfo>();
    return std::optional<ChunkInfo>(it->second.info);
  }
  common::Status Insert(const ChunkInfo& chunk, int64_t refcount, int64_t now_ms) override {
    log_.push_back("insert");
    rows_[chunk.hash] = {.info = chunk, .refcount = refcount, .zero_since_ms = now_ms};
    return common::Status::Ok();
  }
  common::Status Add(std::string_view hash, int64_t count) override {
    log_.push_back("add");
    rows_.at(std::string(hash)).refcount += count;
    return common::Status::Ok();
  }
  common::Status Drop(const ChunkDrop& drop, int64_t now_ms) override {
    log_.push_back("drop");
    auto it = rows_.find(drop.hash);
    if (it == rows_.end() || it->second.info.location != drop.location) {
      return common::Status::Ok();
    }
    Row& row = it->second;
    if (row.refcount > drop.count) {
      row.refcount -= drop.count;
    } else {
      row.refcount = 0;
      row.zero_since_ms = now_ms;
    }
    return common::Status::Ok();
  }

  std::map<std::string, Row> rows_;
  std::vector<std::string> log_;
};

TEST(ChunkTableTest, ReadsEverythingBeforeChangingAnything) {
  FakeChunkTable table;
  const ChunkInfo a = Chunk(1);
  const ChunkInfo b = Chunk(2);
  table.rows_[a.hash] = {.info = a, .refcount = 1, .zero_since_ms = 5};
  Manifest manifest = {Whole(a), Whole(b), Whole(b)};
  STRATA_ASSERT_OK_AND_ASSIGN(AddedReferences added, AddReferences(table, manifest, {b}, 100));
  EXPECT_TRUE(added.unused_chunks.empty());
  EXPECT_FALSE(added.rewritten);
  EXPECT_EQ(table.log_, (std::vector<std::string>{"find", "find", "insert", "add"}));
  EXPECT_EQ(table.rows_.at(a.hash).refcount, 2);
  EXPECT_EQ(table.rows_.at(b.hash).refcount, 2);
  EXPECT_EQ(table.rows_.at(b.hash).zero_since_ms, 100);
}

TEST(ChunkTableTest, ARefusedPlanChangesNothing) {
  FakeChunkTable table;
  const ChunkInfo a = Chunk(1);
  Manifest manifest = {Whole(Chunk(2)), Whole(a)};
  STRATA_EXPECT_CODE(AddReferences(table, manifest, {a}, 100), Code::kUnavailable);
  EXPECT_EQ(std::count(table.log_.begin(), table.log_.end(), "find"), 2);
  EXPECT_EQ(table.log_.size(), 2u);
  EXPECT_TRUE(table.rows_.empty());
}

TEST(ChunkTableTest, DropsEachCopyOnce) {
  FakeChunkTable table;
  const ChunkInfo a = Chunk(1);
  const ChunkInfo b = Chunk(2);
  table.rows_[a.hash] = {.info = a, .refcount = 3, .zero_since_ms = 5};
  table.rows_[b.hash] = {.info = b, .refcount = 1, .zero_since_ms = 5};
  STRATA_ASSERT_OK(DropReferences(table, {Whole(a), Whole(a), Whole(b), Whole(Chunk(1, 1))}, 200));
  EXPECT_EQ(table.log_, (std::vector<std::string>{"drop", "drop", "drop"}));
  EXPECT_EQ(table.rows_.at(a.hash).refcount, 1);
  EXPECT_EQ(table.rows_.at(a.hash).zero_since_ms, 5);
  EXPECT_EQ(table.rows_.at(b.hash).refcount, 0);
  EXPECT_EQ(table.rows_.at(b.hash).zero_since_ms, 200);
}

}  // namespace
}  // namespace strata::meta::internal
