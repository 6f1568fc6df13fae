#include "meta/internal/chunk_ref_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "meta/internal/contract_util.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using contract::Chunk;
using contract::Piece;
using contract::Whole;

// Content 1 stored twice (copies 0 and 1, different locations and K), and
// contents 2 and 3 once. Every copy of a content has the same size.
const ChunkInfo kA0 = Chunk(1, 0);
const ChunkInfo kA1 = Chunk(1, 1);
const ChunkInfo kB0 = Chunk(2, 0);
const ChunkInfo kC0 = Chunk(3, 0);

StoredChunks Rows(const std::vector<ChunkInfo>& rows) {
  StoredChunks stored;
  for (const ChunkInfo& row : rows) stored.emplace(row.hash, row);
  return stored;
}

// `entry` naming `chunk` instead, same piece.
ManifestEntry Renamed(ManifestEntry entry, const ChunkInfo& chunk) {
  entry.chunk = chunk;
  return entry;
}

struct Insert {
  ChunkInfo chunk;
  int64_t refcount;
};
struct Add {
  std::string hash;
  int64_t count;
};

struct PlanCase {
  const char* name;
  Manifest manifest;
  std::vector<ChunkInfo> written;
  std::vector<ChunkInfo> stored;
  // Expected:
  std::vector<Insert> inserts;
  std::vector<Add> increments;
  std::vector<ChunkInfo> unused;
  Manifest rewritten;  // the manifest afterwards; empty means "unchanged"
};

TEST(ChunkRefPlanTest, PlansAddingReferences) {
  const PlanCase cases[] = {
      {.name = "a new chunk gets a row counting its entries",
       .manifest = {Whole(kA0), Piece(kA0, 1, 2)},
       .written = {kA0},
       .inserts = {{kA0, 2}}},
      {.name = "a written chunk no entry names gets a row at 0",
       .written = {kA0},
       .inserts = {{kA0, 0}}},
      {.name = "a written chunk listed twice counts once",
       .manifest = {Whole(kA0)},
       .written = {kA0, kA0},
       .inserts = {{kA0, 1}}},
      {.name = "an earlier try's row at the same location is added to",
       .manifest = {Whole(kA0)},
       .written = {kA0},
       .stored = {kA0},
       .increments = {{kA0.hash, 1}}},
      {.name = "a copy whose content has a row elsewhere is adopted",
       .manifest = {Whole(kA1), Piece(kA1, 0, 10)},
       .written = {kA1},
       .stored = {kA0},
       .increments = {{kA0.hash, 2}},
       .unused = {kA1},
       .rewritten = {Whole(kA0), Piece(kA0, 0, 10)}},
      {.name = "an unused copy is returned without adding to the row",
       .written = {kA1},
       .stored = {kA0},
       .unused = {kA1}},
      {.name = "deduplicated entries add to their rows",
       .manifest = {Whole(kB0), Whole(kA0), Piece(kB0, 5, 5)},
       .stored = {kA0, kB0},
       .increments = {{kA0.hash, 1}, {kB0.hash, 2}}},
      {.name = "a second copy of one content in one write joins the first's new row",
       .manifest = {Whole(kA0), Whole(kA1)},
       .written = {kA0, kA1},
       .inserts = {{kA0, 2}},
       .unused = {kA1},
       .rewritten = {Whole(kA0), Whole(kA0)}},
      {.name = "written and deduplicated chunks together",
       .manifest = {Whole(kC0), Whole(kB0), Whole(kA1)},
       .written = {kC0, kA1},
       .stored = {kA0, kB0},
       .inserts = {{kC0, 1}},
       .increments = {{kA0.hash, 1}, {kB0.hash, 1}},
       .unused = {kA1},
       .rewritten = {Whole(kC0), Whole(kB0), Whole(kA0)}},
  };
  for (const PlanCase& c : cases) {
    SCOPED_TRACE(c.name);
    Manifest manifest = c.manifest;
    STRATA_ASSERT_OK_AND_ASSIGN(ChunkRefPlan plan,
                                PlanAddReferences(manifest, c.written, Rows(c.stored)));
    ASSERT_EQ(plan.inserts.size(), c.inserts.size());
    for (size_t i = 0; i < c.inserts.size(); ++i) {
      EXPECT_EQ(plan.inserts[i].chunk, c.inserts[i].chunk);
      EXPECT_EQ(plan.inserts[i].refcount, c.inserts[i].refcount);
    }
    ASSERT_EQ(plan.increments.size(), c.increments.size());
    for (size_t i = 0; i < c.increments.size(); ++i) {
      EXPECT_EQ(plan.increments[i].hash, c.increments[i].hash);
      EXPECT_EQ(plan.increments[i].count, c.increments[i].count);
    }
    EXPECT_EQ(plan.added.unused_chunks, c.unused);
    EXPECT_EQ(plan.added.rewritten, !c.rewritten.empty());
    EXPECT_EQ(manifest, c.rewritten.empty() ? c.manifest : c.rewritten);
  }
}

