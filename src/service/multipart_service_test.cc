// MultipartService over the real SQLite MetaStore, the real erasure-coded
// chunk store and the real garbage collector, with a small minimum part size
// so the rules show without megabytes.
#include "service/multipart_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/hash.h"
#include "common/hex.h"
#include "meta/sqlite/sqlite_meta_store.h"
#include "service/bucket_service.h"
#include "service/object_service.h"
#include "storage/chunk_store/erasure_chunk_store.h"
#include "storage/chunker/fixed_chunker.h"
#include "storage/gc/garbage_collector.h"

namespace strata::service {
namespace {

namespace fs = std::filesystem;
using common::Code;

constexpr uint64_t kMinPart = 1000;
constexpr size_t kChunk = 512;

std::string Bytes(size_t n, int seed) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 31 + seed * 7 + i / 97) & 0xff);
  return out;
}

class MultipartServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-mp-" + common::RandomHexId(random_, 8));
    fs::create_directories(root_);
    meta_ = std::move(meta::sqlite::SqliteMetaStore::Open((root_ / "strata.db").string())).value();
    storage::ErasureChunkStoreOptions options;
    options.data_shards = 2;
    options.parity_shards = 1;
    chunks_ = std::move(storage::ErasureChunkStore::Open({root_ / "d1", root_ / "d2", root_ / "d3"},
                                                         random_, clock_, options))
                  .value();
    chunker_ = std::move(storage::MakeFixedChunker(kChunk)).value();
    writer_ = std::make_unique<storage::ObjectWriter>(*meta_, *chunks_, *chunker_, clock_, 0);
    objects_ = std::make_unique<ObjectService>(*meta_, *writer_, *chunks_, clock_, random_);
    multipart_ =
        std::make_unique<MultipartService>(*meta_, *writer_, *chunks_, clock_, random_, kMinPart);
    BucketService buckets(*meta_, clock_);
    ASSERT_TRUE(buckets.Create("b", "", "root").ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Create(CreateMultipartInput input = {}) {
    input.bucket = "b";
    input.key = "k";
    auto upload = multipart_->Create(input);
    EXPECT_TRUE(upload.ok()) << upload.status().ToString();
    return upload.ok() ? upload->upload_id : "";
  }

  common::Result<meta::PartRecord> Part(const std::string& upload_id, int number,
                                        const std::string& body,
                                        std::optional<BodyChecksum> checksum = std::nullopt) {
    common::StringSource source(body);
    return multipart_->UploadPart({.bucket = "b",
                                   .key = "k",
                                   .upload_id = upload_id,
                                   .part_number = number,
                                   .content_length = body.size(),
                                   .checksum = std::move(checksum)},
                                  source);
  }

  common::Result<meta::ObjectRecord> Complete(const std::string& upload_id,
                                              std::vector<CompletedPartInput> parts) {
    return multipart_->Complete(
        {.bucket = "b", .key = "k", .upload_id = upload_id, .parts = std::move(parts)});
  }

  std::string Get(const std::string& key, std::optional<int> part = std::nullopt) {
    auto out = objects_->Get({.bucket = "b", .key = key, .part_number = part});
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok() || !out->body) return "";
    return *common::ReadAll(*out->body, 1 << 30);
  }

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
  std::unique_ptr<ObjectService> objects_;
  std::unique_ptr<MultipartService> multipart_;
};

TEST_F(MultipartServiceTest, CompleteConcatenatesPartsWithoutCopying) {
  const std::string id = Create();
  const std::string p1 = Bytes(kMinPart + 24, 1), p2 = Bytes(kMinPart, 2), p3 = Bytes(10, 3);
  auto r1 = Part(id, 1, p1);
  auto r2 = Part(id, 2, p2);
  auto r3 = Part(id, 3, p3);
  ASSERT_TRUE(r1.ok() && r2.ok() && r3.ok());
  EXPECT_EQ(r1->etag, common::HexEncode(common::Md5(p1)));
  const size_t chunks_before = StoredChunksAfterGc();

  auto object = Complete(id, {{1, r1->etag}, {2, r2->etag}, {3, r3->etag}});
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_EQ(
      object->etag,
      common::HexEncode(common::Md5(common::Md5(p1) + common::Md5(p2) + common::Md5(p3))) + "-3");
  EXPECT_EQ(object->size, p1.size() + p2.size() + p3.size());
  EXPECT_EQ(Get("k"), p1 + p2 + p3);
  EXPECT_EQ(Get("k", 2), p2);
  EXPECT_EQ(Get("k", 3), p3);
  EXPECT_EQ(objects_->Get({.bucket = "b", .key = "k", .part_number = 4}).status().code(),
            Code::kInvalidPartNumber);
  EXPECT_EQ(StoredChunksAfterGc(), chunks_before) << "completion writes no chunk";
  EXPECT_EQ(multipart_->ListParts("b", "k", id, 0, 10).status().code(), Code::kNoSuchUpload);
}

