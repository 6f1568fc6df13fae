// The versioning half of the MetaStore contract suite (migration 0008,
// meta_store.h): the bucket's versioning state, what PutObject, DeleteLatest
// and DeleteVersion do to a key's versions, reading and tagging one version,
// ListObjectVersions, and the chunk counts versions hold. Only through the
// MetaStore interface, so it holds for every backend and decorator.
#include <optional>
#include <string>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;
using Strings = std::vector<std::string>;
using PutResult = MetaStore::PutResult;
using DeleteResult = MetaStore::DeleteResult;

// MakeObject with this version id and an etag that tells versions apart.
ObjectRecord Version(std::string_view bucket, std::string_view key, std::string_view version_id) {
  ObjectRecord object = MakeObject(bucket, key, "etag-" + std::string(version_id));
  object.version_id = version_id;
  return object;
}

common::Result<PutResult> Put(MetaStore& store, const ObjectRecord& object,
                              const std::vector<ChunkInfo>& written = {}, int64_t now_ms = kNowMs,
                              const WriteCondition& condition = {}) {
  return store.PutObject(object, condition, written, now_ms);
}

// A bucket "b" with versioning in state `versioning`.
void MakeVersionedBucket(MetaStore& store, Versioning versioning = Versioning::kEnabled) {
  ASSERT_TRUE(store.CreateBucket(MakeBucket("b")).ok());
  if (versioning != Versioning::kUnversioned) {
    ASSERT_TRUE(store.SetBucketVersioning("b", versioning).ok());
  }
}

// One listing entry as "key@id" ("null" for the null version), with "!" for
// the latest version and "~" for a delete marker; common prefixes as they are.
std::string Describe(const ObjectRecord& version) {
  return version.key + "@" + (version.version_id.empty() ? "null" : version.version_id) +
         (version.is_latest ? "!" : "") + (version.delete_marker ? "~" : "");
}

Strings Entries(const ListVersionsPage& page) {
  Strings entries;
  for (const ObjectRecord& version : page.versions) entries.push_back(Describe(version));
  for (const std::string& prefix : page.common_prefixes) entries.push_back(prefix);
  return entries;
}

// Every version of the bucket, listed in one page (failures add a test
// failure and return {"<error>"}).
Strings AllVersions(MetaStore& store, const ListVersionsQuery& query = {}) {
  common::Result<ListVersionsPage> page = store.ListObjectVersions("b", query);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? Entries(*page) : Strings{"<error>"};
}

// --- The bucket's state ----------------------------------------------------

TEST_P(MetaStoreContractTest, BucketVersioningState) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket fresh, store().GetBucket("b"));
  EXPECT_EQ(fresh.versioning, Versioning::kUnversioned);
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kEnabled));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket enabled, store().GetBucket("b"));
  EXPECT_EQ(enabled.versioning, Versioning::kEnabled);
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kSuspended));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<Bucket> listed, store().ListBuckets());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].versioning, Versioning::kSuspended);
  // Never back to unversioned.
  STRATA_EXPECT_CODE(store().SetBucketVersioning("b", Versioning::kUnversioned),
                     Code::kInvalidArgument);
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket suspended, store().GetBucket("b"));
  EXPECT_EQ(suspended.versioning, Versioning::kSuspended);
  STRATA_EXPECT_CODE(store().SetBucketVersioning("nope", Versioning::kEnabled),
                     Code::kNoSuchBucket);
  // Given at creation (copy tools recreate buckets as they were).
  Bucket created = MakeBucket("c");
  created.versioning = Versioning::kEnabled;
  STRATA_ASSERT_OK(store().CreateBucket(created));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket c, store().GetBucket("c"));
  EXPECT_EQ(c.versioning, Versioning::kEnabled);
}

