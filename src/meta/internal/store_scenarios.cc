#include "meta/internal/store_scenarios.h"

#include <gtest/gtest.h>

#include <optional>
#include <utility>

#include "meta/internal/contract_util.h"
#include "meta/migrations/migrations.h"

namespace strata::meta::contract {

using common::Code;

void ExpectExactCounts(MetaStore& store, const RawSql& sql) {
  STRATA_ASSERT_OK(store.CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  const ChunkInfo d = Chunk(2);
  // "n:refcount:zero_since_ms" per row, n the last hex digit of the hash.
  auto rows = [&] {
    return sql(
        "SELECT substr(hash, 64) || ':' || refcount || ':' || zero_since_ms FROM chunks"
        " ORDER BY hash");
  };
  using Rows = std::vector<std::string>;
  STRATA_ASSERT_OK(store.PutObject(WithManifest("b", "a", {Whole(c), Whole(c)}), {}, {c}, 1000));
  STRATA_ASSERT_OK(
      store.PutObject(WithManifest("b", "b", {Whole(c), Whole(d), Whole(c)}), {}, {d}, 2000));
  EXPECT_EQ(rows(), (Rows{"1:4:1000", "2:1:2000"}));
  STRATA_ASSERT_OK(store.DeleteObject("b", "a", 3000));
  EXPECT_EQ(rows(), (Rows{"1:2:1000", "2:1:2000"}));
  STRATA_ASSERT_OK(store.PutObject(WithManifest("b", "b", {Whole(d)}), {}, {}, 4000));
  EXPECT_EQ(rows(), (Rows{"1:0:4000", "2:1:2000"}));
  // FindChunk restarts the wait only forwards.
  STRATA_ASSERT_OK(store.FindChunk(c.hash, 3500));
  EXPECT_EQ(rows(), (Rows{"1:0:4000", "2:1:2000"}));
  STRATA_ASSERT_OK(store.FindChunk(c.hash, 4500));
  EXPECT_EQ(rows(), (Rows{"1:0:4500", "2:1:2000"}));
}

void ExpectDamagedRowsStayReplaceable(MetaStore& store, const RawSql& sql) {
  STRATA_ASSERT_OK(store.CreateBucket(MakeBucket("b")));
  const ObjectRecord object = MakeObject("b", "k");

  // Metadata: the caller still learns the rest of the row.
  STRATA_ASSERT_OK(store.PutObject(object, {}, {}, kNowMs));
  sql("UPDATE objects SET user_metadata = '{oops'");
  STRATA_EXPECT_CODE(store.GetObject("b", "k"), Code::kCorruption);
  STRATA_EXPECT_CODE(store.ListObjects("b", {}), Code::kCorruption);
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStore::PutResult put, store.PutObject(object, {}, {}, kNowMs));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_EQ(put.replaced->inline_data, object.inline_data);
  EXPECT_TRUE(put.replaced->user_metadata.empty());
  STRATA_EXPECT_OK(store.GetObject("b", "k"));
  sql("UPDATE objects SET system_metadata = 'null'");
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> deleted,
                              store.DeleteObject("b", "k", kNowMs));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->inline_data, object.inline_data);
  STRATA_EXPECT_CODE(store.GetObject("b", "k"), Code::kNoSuchKey);

  // A manifest: still replaceable; its chunk keeps its count.
  const ChunkInfo c = Chunk(1);
  STRATA_ASSERT_OK(store.PutObject(WithManifest("b", "k", {Whole(c)}), {}, {c}, kNowMs));
  sql("UPDATE objects SET manifest = '[[1]]'");
  STRATA_EXPECT_CODE(store.GetObject("b", "k"), Code::kCorruption);
  STRATA_EXPECT_CODE(store.ListObjects("b", {}), Code::kCorruption);
  STRATA_ASSERT_OK_AND_ASSIGN(put, store.PutObject(object, {}, {}, kNowMs));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_TRUE(put.replaced->manifest.empty());
  EXPECT_EQ(sql("SELECT refcount FROM chunks"), std::vector<std::string>{"1"});

  // A body that does not add up to the size.
  sql("UPDATE objects SET size = size + 1");
  STRATA_EXPECT_CODE(store.GetObject("b", "k"), Code::kCorruption);
  STRATA_ASSERT_OK_AND_ASSIGN(deleted, store.DeleteObject("b", "k", kNowMs));
  EXPECT_TRUE(deleted.has_value());
}

void ExpectReopenKeepsDataAndMigrations(const OpenStore& open, const RawSql& sql) {
  {
    STRATA_ASSERT_OK_AND_ASSIGN(std::unique_ptr<MetaStore> store, open());
    STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
    STRATA_ASSERT_OK(store->PutObject(MakeObject("b", "k"), {}, {}, kNowMs));
  }
  // Mark the recorded migrations so a second application would be visible.
  sql("UPDATE schema_migrations SET applied_at_ms = 42");
  {
    STRATA_ASSERT_OK_AND_ASSIGN(std::unique_ptr<MetaStore> store, open());
    STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord object, store->GetObject("b", "k"));
    EXPECT_TRUE(SameRecord(MakeObject("b", "k"), object));
  }
  EXPECT_EQ(sql("SELECT applied_at_ms FROM schema_migrations"),
            std::vector<std::string>(Migrations().size(), "42"));
}

void ExpectNewerSchemaRefused(const OpenStore& open, const RawSql& sql) {
  STRATA_ASSERT_OK(open());
  sql("INSERT INTO schema_migrations VALUES (" + std::to_string(LatestSchemaVersion() + 1) +
      ", 'from_the_future', 0)");
  auto store = open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kInvalidArgument);
  EXPECT_NE(store.status().message().find("newer than this Strata build"), std::string::npos)
      << store.status().ToString();
}

void ExpectDivergedHistoryRefused(const OpenStore& open, const RawSql& sql) {
  STRATA_ASSERT_OK(open());
  sql("UPDATE schema_migrations SET name = 'something_else' WHERE version = 1");
  STRATA_EXPECT_CODE(open(), Code::kCorruption);
}

}  // namespace strata::meta::contract
