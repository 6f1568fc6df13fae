// The SQLite store's own multipart tests: what the contract suite cannot see
// (exact counts, rows left behind, damaged rows, the clock DeleteBucket uses,
// upgrades) and the kInvalidArgument rules sqlite_meta_store.h adds.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/clock.h"
#include "meta/internal/contract_util.h"
#include "meta/migrations/migrations.h"
#include "meta/sqlite/internal/test_util.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::sqlite {
namespace {

using common::Code;
using contract::Chunk;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using contract::Piece;
using contract::Whole;
using contract::WithManifest;
using internal::RawDb;
using Strings = std::vector<std::string>;

class SqliteMultipartTest : public internal::SqliteStoreTest {
 protected:
  // Opens the store with bucket "b" and upload "u1" for key "k" in it.
  std::unique_ptr<SqliteMetaStore> OpenWithUpload(const SqliteOptions& options = {}) {
    auto store = OpenOrDie(options);
    if (store == nullptr) return nullptr;
    EXPECT_TRUE(store->CreateBucket(MakeBucket("b")).ok());
    EXPECT_TRUE(store->CreateMultipartUpload(Upload("u1")).ok());
    return store;
  }

  static MultipartUpload Upload(std::string id, std::string key = "k") {
    return {.upload_id = std::move(id), .bucket = "b", .key = std::move(key), .initiated_ms = 1};
  }

  static PartRecord Part(std::string upload_id, int number, Manifest manifest) {
    PartRecord part{.upload_id = std::move(upload_id),
                    .part_number = number,
                    .etag = "e",
                    .manifest = std::move(manifest)};
    for (const ManifestEntry& entry : part.manifest) part.size += entry.length;
    return part;
  }

  // "n:refcount:zero_since_ms" per chunk row, n the last hex digit of its hash.
  Strings ChunkRows() {
    return RawDb(path_).Column(
        "SELECT substr(hash, 64) || ':' || refcount || ':' || zero_since_ms FROM chunks"
        " ORDER BY hash");
  }

  Strings Count(const std::string& table) {
    return RawDb(path_).Column("SELECT count(*) FROM " + table);
  }
};

// The counts themselves, which the contract suite can only infer.
TEST_F(SqliteMultipartTest, CountsAreExact) {
  auto store = OpenWithUpload();
  ASSERT_NE(store, nullptr);
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  const ChunkInfo c3 = Chunk(3);
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 1, {Whole(c1), Whole(c1)}), {c1}, 1000));
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 2, {Whole(c2), Whole(c1)}), {c2}, 1000));
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 3, {Whole(c3)}), {c3}, 1000));
  EXPECT_EQ(ChunkRows(), (Strings{"1:3:1000", "2:1:1000", "3:1:1000"}));
  // Replacing part 3 with a piece of c2: c3 reaches 0.
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 3, {Piece(c2, 0, 5)}), {}, 2000));
  EXPECT_EQ(ChunkRows(), (Strings{"1:3:1000", "2:2:1000", "3:0:2000"}));
  // Completing with parts 2 and 3: the object counts 1 for c1 and 2 for c2;
  // part 1's two references to c1 go.
  ObjectRecord object = WithManifest("b", "k", {Whole(c2), Whole(c1), Piece(c2, 0, 5)});
  object.part_sizes = {c2.size + c1.size, 5};
  STRATA_ASSERT_OK(store->CompleteMultipartUpload("u1", object, {}, 3000));
  EXPECT_EQ(ChunkRows(), (Strings{"1:1:1000", "2:2:1000", "3:0:2000"}));
  EXPECT_EQ(Count("multipart_parts"), Strings{"0"});
  EXPECT_EQ(Count("multipart_uploads"), Strings{"0"});
  STRATA_ASSERT_OK(store->DeleteObject("b", "k", 4000));
  EXPECT_EQ(ChunkRows(), (Strings{"1:0:4000", "2:0:4000", "3:0:2000"}));
}

TEST_F(SqliteMultipartTest, DeleteBucketAbortsAtTheClocksTime) {
  common::FixedClock clock(4242);
  auto store = OpenWithUpload({.clock = &clock});
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateMultipartUpload(Upload("u2", "k2")));
  const ChunkInfo c = Chunk(1);
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 1, {Whole(c)}), {c}, 1000));
  STRATA_ASSERT_OK(store->PutPart(Part("u2", 1, {Whole(c)}), {}, 1000));
  STRATA_ASSERT_OK(store->DeleteBucket("b"));
  EXPECT_EQ(ChunkRows(), Strings{"1:0:4242"});
  EXPECT_EQ(Count("multipart_parts"), Strings{"0"});
  EXPECT_EQ(Count("multipart_uploads"), Strings{"0"});
}