TEST_P(MetaStoreContractTest, UnversionedBucketKeepsOneNullVersion) {
  MakeVersionedBucket(store(), Versioning::kUnversioned);
  // Whatever id the caller passes, the write is the null version.
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult first, Put(store(), Version("b", "k", "v1")));
  EXPECT_EQ(first.version_id, "");
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord got, store().GetObject("b", "k"));
  EXPECT_EQ(got.version_id, "");
  EXPECT_TRUE(got.is_latest);
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult second, Put(store(), Version("b", "k", "v2")));
  ASSERT_TRUE(second.replaced.has_value());
  EXPECT_EQ(second.replaced->etag, "etag-v1");
  EXPECT_EQ(AllVersions(store()), Strings{"k@null!"});
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord null_version, store().GetObjectVersion("b", "k", ""));
  EXPECT_EQ(null_version.etag, "etag-v2");
  // DeleteLatest removes it, writing no marker.
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult deleted, store().DeleteLatest("b", "k", "m1", kNowMs));
  ASSERT_TRUE(deleted.removed.has_value());
  EXPECT_EQ(deleted.removed->etag, "etag-v2");
  EXPECT_FALSE(deleted.delete_marker.has_value());
  STRATA_EXPECT_CODE(store().GetObject("b", "k"), Code::kNoSuchKey);
  EXPECT_EQ(AllVersions(store()), Strings{});
  STRATA_ASSERT_OK(store().DeleteBucket("b"));
}

// --- Enabled ---------------------------------------------------------------

TEST_P(MetaStoreContractTest, EnabledBucketKeepsEveryVersion) {
  MakeVersionedBucket(store());
  const ObjectRecord v1 = Version("b", "k", "v1");
  const ObjectRecord v2 = Version("b", "k", "v2");
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult first, Put(store(), v1));
  EXPECT_EQ(first.version_id, "v1");
  EXPECT_FALSE(first.replaced.has_value());
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult second, Put(store(), v2));
  EXPECT_EQ(second.version_id, "v2");
  EXPECT_FALSE(second.replaced.has_value());  // kept as a non-current version

  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord current, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(v2, current));
  EXPECT_EQ(current.version_id, "v2");
  EXPECT_TRUE(current.is_latest);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord old, store().GetObjectVersion("b", "k", "v1"));
  EXPECT_TRUE(SameRecord(v1, old));
  EXPECT_EQ(old.version_id, "v1");
  EXPECT_FALSE(old.is_latest);
  EXPECT_FALSE(old.delete_marker);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord newest, store().GetObjectVersion("b", "k", "v2"));
  EXPECT_TRUE(SameRecord(v2, newest));
  EXPECT_TRUE(newest.is_latest);
  STRATA_EXPECT_CODE(store().GetObjectVersion("b", "k", "v3"), Code::kNoSuchVersion);
  STRATA_EXPECT_CODE(store().GetObjectVersion("b", "k", ""), Code::kNoSuchVersion);
  STRATA_EXPECT_CODE(store().GetObjectVersion("b", "other", "v1"), Code::kNoSuchVersion);

  // ListObjects sees the current version only.
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", {}));
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].version_id, "v2");
  EXPECT_EQ(AllVersions(store()), (Strings{"k@v2!", "k@v1"}));
}

TEST_P(MetaStoreContractTest, DeleteLatestWritesADeleteMarker) {
  MakeVersionedBucket(store());
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1")));
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult deleted, store().DeleteLatest("b", "k", "m1", 5000));
  EXPECT_FALSE(deleted.removed.has_value());
  ASSERT_TRUE(deleted.delete_marker.has_value());
  EXPECT_EQ(deleted.delete_marker->version_id, "m1");
  EXPECT_TRUE(deleted.delete_marker->delete_marker);
  EXPECT_EQ(deleted.delete_marker->last_modified_ms, 5000);

  STRATA_EXPECT_CODE(store().GetObject("b", "k"), Code::kNoSuchKey);
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", {}));
  EXPECT_TRUE(page.objects.empty());
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord marker, store().GetObjectVersion("b", "k", "m1"));
  EXPECT_TRUE(marker.delete_marker);
  EXPECT_TRUE(marker.is_latest);
  EXPECT_EQ(marker.size, 0u);
  EXPECT_EQ(marker.etag, "");
  EXPECT_TRUE(marker.manifest.empty());
  EXPECT_EQ(marker.last_modified_ms, 5000);
  EXPECT_EQ(marker.storage_class, "STANDARD");
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord v1, store().GetObjectVersion("b", "k", "v1"));
  EXPECT_FALSE(v1.is_latest);
  EXPECT_EQ(AllVersions(store()), (Strings{"k@m1!~", "k@v1"}));

  // Another marker on top, and a marker for a key with no version at all.
  STRATA_ASSERT_OK(store().DeleteLatest("b", "k", "m2", 6000));
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult fresh, store().DeleteLatest("b", "new", "m3", 6000));
  EXPECT_TRUE(fresh.delete_marker.has_value());
  EXPECT_EQ(AllVersions(store()), (Strings{"k@m2!~", "k@m1~", "k@v1", "new@m3!~"}));

  // Removing the markers brings the object back.
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult unmarked, store().DeleteVersion("b", "k", "m2", 7000));
  ASSERT_TRUE(unmarked.removed.has_value());
  EXPECT_TRUE(unmarked.removed->delete_marker);
  STRATA_EXPECT_CODE(store().GetObject("b", "k"), Code::kNoSuchKey);
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "m1", 7000));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord back, store().GetObject("b", "k"));
  EXPECT_EQ(back.version_id, "v1");
  EXPECT_TRUE(back.is_latest);
  EXPECT_TRUE(SameRecord(Version("b", "k", "v1"), back));
  EXPECT_EQ(AllVersions(store()), (Strings{"k@v1!", "new@m3!~"}));
}