TEST_F(MultipartServiceTest, UploadTagsLandOnTheObject) {
  const std::string id = Create({.tags = {{"stage", "raw"}, {"team", "a b"}}});
  auto upload = multipart_->GetUpload("b", "k", id);
  ASSERT_TRUE(upload.ok());
  EXPECT_EQ(upload->tags, (meta::MetadataPairs{{"stage", "raw"}, {"team", "a b"}}));
  auto part = Part(id, 1, Bytes(10, 1));
  ASSERT_TRUE(part.ok());
  auto object = Complete(id, {{1, part->etag}});
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_EQ(object->tags, upload->tags);
  auto tags = objects_->GetTags("b", "k");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, upload->tags);
}

TEST_F(MultipartServiceTest, CompletionRulesAreChecked) {
  const std::string id = Create();
  auto r1 = Part(id, 1, Bytes(kMinPart, 1));
  auto r2 = Part(id, 2, Bytes(kMinPart - 1, 2));
  auto r3 = Part(id, 3, Bytes(5, 3));
  ASSERT_TRUE(r1.ok() && r2.ok() && r3.ok());
  EXPECT_EQ(Complete(id, {}).status().code(), Code::kMalformedXml);
  EXPECT_EQ(Complete(id, {{1, "0123"}}).status().code(), Code::kInvalidPart);
  EXPECT_EQ(Complete(id, {{1, r1->etag}, {4, r2->etag}}).status().code(), Code::kInvalidPart);
  EXPECT_EQ(Complete(id, {{2, r2->etag}, {1, r1->etag}}).status().code(), Code::kInvalidPartOrder);
  EXPECT_EQ(Complete(id, {{1, r1->etag}, {1, r1->etag}}).status().code(), Code::kInvalidPartOrder);
  EXPECT_EQ(Complete(id, {{1, r1->etag}, {2, r2->etag}, {3, r3->etag}}).status().code(),
            Code::kEntityTooSmall);
  // Nothing failed above changed anything: a subset still completes.
  auto object = Complete(id, {{1, r1->etag}, {3, r3->etag}});
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_EQ(Get("k"), Bytes(kMinPart, 1) + Bytes(5, 3));
  EXPECT_EQ(Complete(id, {{1, r1->etag}}).status().code(), Code::kNoSuchUpload);
}

TEST_F(MultipartServiceTest, OmittedAndReplacedPartsAndAbortsFreeTheirChunks) {
  const std::string id = Create();
  ASSERT_TRUE(Part(id, 1, Bytes(kMinPart, 1)).ok());
  auto replaced = Part(id, 1, Bytes(kMinPart, 9));
  ASSERT_TRUE(replaced.ok());
  auto omitted = Part(id, 2, Bytes(kMinPart, 2));
  ASSERT_TRUE(omitted.ok());
  ASSERT_TRUE(Complete(id, {{1, replaced->etag}}).ok());
  const size_t object_chunks = (kMinPart + kChunk - 1) / kChunk;
  EXPECT_EQ(StoredChunksAfterGc(), object_chunks);
  EXPECT_EQ(Get("k"), Bytes(kMinPart, 9));

  const std::string other = Create();
  ASSERT_TRUE(Part(other, 1, Bytes(3 * kChunk, 5)).ok());
  EXPECT_EQ(StoredChunksAfterGc(), object_chunks + 3);
  ASSERT_TRUE(multipart_->Abort("b", "k", other).ok());
  EXPECT_EQ(multipart_->Abort("b", "k", other).code(), Code::kNoSuchUpload);
  EXPECT_EQ(Part(other, 2, "x").status().code(), Code::kNoSuchUpload);
  EXPECT_EQ(StoredChunksAfterGc(), object_chunks);
}

TEST_F(MultipartServiceTest, UploadPartCopyOfARangeWritesNoChunk) {
  const std::string source = Bytes(4 * kChunk + 100, 4);
  PutObjectInput put;
  put.bucket = "b";
  put.key = "src";
  put.content_length = source.size();
  common::StringSource body(source);
  ASSERT_TRUE(objects_->Put(put, body).ok());
  const std::string id = Create();
  const size_t before = StoredChunksAfterGc();
  auto part = multipart_->UploadPartCopy({.bucket = "b",
                                          .key = "k",
                                          .upload_id = id,
                                          .part_number = 1,
                                          .source_bucket = "b",
                                          .source_key = "src",
                                          .source_range = "bytes=100-1299"});
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->etag, common::HexEncode(common::Md5(source.substr(100, 1200))));
  auto whole = multipart_->UploadPartCopy({.bucket = "b",
                                           .key = "k",
                                           .upload_id = id,
                                           .part_number = 2,
                                           .source_bucket = "b",
                                           .source_key = "src"});
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(StoredChunksAfterGc(), before);
  ASSERT_TRUE(Complete(id, {{1, part->etag}, {2, whole->etag}}).ok());
  EXPECT_EQ(Get("k"), source.substr(100, 1200) + source);
  for (const char* bad : {"bytes=5-", "bytes=-5", "bytes=9-3", "items=0-1", "bytes=a-b"}) {
    EXPECT_EQ(multipart_
                  ->UploadPartCopy({.bucket = "b",
                                    .key = "k",
                                    .upload_id = "nope",
                                    .part_number = 1,
                                    .source_bucket = "b",
                                    .source_key = "src",
                                    .source_range = bad})
                  .status()
                  .code(),
              Code::kNoSuchUpload)
        << "the upload is checked first";
  }
  const std::string again = Create();
  EXPECT_EQ(multipart_
                ->UploadPartCopy({.bucket = "b",
                                  .key = "k",
                                  .upload_id = again,
                                  .part_number = 1,
                                  .source_bucket = "b",
                                  .source_key = "src",
                                  .source_range = "bytes=9-3"})
                .status()
                .code(),
            Code::kInvalidArgument);
  EXPECT_EQ(multipart_
                ->UploadPartCopy({.bucket = "b",
                                  .key = "k",
                                  .upload_id = again,
                                  .part_number = 1,
                                  .source_bucket = "b",
                                  .source_key = "src",
                                  .source_range = "bytes=0-99999"})
                .status()
                .code(),
            Code::kInvalidRange);
}

