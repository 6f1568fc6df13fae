// ObjectService over the real SQLite MetaStore, the real erasure-coded chunk
// store and the real garbage collector: the guarantees here (nothing left
// behind on failure, conditional writes, space coming back after overwrite
// and delete, copies sharing chunks) are about how those parts work together.
// Inline storage is off (threshold 0) so that even the tiny bodies here live
// in chunks.
#include "service/object_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/hash.h"
#include "common/hex.h"
#include "common/random.h"
#include "common/testing/byte_sources.h"
#include "meta/sqlite/sqlite_meta_store.h"
#include "service/bucket_service.h"
#include "storage/chunk_store/erasure_chunk_store.h"
#include "storage/chunker/fixed_chunker.h"
#include "storage/gc/garbage_collector.h"

namespace strata::service {
namespace {

namespace fs = std::filesystem;
using common::Code;

class ObjectServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-svc-" + common::RandomHexId(random_, 8));
    fs::create_directories(root_ / "meta");
    auto meta = meta::sqlite::SqliteMetaStore::Open((root_ / "meta" / "strata.db").string());
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    meta_ = std::move(meta).value();
    storage::ErasureChunkStoreOptions options;
    options.data_shards = 2;
    options.parity_shards = 1;
    auto chunks = storage::ErasureChunkStore::Open({root_ / "d1", root_ / "d2", root_ / "d3"},
                                                   random_, clock_, options);
    ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
    chunks_ = std::move(chunks).value();
    chunker_ = std::move(storage::MakeFixedChunker(4096)).value();
    writer_ = std::make_unique<storage::ObjectWriter>(*meta_, *chunks_, *chunker_, clock_, 0);
    buckets_ = std::make_unique<BucketService>(*meta_, clock_);
    objects_ = std::make_unique<ObjectService>(*meta_, *writer_, *chunks_, clock_, random_);
    ASSERT_TRUE(buckets_->Create("b", "", "root").ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  common::Result<meta::ObjectRecord> Put(const std::string& key, const std::string& body,
                                         PutObjectInput input = {}) {
    input.bucket = "b";
    input.key = key;
    input.content_length = body.size();
    common::StringSource source(body);
    return objects_->Put(input, source);
  }

  std::string Get(const std::string& key) {
    auto out = objects_->Get({.bucket = "b", .key = key});
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return "";
    return *common::ReadAll(*out->body, 1 << 30);
  }

  // Runs GC with no grace period, then counts the shard sets left on the
  // drives: what the objects still hold.
  size_t StoredChunksAfterGc() {
    storage::GarbageCollector gc(*meta_, *chunks_, clock_, {.grace = std::chrono::milliseconds(0)});
    EXPECT_TRUE(gc.RunOnce().ok());
    size_t n = 0;
    EXPECT_TRUE(chunks_->ForEachLocation([&](const storage::StoredLocation&) { ++n; }).ok());
    return n;
  }

  common::SecureRandom random_;
  common::FixedClock clock_{1'700'000'000'000};
  fs::path root_;
  std::unique_ptr<meta::MetaStore> meta_;
  std::unique_ptr<storage::ErasureChunkStore> chunks_;
  std::unique_ptr<storage::Chunker> chunker_;
  std::unique_ptr<storage::ObjectWriter> writer_;
  std::unique_ptr<BucketService> buckets_;
  std::unique_ptr<ObjectService> objects_;
};

TEST_F(ObjectServiceTest, PutGetOverwriteDelete) {
  auto put = Put("k", "hello");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, common::HexEncode(common::Md5("hello")));
  EXPECT_EQ(put->content_type, "binary/octet-stream");
  EXPECT_EQ(Get("k"), "hello");
  ASSERT_TRUE(Put("k", "world!").ok());
  EXPECT_EQ(Get("k"), "world!");
  EXPECT_EQ(StoredChunksAfterGc(), 1u) << "the overwritten body is released";
  EXPECT_TRUE(objects_->Delete("b", "k").ok());
  EXPECT_EQ(objects_->Get({.bucket = "b", .key = "k"}).status().code(), Code::kNoSuchKey);
  EXPECT_TRUE(objects_->Delete("b", "k").ok()) << "deleting a missing key succeeds";
  EXPECT_EQ(StoredChunksAfterGc(), 0u);
}

TEST_F(ObjectServiceTest, RangeAndConditions) {
  ASSERT_TRUE(Put("k", "0123456789").ok());
  auto ranged = objects_->Get({.bucket = "b", .key = "k", .range_header = "bytes=2-4"});
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(*common::ReadAll(*ranged->body, 100), "234");
  EXPECT_EQ(objects_->Get({.bucket = "b", .key = "k", .range_header = "bytes=20-"}).status().code(),
            Code::kInvalidRange);
  auto head = objects_->Get({.bucket = "b", .key = "k", .head_only = true});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->body, nullptr);
  std::string etag = head->object.etag;
  EXPECT_EQ(objects_->Get({.bucket = "b", .key = "k", .conditions = {.if_none_match = etag}})
                .status()
                .code(),
            Code::kNotModified);
}