TEST_P(MetaStoreContractTest, DeleteVersionPromotesTheNextNewest) {
  MakeVersionedBucket(store());
  for (const char* id : {"v1", "v2", "v3"}) STRATA_ASSERT_OK(Put(store(), Version("b", "k", id)));
  // The current version: the previous one becomes current.
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult removed, store().DeleteVersion("b", "k", "v3", kNowMs));
  ASSERT_TRUE(removed.removed.has_value());
  EXPECT_EQ(removed.removed->version_id, "v3");
  EXPECT_FALSE(removed.delete_marker.has_value());
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord current, store().GetObject("b", "k"));
  EXPECT_EQ(current.version_id, "v2");
  // A non-latest version: nothing else changes.
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "v1", kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord still, store().GetObject("b", "k"));
  EXPECT_EQ(still.version_id, "v2");
  EXPECT_EQ(AllVersions(store()), Strings{"k@v2!"});
  // No such version: nothing removed, no error (S3 answers 204).
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult none, store().DeleteVersion("b", "k", "v1", kNowMs));
  EXPECT_FALSE(none.removed.has_value());
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult other, store().DeleteVersion("b", "x", "v2", kNowMs));
  EXPECT_FALSE(other.removed.has_value());
  EXPECT_EQ(AllVersions(store()), Strings{"k@v2!"});
  // The last one: the key is gone.
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "v2", kNowMs));
  STRATA_EXPECT_CODE(store().GetObject("b", "k"), Code::kNoSuchKey);
  EXPECT_EQ(AllVersions(store()), Strings{});
}

TEST_P(MetaStoreContractTest, DeleteVersionUnderAMarkerLeavesTheMarkerLatest) {
  MakeVersionedBucket(store());
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1")));
  STRATA_ASSERT_OK(store().DeleteLatest("b", "k", "m1", kNowMs));
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v2")));
  EXPECT_EQ(AllVersions(store()), (Strings{"k@v2!", "k@m1~", "k@v1"}));
  // Removing the current version makes the marker below it the latest.
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "v2", kNowMs));
  STRATA_EXPECT_CODE(store().GetObject("b", "k"), Code::kNoSuchKey);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord marker, store().GetObjectVersion("b", "k", "m1"));
  EXPECT_TRUE(marker.is_latest);
  EXPECT_EQ(AllVersions(store()), (Strings{"k@m1!~", "k@v1"}));
  // A version written now is newer than the marker.
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v3")));
  EXPECT_EQ(AllVersions(store()), (Strings{"k@v3!", "k@m1~", "k@v1"}));
}

// --- Suspended and the null version ----------------------------------------