TEST_F(SqliteMultipartTest, RejectsBadParts) {
  auto store = OpenWithUpload();
  ASSERT_NE(store, nullptr);
  const ChunkInfo stored = Chunk(1);
  const ChunkInfo fresh = Chunk(2);
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 1, {Whole(stored)}), {stored}, kNowMs));

  struct Case {
    const char* name;
    PartRecord part;
    std::vector<ChunkInfo> written;
  };
  std::vector<Case> cases;
  cases.push_back({"part 0", Part("u1", 0, {Whole(fresh)}), {fresh}});
  cases.push_back({"part 10001", Part("u1", 10001, {Whole(fresh)}), {fresh}});
  cases.push_back({"negative part", Part("u1", -1, {Whole(fresh)}), {fresh}});
  {
    PartRecord part = Part("u1", 2, {Whole(fresh)});
    part.size -= 1;
    cases.push_back({"size too small", part, {fresh}});
  }
  {
    PartRecord part = Part("u1", 2, {Whole(fresh)});
    part.size += 1;
    cases.push_back({"size too large", part, {fresh}});
  }
  {
    PartRecord part = Part("u1", 2, {});
    part.size = std::numeric_limits<uint64_t>::max();
    cases.push_back({"size beyond 63 bits", part, {}});
  }
  cases.push_back({"past the end", Part("u1", 2, {Piece(fresh, 10, fresh.size)}), {fresh}});
  {
    ChunkInfo negative = fresh;
    negative.data_shards = -1;
    cases.push_back({"written chunk", Part("u1", 2, {Whole(fresh)}), {negative}});
  }
  {
    ChunkInfo other_m = stored;
    other_m.parity_shards = 7;
    cases.push_back({"entry vs row", Part("u1", 2, {Whole(other_m)}), {}});
  }
  for (const Case& c : cases) {
    STRATA_EXPECT_CODE(store->PutPart(c.part, c.written, kNowMs), Code::kInvalidArgument);
    EXPECT_EQ(RawDb(path_).Column("SELECT part_number || ':' || refcount FROM multipart_parts,"
                                  " chunks"),
              Strings{"1:1"})
        << c.name;
  }
}

TEST_F(SqliteMultipartTest, RejectsBadUploads) {
  auto store = OpenWithUpload();
  ASSERT_NE(store, nullptr);
  MultipartUpload again = Upload("u1", "other");
  STRATA_EXPECT_CODE(store->CreateMultipartUpload(again), Code::kInvalidArgument);
  STRATA_EXPECT_OK(store->GetMultipartUpload("b", "k", "u1"));
  MultipartUpload bad = Upload("u2");
  bad.user_metadata = {{"bad", "\xff"}};
  STRATA_EXPECT_CODE(store->CreateMultipartUpload(bad), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(store->GetMultipartUpload("b", "k", "u2"), Code::kNoSuchUpload);
  // An object that breaks PutObject's rules cannot complete the upload.
  ObjectRecord object = MakeObject("b", "k");
  object.size += 1;
  STRATA_EXPECT_CODE(store->CompleteMultipartUpload("u1", object, {}, kNowMs),
                     Code::kInvalidArgument);
  STRATA_EXPECT_OK(store->GetMultipartUpload("b", "k", "u1"));
}

// A damaged upload row fails the reads that return it, but GC still finds it
// and abort still removes it; a damaged part manifest fails GetParts, and its
// references leak when the upload ends.
TEST_F(SqliteMultipartTest, DamagedRowsStayRemovable) {
  auto store = OpenWithUpload();
  ASSERT_NE(store, nullptr);
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 1, {Whole(c1)}), {c1}, kNowMs));
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 2, {Whole(c2)}), {c2}, kNowMs));
  RawDb(path_).Exec("UPDATE multipart_uploads SET user_metadata = '{oops'");
  RawDb(path_).Exec("UPDATE multipart_parts SET manifest = '[[1]]' WHERE part_number = 1");
  STRATA_EXPECT_CODE(store->GetMultipartUpload("b", "k", "u1"), Code::kCorruption);
  STRATA_EXPECT_CODE(store->ListMultipartUploads("b", {}), Code::kCorruption);
  STRATA_EXPECT_CODE(store->GetParts("u1"), Code::kCorruption);
  STRATA_ASSERT_OK_AND_ASSIGN(ListPartsPage page, store->ListParts("u1", 0, 10));
  EXPECT_EQ(page.parts.size(), 2u);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<MultipartUpload> stale,
                              store->ListStaleUploads(contract::kForever, 10));
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].upload_id, "u1");
  EXPECT_TRUE(stale[0].user_metadata.empty());
  // A part whose size disagrees with its manifest is damaged too.
  RawDb(path_).Exec("UPDATE multipart_parts SET size = size + 1 WHERE part_number = 2");
  RawDb(path_).Exec("UPDATE multipart_parts SET manifest = '[]' WHERE part_number = 1");
  STRATA_EXPECT_CODE(store->GetParts("u1"), Code::kCorruption);
  RawDb(path_).Exec("UPDATE multipart_parts SET manifest = '[[1]]' WHERE part_number = 1");
  // Replacing the damaged part works; its old references leak.
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 1, {Whole(c2)}), {}, 1000));
  EXPECT_EQ(ChunkRows(),
            (Strings{"1:1:" + std::to_string(kNowMs), "2:2:" + std::to_string(kNowMs)}));
  RawDb(path_).Exec("UPDATE multipart_parts SET manifest = '[[1]]' WHERE part_number = 1");
  STRATA_ASSERT_OK(store->AbortMultipartUpload("u1", 2000));
  EXPECT_EQ(ChunkRows(),
            (Strings{"1:1:" + std::to_string(kNowMs), "2:1:" + std::to_string(kNowMs)}));
  EXPECT_EQ(Count("multipart_parts"), Strings{"0"});
  EXPECT_EQ(Count("multipart_uploads"), Strings{"0"});
}