TEST_F(ObjectServiceTest, RejectedPutsStoreNothing) {
  ASSERT_TRUE(Put("keep", "original").ok());
  PutObjectInput bad_md5;
  bad_md5.content_md5 = common::Base64Encode(common::Md5("other"));
  EXPECT_EQ(Put("keep", "new", bad_md5).status().code(), Code::kBadDigest);
  PutObjectInput invalid_md5;
  invalid_md5.content_md5 = "not-base64!";
  EXPECT_EQ(Put("keep", "new", invalid_md5).status().code(), Code::kInvalidDigest);
  PutObjectInput big_meta;
  big_meta.user_metadata = {{"a", std::string(3000, 'x')}};
  EXPECT_EQ(Put("keep", "new", big_meta).status().code(), Code::kMetadataTooLarge);

  PutObjectInput dropped;
  dropped.bucket = "b";
  dropped.key = "keep";
  dropped.content_length = 1 << 20;
  common::testing::DroppingSource source(100000, 'y');
  EXPECT_EQ(objects_->Put(dropped, source).status().code(), Code::kIncompleteBody);

  PutObjectInput no_bucket;
  no_bucket.bucket = "missing";
  no_bucket.key = "k";
  common::StringSource body("x");
  EXPECT_EQ(objects_->Put(no_bucket, body).status().code(), Code::kNoSuchBucket);

  EXPECT_EQ(Get("keep"), "original");
  size_t left = 0;
  ASSERT_TRUE(chunks_->ForEachLocation([&](const storage::StoredLocation&) { ++left; }).ok());
  EXPECT_EQ(left, 1u) << "rejected puts delete their chunks themselves, before any GC";
}

TEST_F(ObjectServiceTest, ConditionalWrites) {
  PutObjectInput if_absent;
  if_absent.condition.kind = meta::WriteCondition::Kind::kIfNoneMatchAny;
  ASSERT_TRUE(Put("k", "first", if_absent).ok());
  EXPECT_EQ(Put("k", "second", if_absent).status().code(), Code::kPreconditionFailed);
  PutObjectInput if_match;
  if_match.condition.kind = meta::WriteCondition::Kind::kIfMatch;
  if_match.condition.etag = common::HexEncode(common::Md5("nope"));
  EXPECT_EQ(Put("k", "third", if_match).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(Put("absent", "x", if_match).status().code(), Code::kNoSuchKey);
  if_match.condition.etag = common::HexEncode(common::Md5("first"));
  ASSERT_TRUE(Put("k", "fourth", if_match).ok());
  EXPECT_EQ(Get("k"), "fourth");
  EXPECT_EQ(StoredChunksAfterGc(), 1u);
}

TEST_F(ObjectServiceTest, CopyKeepsOrReplacesMetadata) {
  PutObjectInput input;
  input.content_type = "text/plain";
  input.user_metadata = {{"color", "blue"}};
  ASSERT_TRUE(Put("src", "payload", input).ok());

  auto copy =
      objects_->Copy({.source_bucket = "b", .source_key = "src", .bucket = "b", .key = "dst"});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(Get("dst"), "payload");
  EXPECT_EQ(copy->content_type, "text/plain");
  EXPECT_EQ(copy->user_metadata, (meta::MetadataPairs{{"color", "blue"}}));

  EXPECT_EQ(objects_->Copy({.source_bucket = "b", .source_key = "src", .bucket = "b", .key = "src"})
                .status()
                .code(),
            Code::kInvalidRequest);
  auto replaced = objects_->Copy({.source_bucket = "b",
                                  .source_key = "src",
                                  .bucket = "b",
                                  .key = "src",
                                  .replace_metadata = true,
                                  .content_type = "image/png"});
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->content_type, "image/png");
  EXPECT_TRUE(replaced->user_metadata.empty());
  EXPECT_EQ(Get("src"), "payload");

  EXPECT_EQ(objects_
                ->Copy({.source_bucket = "b",
                        .source_key = "src",
                        .bucket = "b",
                        .key = "x",
                        .source_conditions = {.if_match = "\"nope\""}})
                .status()
                .code(),
            Code::kPreconditionFailed);
  EXPECT_EQ(StoredChunksAfterGc(), 1u) << "copies share the source's chunk";
}