TEST_P(MetaStoreContractTest, SuspendedWritesReplaceTheNullVersionOnly) {
  MakeVersionedBucket(store());
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1")));
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kSuspended));
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult first, Put(store(), Version("b", "k", "ignored")));
  EXPECT_EQ(first.version_id, "");
  EXPECT_FALSE(first.replaced.has_value());  // v1 stays
  ObjectRecord second_null = Version("b", "k", "");
  second_null.etag = "etag-second";
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult second, Put(store(), second_null));
  ASSERT_TRUE(second.replaced.has_value());
  EXPECT_EQ(second.replaced->etag, "etag-ignored");
  EXPECT_EQ(AllVersions(store()), (Strings{"k@null!", "k@v1"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord null_version, store().GetObjectVersion("b", "k", ""));
  EXPECT_EQ(null_version.etag, "etag-second");
  EXPECT_TRUE(null_version.is_latest);

  // Enabled again: the null version stays as a non-current one ...
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kEnabled));
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v2")));
  EXPECT_EQ(AllVersions(store()), (Strings{"k@v2!", "k@null", "k@v1"}));
  // ... until a suspended write replaces it for good, wherever it is.
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kSuspended));
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult third, Put(store(), Version("b", "k", "")));
  ASSERT_TRUE(third.replaced.has_value());
  EXPECT_EQ(third.replaced->etag, "etag-second");
  EXPECT_EQ(third.version_id, "");
  EXPECT_EQ(AllVersions(store()), (Strings{"k@null!", "k@v2", "k@v1"}));
}

TEST_P(MetaStoreContractTest, NullVersionFromBeforeVersioningSurvives) {
  MakeVersionedBucket(store(), Versioning::kUnversioned);
  const ObjectRecord before = Version("b", "k", "");
  STRATA_ASSERT_OK(Put(store(), before));
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kEnabled));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord current, store().GetObject("b", "k"));
  EXPECT_EQ(current.version_id, "");
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1")));
  EXPECT_EQ(AllVersions(store()), (Strings{"k@v1!", "k@null"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord old, store().GetObjectVersion("b", "k", ""));
  EXPECT_TRUE(SameRecord(before, old));
  EXPECT_FALSE(old.is_latest);
  STRATA_ASSERT_OK_AND_ASSIGN(ListVersionsPage page, store().ListObjectVersions("b", {}));
  ASSERT_EQ(page.versions.size(), 2u);
  EXPECT_EQ(page.versions[1].version_id, "");
}

TEST_P(MetaStoreContractTest, SuspendedDeleteWritesANullMarker) {
  MakeVersionedBucket(store());
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1")));
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kSuspended));
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "")));
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult deleted,
                              store().DeleteLatest("b", "k", "ignored", kNowMs));
  ASSERT_TRUE(deleted.removed.has_value());  // the null version, for good
  EXPECT_EQ(deleted.removed->etag, "etag-");
  EXPECT_FALSE(deleted.removed->delete_marker);
  ASSERT_TRUE(deleted.delete_marker.has_value());
  EXPECT_EQ(deleted.delete_marker->version_id, "");
  EXPECT_EQ(AllVersions(store()), (Strings{"k@null!~", "k@v1"}));
  STRATA_EXPECT_CODE(store().GetObject("b", "k"), Code::kNoSuchKey);
  // Again: the null marker is replaced by a new one.
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult again, store().DeleteLatest("b", "k", "", kNowMs + 1));
  ASSERT_TRUE(again.removed.has_value());
  EXPECT_TRUE(again.removed->delete_marker);
  EXPECT_EQ(AllVersions(store()), (Strings{"k@null!~", "k@v1"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord marker, store().GetObjectVersion("b", "k", ""));
  EXPECT_EQ(marker.last_modified_ms, kNowMs + 1);
  // With the current version an id'd one, it stays below the marker.
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kEnabled));
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v2")));
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kSuspended));
  STRATA_ASSERT_OK_AND_ASSIGN(DeleteResult third, store().DeleteLatest("b", "k", "", kNowMs + 2));
  ASSERT_TRUE(third.removed.has_value());  // the old null marker
  EXPECT_TRUE(third.removed->delete_marker);
  EXPECT_EQ(AllVersions(store()), (Strings{"k@null!~", "k@v2", "k@v1"}));
}

// --- Listing ---------------------------------------------------------------