// Listing seeks and GC's scan walk indexes, never sorting (the statements of
// sqlite_meta_store_multipart.cc, in the shapes they take).
TEST_F(SqliteMultipartTest, ListingsUseIndexes) {
  ASSERT_NE(OpenOrDie(), nullptr);
  RawDb raw(path_);
  const std::string queries[] = {
      "SELECT upload_id, key FROM multipart_uploads WHERE bucket = 'b' AND key >= 'k'"
      " ORDER BY key, upload_id",
      "SELECT upload_id, key FROM multipart_uploads WHERE bucket = 'b' AND key > 'k'"
      " ORDER BY key, upload_id",
      "SELECT upload_id, key FROM multipart_uploads WHERE bucket = 'b'"
      " AND (key, upload_id) > ('k', 'u') ORDER BY key, upload_id",
      "SELECT upload_id, owner FROM multipart_uploads WHERE initiated_ms <= 5"
      " ORDER BY initiated_ms, upload_id LIMIT 3",
      "SELECT etag FROM multipart_parts WHERE upload_id = 'u' AND part_number > 3"
      " ORDER BY part_number LIMIT 3",
  };
  for (const std::string& query : queries) {
    const Strings plan = raw.QueryPlan(query);
    ASSERT_EQ(plan.size(), 1u) << query;
    EXPECT_NE(plan[0].find("USING"), std::string::npos) << query << ": " << plan[0];
    EXPECT_NE(plan[0].find("INDEX"), std::string::npos) << query << ": " << plan[0];
    // A range of the index, not a scan of it.
    EXPECT_NE(plan[0].find_first_of("<>"), std::string::npos) << query << ": " << plan[0];
  }
}

// A database at version 2 upgrades; its objects keep their rows and read
// back with no checksum and no part sizes.
TEST_F(SqliteMultipartTest, MigratesAVersion2Database) {
  const ChunkInfo c = Chunk(1);
  const ObjectRecord object = WithManifest("b", "k", {Whole(c)});
  {
    RawDb raw(path_);
    raw.Exec(std::string(kCreateSchemaMigrationsSql));
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(Migrations()[i].version, i + 1);
      raw.Exec(std::string(Migrations()[i].sql));
      raw.Exec("INSERT INTO schema_migrations VALUES (" + std::to_string(i + 1) + ", '" +
               std::string(Migrations()[i].name) + "', 0)");
    }
    raw.Exec("INSERT INTO buckets VALUES ('b', '', 'owner-1', 1)");
    raw.Exec("INSERT INTO chunks VALUES ('" + c.hash + "', '" + c.location + "', 4, 2, " +
             std::to_string(c.size) + ", 1, 0)");
    raw.Exec(
        "INSERT INTO objects (bucket, key, size, etag, content_type, user_metadata,"
        " system_metadata, last_modified_ms, storage_class, manifest) VALUES ('b', 'k', " +
        std::to_string(c.size) + ", '" + object.etag + "', '" + object.content_type +
        "', '[[\"origin\",\"k\"],[\"empty\",\"\"]]', '[[\"cache-control\",\"no-cache\"]]', " +
        std::to_string(object.last_modified_ms) + ", 'STANDARD', '[[\"" + c.hash + "\",\"" +
        c.location + "\",4,2," + std::to_string(c.size) + ",0," + std::to_string(c.size) + "]]')");
  }
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Strings versions;
  for (const Migration& m : Migrations()) versions.push_back(std::to_string(m.version));
  EXPECT_EQ(RawDb(path_).Column("SELECT version FROM schema_migrations ORDER BY version"),
            versions);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord got, store->GetObject("b", "k"));
  ObjectRecord expected = object;
  expected.checksum = {};
  expected.tags = {};  // no tags before migration 0006
  EXPECT_TRUE(contract::SameRecord(expected, got));
  EXPECT_TRUE(got.part_sizes.empty());
  // And multipart works on it.
  STRATA_ASSERT_OK(store->CreateMultipartUpload(Upload("u1")));
  STRATA_ASSERT_OK(store->PutPart(Part("u1", 1, {Whole(c)}), {}, kNowMs));
  EXPECT_EQ(ChunkRows(), Strings{"1:2:0"});
}

}  // namespace
}  // namespace strata::meta::sqlite