TEST_F(ObjectServiceTest, CopyWritesNoDataAndOutlivesItsSource) {
  std::string body(3 * 4096 + 5, 'a');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7 + i / 4096);
  ASSERT_TRUE(Put("src", body).ok());
  size_t before = 0;
  ASSERT_TRUE(chunks_->ForEachLocation([&](const storage::StoredLocation&) { ++before; }).ok());
  ASSERT_TRUE(
      objects_->Copy({.source_bucket = "b", .source_key = "src", .bucket = "b", .key = "dst"})
          .ok());
  ASSERT_TRUE(objects_->Delete("b", "src").ok());
  EXPECT_EQ(StoredChunksAfterGc(), before);
  EXPECT_EQ(Get("dst"), body);
  ASSERT_TRUE(objects_->Delete("b", "dst").ok());
  EXPECT_EQ(StoredChunksAfterGc(), 0u);
}

TEST_F(ObjectServiceTest, TagsChangeNeitherETagNorTime) {
  PutObjectInput input;
  input.tags = {{"b", "2"}, {"a", "1"}};
  auto put = Put("k", "payload", input);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto tags = objects_->GetTags("b", "k");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, input.tags);

  clock_.Set(clock_.NowMillis() + 5000);
  ASSERT_TRUE(objects_->PutTags("b", "k", {{"x", "y"}}).ok());
  auto head = objects_->Get({.bucket = "b", .key = "k", .head_only = true});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->object.tags, (meta::MetadataPairs{{"x", "y"}}));
  EXPECT_EQ(head->object.etag, put->etag);
  EXPECT_EQ(head->object.last_modified_ms, put->last_modified_ms);
  EXPECT_EQ(Get("k"), "payload");
  ASSERT_TRUE(objects_->DeleteTags("b", "k").ok());
  EXPECT_TRUE(objects_->GetTags("b", "k")->empty());

  EXPECT_EQ(objects_->GetTags("b", "nope").status().code(), Code::kNoSuchKey);
  EXPECT_EQ(objects_->PutTags("b", "nope", {{"x", "y"}}).code(), Code::kNoSuchKey);
  EXPECT_EQ(objects_->DeleteTags("nope", "k").code(), Code::kNoSuchBucket);
  // A new PUT without tags leaves the key with none.
  ASSERT_TRUE(objects_->PutTags("b", "k", {{"x", "y"}}).ok());
  ASSERT_TRUE(Put("k", "again").ok());
  EXPECT_TRUE(objects_->GetTags("b", "k")->empty());
}

TEST_F(ObjectServiceTest, CopyKeepsOrReplacesTags) {
  PutObjectInput input;
  input.tags = {{"origin", "src"}};
  ASSERT_TRUE(Put("src", "payload", input).ok());
  auto kept =
      objects_->Copy({.source_bucket = "b", .source_key = "src", .bucket = "b", .key = "kept"});
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->tags, input.tags);
  EXPECT_EQ(*objects_->GetTags("b", "kept"), input.tags);
  auto replaced = objects_->Copy({.source_bucket = "b",
                                  .source_key = "src",
                                  .bucket = "b",
                                  .key = "replaced",
                                  .replace_tags = true,
                                  .tags = {{"new", "1"}}});
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(*objects_->GetTags("b", "replaced"), (meta::MetadataPairs{{"new", "1"}}));
  ASSERT_TRUE(objects_
                  ->Copy({.source_bucket = "b",
                          .source_key = "src",
                          .bucket = "b",
                          .key = "cleared",
                          .replace_tags = true})
                  .ok());
  EXPECT_TRUE(objects_->GetTags("b", "cleared")->empty());
  EXPECT_EQ(*objects_->GetTags("b", "src"), input.tags);
}