TEST_P(MetaStoreContractTest, ListObjectVersionsOrderAndPaging) {
  MakeVersionedBucket(store(), Versioning::kUnversioned);
  STRATA_ASSERT_OK(Put(store(), Version("b", "a", "")));
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kEnabled));
  STRATA_ASSERT_OK(Put(store(), Version("b", "a", "a1")));
  STRATA_ASSERT_OK(Put(store(), Version("b", "a", "a2")));
  STRATA_ASSERT_OK(Put(store(), Version("b", "dir/x", "x1")));
  STRATA_ASSERT_OK(store().DeleteLatest("b", "dir/x", "xm", kNowMs));
  STRATA_ASSERT_OK(Put(store(), Version("b", "dir/y", "y1")));
  STRATA_ASSERT_OK(store().DeleteLatest("b", "gone", "gm", kNowMs));
  // Byte order of keys: "a" < "a\x7f" < "a\xc3\xa9" (bytes, not code points).
  STRATA_ASSERT_OK(Put(store(), Version("b", "a\xc3\xa9", "e1")));
  STRATA_ASSERT_OK(Put(store(), Version("b", "a\x7f", "d1")));
  STRATA_ASSERT_OK(Put(store(), Version("b", "z", "z1")));

  const Strings all = {"a@a2!",      "a@a1",     "a@null",    "a\x7f@d1!", "a\xc3\xa9@e1!",
                       "dir/x@xm!~", "dir/x@x1", "dir/y@y1!", "gone@gm!~", "z@z1!"};
  EXPECT_EQ(AllVersions(store()), all);
  EXPECT_EQ(AllVersions(store(), {.prefix = "dir/"}),
            (Strings{"dir/x@xm!~", "dir/x@x1", "dir/y@y1!"}));
  EXPECT_EQ(AllVersions(store(), {.delimiter = "/"}),
            (Strings{"a@a2!", "a@a1", "a@null", "a\x7f@d1!", "a\xc3\xa9@e1!", "gone@gm!~", "z@z1!",
                     "dir/"}));
  EXPECT_EQ(AllVersions(store(), {.prefix = "dir/", .delimiter = "/"}),
            (Strings{"dir/x@xm!~", "dir/x@x1", "dir/y@y1!"}));

  // Paging by the next markers visits every version once, at any page size.
  for (int max_keys = 1; max_keys <= 11; ++max_keys) {
    SCOPED_TRACE("max_keys " + std::to_string(max_keys));
    ListVersionsQuery query{.max_keys = max_keys};
    Strings seen;
    for (int pages = 0; pages < 20; ++pages) {
      STRATA_ASSERT_OK_AND_ASSIGN(ListVersionsPage page, store().ListObjectVersions("b", query));
      EXPECT_LE(page.versions.size(), static_cast<size_t>(max_keys));
      for (const std::string& entry : Entries(page)) seen.push_back(entry);
      if (!page.truncated) break;
      query.key_marker = page.next_key_marker;
      query.version_id_marker = page.next_version_id_marker;
    }
    EXPECT_EQ(seen, all);
  }

  // The markers: the null version is named "null".
  STRATA_ASSERT_OK_AND_ASSIGN(ListVersionsPage three,
                              store().ListObjectVersions("b", {.max_keys = 3}));
  EXPECT_TRUE(three.truncated);
  EXPECT_EQ(three.next_key_marker, "a");
  EXPECT_EQ(three.next_version_id_marker, "null");
  EXPECT_EQ(AllVersions(store(), {.key_marker = "a", .version_id_marker = "a2", .max_keys = 2}),
            (Strings{"a@a1", "a@null"}));
  EXPECT_EQ(AllVersions(store(), {.key_marker = "a", .version_id_marker = "null", .max_keys = 1}),
            (Strings{"a\x7f@d1!"}));
  // key_marker alone starts after the key; an unknown version id at the next key.
  EXPECT_EQ(AllVersions(store(), {.key_marker = "dir/x", .max_keys = 1}), (Strings{"dir/y@y1!"}));
  EXPECT_EQ(
      AllVersions(store(), {.key_marker = "dir/x", .version_id_marker = "nope", .max_keys = 1}),
      (Strings{"dir/y@y1!"}));
  // With a delimiter, a page can end on a common prefix.
  STRATA_ASSERT_OK_AND_ASSIGN(
      ListVersionsPage to_dir,
      store().ListObjectVersions("b", {.prefix = "d", .delimiter = "/", .max_keys = 1}));
  EXPECT_EQ(to_dir.common_prefixes, Strings{"dir/"});
  EXPECT_FALSE(to_dir.truncated);
  STRATA_ASSERT_OK_AND_ASSIGN(ListVersionsPage before_gone,
                              store().ListObjectVersions("b", {.delimiter = "/", .max_keys = 6}));
  EXPECT_TRUE(before_gone.truncated);
  EXPECT_EQ(before_gone.next_key_marker, "dir/");
  EXPECT_EQ(before_gone.next_version_id_marker, "");
  EXPECT_EQ(AllVersions(store(), {.delimiter = "/", .key_marker = "dir/"}),
            (Strings{"gone@gm!~", "z@z1!"}));

  // Listed versions carry no body.
  STRATA_ASSERT_OK_AND_ASSIGN(ListVersionsPage page, store().ListObjectVersions("b", {}));
  for (const ObjectRecord& version : page.versions) {
    EXPECT_TRUE(version.inline_data.empty()) << version.key;
    EXPECT_TRUE(version.manifest.empty()) << version.key;
  }
  EXPECT_EQ(page.versions[0].etag, "etag-a2");

  STRATA_ASSERT_OK_AND_ASSIGN(ListVersionsPage empty,
                              store().ListObjectVersions("b", {.max_keys = 0}));
  EXPECT_TRUE(empty.versions.empty());
  EXPECT_FALSE(empty.truncated);
  STRATA_EXPECT_CODE(store().ListObjectVersions("b", {.max_keys = -1}), Code::kInvalidArgument);
}