TEST_F(MultipartServiceTest, CompositeAndFullObjectChecksums) {
  const std::string p1 = Bytes(kMinPart, 1), p2 = Bytes(77, 2);
  {
    const std::string id = Create({.checksum_algorithm = ChecksumAlgorithm::kCrc32});
    auto r1 = Part(id, 1, p1);  // no checksum sent: computed anyway
    auto r2 =
        Part(id, 2, p2,
             BodyChecksum{ChecksumAlgorithm::kCrc32,
                          common::Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc32, p2)),
                          {}});
    ASSERT_TRUE(r1.ok() && r2.ok()) << r2.status().ToString();
    EXPECT_EQ(r1->checksum.algorithm, "CRC32");
    auto object = Complete(id, {{1, r1->etag}, {2, r2->etag}});
    ASSERT_TRUE(object.ok()) << object.status().ToString();
    const std::string expected =
        common::Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc32,
                                             ComputeChecksum(ChecksumAlgorithm::kCrc32, p1) +
                                                 ComputeChecksum(ChecksumAlgorithm::kCrc32, p2))) +
        "-2";
    EXPECT_EQ(object->checksum.value, expected);
    EXPECT_EQ(object->checksum.type, "COMPOSITE");
  }
  {
    const std::string id = Create({.checksum_algorithm = ChecksumAlgorithm::kCrc32c,
                                   .checksum_type = ChecksumType::kFullObject});
    auto r1 = Part(id, 1, p1);
    auto r2 = Part(id, 2, p2);
    ASSERT_TRUE(r1.ok() && r2.ok());
    auto object = Complete(id, {{1, r1->etag}, {2, r2->etag}});
    ASSERT_TRUE(object.ok()) << object.status().ToString();
    EXPECT_EQ(object->checksum.value,
              common::Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc32c, p1 + p2)));
    EXPECT_EQ(object->checksum.type, "FULL_OBJECT");
  }
  {
    const std::string id = Create({.checksum_algorithm = ChecksumAlgorithm::kSha256});
    auto wrong = Part(
        id, 1, p1,
        BodyChecksum{ChecksumAlgorithm::kSha256,
                     common::Base64Encode(ComputeChecksum(ChecksumAlgorithm::kSha256, "other")),
                     {}});
    EXPECT_EQ(wrong.status().code(), Code::kBadDigest);
    auto mismatch = Part(id, 1, p1, BodyChecksum{ChecksumAlgorithm::kCrc32, std::nullopt, {}});
    EXPECT_EQ(mismatch.status().code(), Code::kInvalidRequest);
    auto listed = multipart_->ListParts("b", "k", id, 0, 10);
    ASSERT_TRUE(listed.ok());
    EXPECT_TRUE(listed->parts.empty()) << "rejected parts are not stored";
  }
  EXPECT_EQ(multipart_
                ->Create({.bucket = "b",
                          .key = "k",
                          .checksum_algorithm = ChecksumAlgorithm::kSha1,
                          .checksum_type = ChecksumType::kFullObject})
                .status()
                .code(),
            Code::kInvalidRequest);
}

TEST_F(MultipartServiceTest, UnknownUploadsAndBuckets) {
  EXPECT_EQ(Part("nope", 1, "x").status().code(), Code::kNoSuchUpload);
  EXPECT_EQ(multipart_->ListParts("b", "k", "nope", 0, 10).status().code(), Code::kNoSuchUpload);
  const std::string id = Create();
  EXPECT_EQ(multipart_->ListParts("b", "other-key", id, 0, 10).status().code(),
            Code::kNoSuchUpload);
  EXPECT_EQ(multipart_->Create({.bucket = "missing", .key = "k"}).status().code(),
            Code::kNoSuchBucket);
  auto uploads = multipart_->ListUploads("b", {});
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->uploads.size(), 1u);
  EXPECT_EQ(uploads->uploads[0].upload_id, id);
}

}  // namespace
}  // namespace strata::service
