// The SQLite store's own versioning tests: what the contract suite cannot
// see (the rows the moves between `objects` and `object_versions` leave, a
// damaged versioning state, and that ListObjectVersions walks indexes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/sqlite/internal/test_util.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::sqlite {
namespace {

using common::Code;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using internal::RawDb;
using Strings = std::vector<std::string>;
using SqliteVersionsTest = internal::SqliteStoreTest;

ObjectRecord Version(std::string_view key, std::string_view id) {
  ObjectRecord object = MakeObject("b", key);
  object.version_id = id;
  return object;
}

// The invariant of 0008: the current object is in `objects`, every other
// version in `object_versions`, with seq growing with age reversed.
TEST_F(SqliteVersionsTest, RowsLiveWhere0008Says) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store->SetBucketVersioning("b", Versioning::kEnabled));
  STRATA_ASSERT_OK(store->PutObject(Version("k", "v1"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(store->PutObject(Version("k", "v2"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(store->DeleteLatest("b", "k", "m1", kNowMs));
  STRATA_ASSERT_OK(store->PutObject(Version("k", "v3"), {}, {}, kNowMs));
  RawDb raw(path_);
  EXPECT_EQ(raw.Column("SELECT version_id FROM objects"), Strings{"v3"});
  EXPECT_EQ(raw.Column("SELECT version_id || ':' || seq || ':' || delete_marker"
                       " FROM object_versions ORDER BY seq DESC"),
            (Strings{"m1:2:1", "v2:1:0", "v1:0:0"}));
  EXPECT_EQ(raw.Column("SELECT versioning FROM buckets"), Strings{"Enabled"});
  // Removing the current version and the marker under it promotes v2 back.
  STRATA_ASSERT_OK(store->DeleteVersion("b", "k", "v3", kNowMs));
  EXPECT_EQ(raw.Column("SELECT count(*) FROM objects"), Strings{"0"});
  STRATA_ASSERT_OK(store->DeleteVersion("b", "k", "m1", kNowMs));
  EXPECT_EQ(raw.Column("SELECT version_id FROM objects"), Strings{"v2"});
  EXPECT_EQ(raw.Column("SELECT version_id FROM object_versions"), Strings{"v1"});
}

TEST_F(SqliteVersionsTest, UnknownVersioningStateIsCorruption) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  RawDb(path_).Exec("UPDATE buckets SET versioning = 'Maybe'");
  STRATA_EXPECT_CODE(store->GetBucket("b"), Code::kCorruption);
  STRATA_EXPECT_CODE(store->PutObject(Version("k", "v1"), {}, {}, kNowMs), Code::kCorruption);
  STRATA_EXPECT_CODE(store->DeleteLatest("b", "k", "m1", kNowMs), Code::kCorruption);
}

// The queries of ListObjectVersions, GetObjectVersion and the write path
// (internal/version_rows.cc), with literals for the parameters: each one an
// index search, never a scan of a table or a sort.
TEST_F(SqliteVersionsTest, VersionQueriesWalkIndexes) {
  ASSERT_NE(OpenOrDie(), nullptr);
  RawDb raw(path_);
  const std::string queries[] = {
      "SELECT key FROM objects WHERE bucket = 'b' AND key >= 'k' ORDER BY key LIMIT 1",
      "SELECT key FROM object_versions WHERE bucket = 'b' AND key > 'k' ORDER BY key LIMIT 1",
      "SELECT * FROM object_versions WHERE bucket = 'b' AND key = 'k' AND seq < 9"
      " ORDER BY seq DESC LIMIT 3",
      "SELECT seq, delete_marker FROM object_versions WHERE bucket = 'b' AND key = 'k'"
      " ORDER BY seq DESC LIMIT 1",
      "SELECT * FROM object_versions WHERE bucket = 'b' AND key = 'k' AND version_id = 'v'",
      "SELECT MAX(seq) FROM object_versions WHERE bucket = 'b' AND key = 'k'",
      "SELECT 1 FROM objects WHERE bucket = 'b'"
      " UNION ALL SELECT 1 FROM object_versions WHERE bucket = 'b' LIMIT 1",
      "SELECT 1 FROM objects WHERE bucket = 'b' AND key = 'k' AND version_id = 'v'",
  };
  for (const std::string& query : queries) {
    const Strings plan = raw.QueryPlan(query);
    ASSERT_FALSE(plan.empty()) << query;
    for (const std::string& step : plan) {
      EXPECT_NE(step.rfind("SCAN", 0), 0u) << query << ": " << step;
      EXPECT_EQ(step.find("TEMP B-TREE"), std::string::npos) << query << ": " << step;
    }
  }
}

}  // namespace
}  // namespace strata::meta::sqlite