// --- Chunk references -----------------------------------------------------

TEST_P(MetaStoreContractTest, NonCurrentVersionsKeepTheirChunks) {
  MakeVersionedBucket(store());
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  ObjectRecord v1 = WithManifest("b", "k", {Whole(c1)});
  v1.version_id = "v1";
  ObjectRecord v2 = WithManifest("b", "k", {Whole(c2)});
  v2.version_id = "v2";
  STRATA_ASSERT_OK(Put(store(), v1, {c1}, 1000));
  STRATA_ASSERT_OK(Put(store(), v2, {c2}, 1000));
  EXPECT_EQ(Unreferenced(store()), Strings{});
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord old, store().GetObjectVersion("b", "k", "v1"));
  EXPECT_EQ(old.manifest, v1.manifest);
  // A marker keeps both.
  STRATA_ASSERT_OK(store().DeleteLatest("b", "k", "m1", 2000));
  EXPECT_EQ(Unreferenced(store()), Strings{});
  // Deleting a version releases its chunks, and only its.
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "v1", 3000));
  EXPECT_EQ(Unreferenced(store()), Strings{c1.hash});
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "m1", 4000));  // v2 current again
  EXPECT_EQ(Unreferenced(store()), Strings{c1.hash});
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord current, store().GetObject("b", "k"));
  EXPECT_EQ(current.manifest, v2.manifest);
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "v2", 5000));
  EXPECT_EQ(Unreferenced(store()), (Strings{c1.hash, c2.hash}));
}

TEST_P(MetaStoreContractTest, ReplacedNullVersionsReleaseTheirChunks) {
  MakeVersionedBucket(store(), Versioning::kSuspended);
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  const ChunkInfo c3 = Chunk(3);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "k", {Whole(c1)}), {c1}, 1000));
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kEnabled));
  ObjectRecord v1 = WithManifest("b", "k", {Whole(c2)});
  v1.version_id = "v1";
  STRATA_ASSERT_OK(Put(store(), v1, {c2}, 1000));
  EXPECT_EQ(Unreferenced(store()), Strings{});
  // The non-current null version is replaced by a suspended write.
  STRATA_ASSERT_OK(store().SetBucketVersioning("b", Versioning::kSuspended));
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put,
                              Put(store(), WithManifest("b", "k", {Whole(c3)}), {c3}, 2000));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_EQ(put.replaced->manifest, (Manifest{Whole(c1)}));
  EXPECT_EQ(Unreferenced(store()), Strings{c1.hash});
  // And the current null version by a suspended delete.
  STRATA_ASSERT_OK(store().DeleteLatest("b", "k", "", 3000));
  EXPECT_EQ(Unreferenced(store()), (Strings{c1.hash, c3.hash}));
}

