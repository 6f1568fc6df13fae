// ObjectService over the real SQLite MetaStore and the real file store: the
// guarantees here (nothing left behind on failure, conditional writes) are
// about how those parts work together.
#include "service/object_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/hash.h"
#include "common/hex.h"
#include "common/random.h"
#include "common/testing/byte_sources.h"
#include "meta/sqlite/sqlite_meta_store.h"
#include "service/bucket_service.h"
#include "storage/simple/file_object_store.h"

namespace strata::service {
namespace {

namespace fs = std::filesystem;
using common::Code;

size_t CountFiles(const fs::path& root) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    n += e.is_regular_file() && e.path().string().find("/objects/") != std::string::npos;
  }
  return n;
}

class ObjectServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-svc-" + common::RandomHexId(random_, 8));
    fs::create_directories(root_ / "meta");
    auto meta = meta::sqlite::SqliteMetaStore::Open((root_ / "meta" / "strata.db").string());
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    meta_ = std::move(meta).value();
    auto store = storage::FileObjectStore::Open({root_ / "d1", root_ / "d2"}, random_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    buckets_ = std::make_unique<BucketService>(*meta_, clock_);
    objects_ = std::make_unique<ObjectService>(*meta_, *store_, clock_);
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

  common::SecureRandom random_;
  common::FixedClock clock_{1'700'000'000'000};
  fs::path root_;
  std::unique_ptr<meta::MetaStore> meta_;
  std::unique_ptr<storage::ObjectStore> store_;
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
  EXPECT_EQ(CountFiles(root_), 1u) << "the overwritten body is released";
  EXPECT_TRUE(objects_->Delete("b", "k").ok());
  EXPECT_EQ(objects_->Get({.bucket = "b", .key = "k"}).status().code(), Code::kNoSuchKey);
  EXPECT_TRUE(objects_->Delete("b", "k").ok()) << "deleting a missing key succeeds";
  EXPECT_EQ(CountFiles(root_), 0u);
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
  EXPECT_EQ(CountFiles(root_), 1u);
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
  EXPECT_EQ(CountFiles(root_), 1u);
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
  EXPECT_EQ(CountFiles(root_), 2u);
}

}  // namespace
}  // namespace strata::service