struct RefusalCase {
  const char* name;
  Manifest manifest;
  std::vector<ChunkInfo> written;
  std::vector<ChunkInfo> stored;
  Code code;
};

TEST(ChunkRefPlanTest, RefusesWhatItCannotPlan) {
  ChunkInfo other_k = kA0;
  other_k.data_shards = 9;
  ChunkInfo other_size = kB0;
  other_size.size += 1;
  const RefusalCase cases[] = {
      {.name = "a deduplicated chunk's row is gone",
       .manifest = {Whole(kA0)},
       .code = Code::kUnavailable},
      {.name = "a deduplicated chunk's row moved to another copy",
       .manifest = {Whole(kA0)},
       .stored = {kA1},
       .code = Code::kUnavailable},
      {.name = "an entry disagrees with its written chunk",
       .manifest = {Whole(kA0), Renamed(Whole(kA0), other_k)},
       .written = {kA0},
       .code = Code::kInvalidArgument},
      {.name = "an entry disagrees with its row",
       .manifest = {Renamed(Whole(kB0), other_size)},
       .stored = {kB0},
       .code = Code::kInvalidArgument},
      {.name = "a disagreeing entry after one that would be rewritten",
       .manifest = {Whole(kA1), Renamed(Whole(kB0), other_size)},
       .written = {kA1},
       .stored = {kA0, kB0},
       .code = Code::kInvalidArgument},
  };
  for (const RefusalCase& c : cases) {
    SCOPED_TRACE(c.name);
    Manifest manifest = c.manifest;
    STRATA_EXPECT_CODE(PlanAddReferences(manifest, c.written, Rows(c.stored)), c.code);
    EXPECT_EQ(manifest, c.manifest) << "a refusal leaves the manifest as it was";
  }
}

TEST(ChunkRefPlanTest, ReadsEveryHashOnceInOrder) {
  EXPECT_EQ(ChunkHashesToRead({Whole(kB0), Whole(kA0), Whole(kB0)}, {kC0, kA1}),
            (std::vector<std::string>{kA0.hash, kB0.hash, kC0.hash}));
  EXPECT_TRUE(ChunkHashesToRead({}, {}).empty());
}

TEST(ChunkRefPlanTest, DropsOncePerCopy) {
  const std::vector<ChunkDrop> drops =
      PlanDropReferences({Whole(kB0), Whole(kA0), Whole(kA1), Piece(kA0, 0, 1)});
  ASSERT_EQ(drops.size(), 3u);
  const std::pair<const ChunkInfo*, int64_t> expected[] = {{&kA0, 2}, {&kA1, 1}, {&kB0, 1}};
  for (size_t i = 0; i < drops.size(); ++i) {
    EXPECT_EQ(drops[i].hash, expected[i].first->hash) << i;
    EXPECT_EQ(drops[i].location, expected[i].first->location) << i;
    EXPECT_EQ(drops[i].count, expected[i].second) << i;
  }
  EXPECT_TRUE(PlanDropReferences({}).empty());
}

}  // namespace
}  // namespace strata::meta::internal