TEST_P(MetaStoreContractTest, CompleteMultipartUploadKeepsThePreviousVersion) {
  MakeVersionedBucket(store());
  const ChunkInfo old_chunk = Chunk(1);
  const ChunkInfo part_chunk = Chunk(2);
  ObjectRecord old = WithManifest("b", "k", {Whole(old_chunk)});
  old.version_id = "v1";
  STRATA_ASSERT_OK(Put(store(), old, {old_chunk}, 1000));
  STRATA_ASSERT_OK(store().CreateMultipartUpload(MakeUpload("b", "k", "u1")));
  PartRecord part{.upload_id = "u1",
                  .part_number = 1,
                  .size = part_chunk.size,
                  .etag = "part-etag",
                  .last_modified_ms = 1000,
                  .manifest = {Whole(part_chunk)}};
  STRATA_ASSERT_OK(store().PutPart(part, {part_chunk}, 1000));
  ObjectRecord completed = WithManifest("b", "k", {Whole(part_chunk)});
  completed.part_sizes = {part_chunk.size};
  completed.version_id = "v2";
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put,
                              store().CompleteMultipartUpload("u1", completed, {}, 2000));
  EXPECT_FALSE(put.replaced.has_value());
  EXPECT_EQ(put.version_id, "v2");
  EXPECT_EQ(Unreferenced(store()), Strings{});
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord current, store().GetObject("b", "k"));
  EXPECT_EQ(current.version_id, "v2");
  EXPECT_EQ(AllVersions(store()), (Strings{"k@v2!", "k@v1"}));
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "v1", 3000));
  EXPECT_EQ(Unreferenced(store()), Strings{old_chunk.hash});
}

// --- Tags, buckets, stats, conditions, ids --------------------------------

TEST_P(MetaStoreContractTest, SetObjectVersionTags) {
  MakeVersionedBucket(store());
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1")));
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v2")));
  const MetadataPairs old_tags = Version("b", "k", "v1").tags;
  STRATA_ASSERT_OK(store().SetObjectVersionTags("b", "k", "v1", {{"old", "1"}}));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord v1, store().GetObjectVersion("b", "k", "v1"));
  EXPECT_EQ(v1.tags, (MetadataPairs{{"old", "1"}}));
  EXPECT_EQ(v1.etag, "etag-v1");
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord current, store().GetObject("b", "k"));
  EXPECT_EQ(current.tags, old_tags);
  STRATA_ASSERT_OK(store().SetObjectVersionTags("b", "k", "v2", {{"new", "2"}}));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord now, store().GetObject("b", "k"));
  EXPECT_EQ(now.tags, (MetadataPairs{{"new", "2"}}));
  // SetObjectTags is the current version's.
  STRATA_ASSERT_OK(store().SetObjectTags("b", "k", {}));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord v2, store().GetObjectVersion("b", "k", "v2"));
  EXPECT_TRUE(v2.tags.empty());

  STRATA_ASSERT_OK(store().DeleteLatest("b", "k", "m1", kNowMs));
  STRATA_EXPECT_CODE(store().SetObjectVersionTags("b", "k", "m1", {{"a", "b"}}),
                     Code::kMethodNotAllowed);
  STRATA_EXPECT_CODE(store().SetObjectTags("b", "k", {{"a", "b"}}), Code::kNoSuchKey);
  STRATA_EXPECT_CODE(store().SetObjectVersionTags("b", "k", "v9", {{"a", "b"}}),
                     Code::kNoSuchVersion);
  STRATA_EXPECT_CODE(store().SetObjectVersionTags("b", "k", "v1", {{"k", "\xff"}}),
                     Code::kInvalidArgument);
  STRATA_EXPECT_CODE(store().SetObjectVersionTags("nope", "k", "v1", {}), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, DeleteBucketWaitsForEveryVersion) {
  MakeVersionedBucket(store());
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1")));
  STRATA_ASSERT_OK(store().DeleteLatest("b", "k", "m1", kNowMs));
  // No current object, but a version and a marker.
  STRATA_EXPECT_CODE(store().DeleteBucket("b"), Code::kBucketNotEmpty);
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "v1", kNowMs));
  STRATA_EXPECT_CODE(store().DeleteBucket("b"), Code::kBucketNotEmpty);  // the marker
  STRATA_ASSERT_OK(store().DeleteVersion("b", "k", "m1", kNowMs));
  STRATA_ASSERT_OK(store().DeleteBucket("b"));
  STRATA_EXPECT_CODE(store().GetBucket("b"), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, StorageStatsCountVersions) {
  MakeVersionedBucket(store());
  const ObjectRecord v1 = Version("b", "k", "v1");
  ObjectRecord v2 = Version("b", "k", "v2");
  v2.inline_data += "longer";
  v2.size = v2.inline_data.size();
  STRATA_ASSERT_OK(Put(store(), v1));
  STRATA_ASSERT_OK(Put(store(), v2));
  STRATA_ASSERT_OK(Put(store(), Version("b", "gone", "g1")));
  STRATA_ASSERT_OK(store().DeleteLatest("b", "gone", "gm", kNowMs));
  STRATA_ASSERT_OK(store().DeleteLatest("b", "never", "nm", kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats stats, store().GetStorageStats());
  EXPECT_EQ(stats.objects, 1u);
  EXPECT_EQ(stats.logical_bytes, v2.size);
  EXPECT_EQ(stats.noncurrent_versions, 2u);  // v1 and g1
  EXPECT_EQ(stats.noncurrent_bytes, v1.size + Version("b", "gone", "g1").size);
  EXPECT_EQ(stats.delete_markers, 2u);
}

TEST_P(MetaStoreContractTest, ConditionsSeeOnlyTheCurrentObject) {
  MakeVersionedBucket(store());
  const WriteCondition if_none_match{.kind = WriteCondition::Kind::kIfNoneMatchAny};
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1"), {}, kNowMs, if_none_match));
  STRATA_EXPECT_CODE(Put(store(), Version("b", "k", "v2"), {}, kNowMs, if_none_match),
                     Code::kPreconditionFailed);
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v2"), {}, kNowMs,
                       WriteCondition{.kind = WriteCondition::Kind::kIfMatch, .etag = "etag-v1"}));
  STRATA_ASSERT_OK(store().DeleteLatest("b", "k", "m1", kNowMs));
  // The latest version is a marker: no current object.
  STRATA_EXPECT_CODE(Put(store(), Version("b", "k", "v3"), {}, kNowMs,
                         WriteCondition{.kind = WriteCondition::Kind::kIfMatch, .etag = "etag-v2"}),
                     Code::kPreconditionFailed);
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v3"), {}, kNowMs, if_none_match));
  EXPECT_EQ(AllVersions(store()), (Strings{"k@v3!", "k@m1~", "k@v2", "k@v1"}));
}