TEST_F(ObjectServiceTest, SameBodyUnderManyKeysIsStoredOnce) {
  std::string body(2 * 4096, 'x');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 13 + i / 4096);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Put("k" + std::to_string(i), body).ok());
  EXPECT_EQ(StoredChunksAfterGc(), 2u);
  auto stats = meta_->GetStorageStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->logical_bytes, 5 * body.size());
  EXPECT_EQ(stats->chunk_bytes, body.size());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Get("k" + std::to_string(i)), body);
}

TEST_F(ObjectServiceTest, VersionedBucketKeepsEveryVersion) {
  auto unversioned = Put("k", "null body");
  ASSERT_TRUE(unversioned.ok());
  EXPECT_EQ(unversioned->version_id, "") << "an unversioned bucket writes the null version";
  ASSERT_TRUE(buckets_->SetVersioning("b", meta::Versioning::kEnabled).ok());
  EXPECT_EQ(buckets_->SetVersioning("b", meta::Versioning::kUnversioned).code(),
            Code::kInvalidArgument);
  auto v1 = Put("k", "one");
  auto v2 = Put("k", "two");
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_EQ(v1->version_id.size(), 32u);
  EXPECT_NE(v1->version_id, v2->version_id);
  EXPECT_EQ(Get("k"), "two");
  auto old = objects_->Get({.bucket = "b", .key = "k", .version_id = v1->version_id});
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(*common::ReadAll(*old->body, 1 << 20), "one");
  auto null_version = objects_->Get({.bucket = "b", .key = "k", .version_id = ""});
  ASSERT_TRUE(null_version.ok()) << null_version.status().ToString();
  EXPECT_EQ(*common::ReadAll(*null_version->body, 1 << 20), "null body");
  EXPECT_EQ(objects_->Get({.bucket = "b", .key = "k", .version_id = "nope"}).status().code(),
            Code::kNoSuchVersion);

  // A delete writes a marker: the key is gone, its versions are not.
  auto deleted = objects_->Delete("b", "k");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_TRUE(deleted->delete_marker.has_value());
  const std::string marker_id = deleted->delete_marker->version_id;
  EXPECT_EQ(marker_id.size(), 32u);
  EXPECT_EQ(objects_->Get({.bucket = "b", .key = "k"}).status().code(), Code::kNoSuchKey);
  auto latest_marker = objects_->LatestDeleteMarker("b", "k");
  ASSERT_TRUE(latest_marker.ok() && latest_marker->has_value());
  EXPECT_EQ((*latest_marker)->version_id, marker_id);
  EXPECT_FALSE(objects_->LatestDeleteMarker("b", "k2")->has_value());
  EXPECT_EQ(objects_->Get({.bucket = "b", .key = "k", .version_id = marker_id}).status().code(),
            Code::kMethodNotAllowed);
  EXPECT_EQ(objects_->GetTags("b", "k", marker_id).status().code(), Code::kMethodNotAllowed);

  // Copies: from an old version, never from a marker named by id.
  auto copy = objects_->Copy({.source_bucket = "b",
                              .source_key = "k",
                              .source_version_id = v1->version_id,
                              .bucket = "b",
                              .key = "copy"});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_FALSE(copy->version_id.empty());
  EXPECT_EQ(Get("copy"), "one");
  EXPECT_EQ(objects_
                ->Copy({.source_bucket = "b",
                        .source_key = "k",
                        .source_version_id = marker_id,
                        .bucket = "b",
                        .key = "x"})
                .status()
                .code(),
            Code::kInvalidRequest);
  EXPECT_EQ(objects_->Copy({.source_bucket = "b", .source_key = "k", .bucket = "b", .key = "x"})
                .status()
                .code(),
            Code::kNoSuchKey);

  // Removing the marker brings the latest version back; removing versions
  // frees their chunks.
  ASSERT_TRUE(objects_->DeleteVersion("b", "k", marker_id).ok());
  EXPECT_EQ(Get("k"), "two");
  for (const std::string& id : {v1->version_id, v2->version_id, std::string()}) {
    auto removed = objects_->DeleteVersion("b", "k", id);
    ASSERT_TRUE(removed.ok()) << removed.status().ToString();
    EXPECT_TRUE(removed->removed.has_value()) << id;
  }
  ASSERT_TRUE(objects_->DeleteVersion("b", "copy", copy->version_id).ok());
  EXPECT_EQ(StoredChunksAfterGc(), 0u);
}

}  // namespace
}  // namespace strata::service