TEST_P(MetaStoreContractTest, BadVersionIdsAreRefused) {
  MakeVersionedBucket(store());
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v1")));
  for (const std::string& bad :
       {std::string(), std::string("null"), std::string("a/b"), std::string(65, 'v')}) {
    SCOPED_TRACE(bad);
    STRATA_EXPECT_CODE(Put(store(), Version("b", "k", bad)), Code::kInvalidArgument);
    STRATA_EXPECT_CODE(store().DeleteLatest("b", "k", bad, kNowMs), Code::kInvalidArgument);
  }
  // An id the key already has, current or not, version or marker.
  STRATA_ASSERT_OK(Put(store(), Version("b", "k", "v2")));
  STRATA_ASSERT_OK(store().DeleteLatest("b", "k", "m1", kNowMs));
  for (const char* taken : {"v1", "v2", "m1"}) {
    SCOPED_TRACE(taken);
    STRATA_EXPECT_CODE(Put(store(), Version("b", "k", taken)), Code::kInvalidArgument);
    STRATA_EXPECT_CODE(store().DeleteLatest("b", "k", taken, kNowMs), Code::kInvalidArgument);
  }
  // Nothing changed; another key may use the same ids.
  EXPECT_EQ(AllVersions(store()), (Strings{"k@m1!~", "k@v2", "k@v1"}));
  STRATA_ASSERT_OK(Put(store(), Version("b", "other", "v1")));
}

TEST_P(MetaStoreContractTest, VersioningCallsNeedTheBucket) {
  STRATA_EXPECT_CODE(Put(store(), Version("nope", "k", "v1")), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().DeleteLatest("nope", "k", "m1", kNowMs), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().DeleteVersion("nope", "k", "v1", kNowMs), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().GetObjectVersion("nope", "k", "v1"), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().ListObjectVersions("nope", {}), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().SetObjectVersionTags("nope", "k", "v1", {}), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().SetBucketVersioning("nope", Versioning::kSuspended),
                     Code::kNoSuchBucket);
}

}  // namespace
}  // namespace strata::meta::contract
