#include "storage/gc/garbage_collector.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <ostream>
#include <string>

#include "storage/testing/storage_fixture.h"

namespace strata::storage {

// Readable failures for EXPECT_EQ on GcStats.
void PrintTo(const GcStats& stats, std::ostream* out) {
  *out << "{chunks_deleted=" << stats.chunks_deleted
       << ", orphans_deleted=" << stats.orphans_deleted
       << ", bytes_reclaimed=" << stats.bytes_reclaimed << ", errors=" << stats.errors << "}";
}

namespace {

using common::Code;
using meta::ChunkInfo;

constexpr std::chrono::milliseconds kGrace{60'000};

// A MetaStore that forwards to another and runs test hooks around the chunk
// calls GC makes: sync points (STYLE.md rule 9) that put an upload's steps at
// an exact moment inside a GC pass, on the same thread.
class HookedMetaStore final : public meta::MetaStore {
 public:
  explicit HookedMetaStore(meta::MetaStore& next) : next_(next) {}

  std::function<void(const ChunkInfo&)> before_delete_row;    // before DeleteUnreferencedChunk
  std::function<void(const ChunkInfo&)> after_delete_row;     // after it returned true
  std::map<std::string, common::Status> delete_row_failures;  // by hash

  common::Status CreateBucket(const meta::Bucket& bucket) override {
    return next_.CreateBucket(bucket);
  }
  common::Result<meta::Bucket> GetBucket(std::string_view name) override {
    return next_.GetBucket(name);
  }
  common::Result<std::vector<meta::Bucket>> ListBuckets() override { return next_.ListBuckets(); }
  common::Status DeleteBucket(std::string_view name) override { return next_.DeleteBucket(name); }
  common::Status SetBucketPolicy(std::string_view name, std::string_view policy) override {
    return next_.SetBucketPolicy(name, policy);
  }
  common::Status SetBucketCors(std::string_view name, std::string_view cors) override {
    return next_.SetBucketCors(name, cors);
  }
  common::Status SetBucketTagging(std::string_view name,
                                  const meta::MetadataPairs& tagging) override {
    return next_.SetBucketTagging(name, tagging);
  }
  common::Result<meta::ObjectRecord> GetObject(std::string_view bucket,
                                               std::string_view key) override {
    return next_.GetObject(bucket, key);
  }
  common::Result<PutResult> PutObject(const meta::ObjectRecord& object,
                                      const meta::WriteCondition& condition,
                                      const std::vector<ChunkInfo>& written_chunks,
                                      int64_t now_ms) override {
    return next_.PutObject(object, condition, written_chunks, now_ms);
  }
  common::Status SetBucketVersioning(std::string_view name, meta::Versioning versioning) override {
    return next_.SetBucketVersioning(name, versioning);
  }
  common::Result<DeleteResult> DeleteLatest(std::string_view bucket, std::string_view key,
                                            std::string_view marker_version_id,
                                            int64_t now_ms) override {
    return next_.DeleteLatest(bucket, key, marker_version_id, now_ms);
  }
  common::Result<DeleteResult> DeleteVersion(std::string_view bucket, std::string_view key,
                                             std::string_view version_id, int64_t now_ms) override {
    return next_.DeleteVersion(bucket, key, version_id, now_ms);
  }
  common::Result<meta::ObjectRecord> GetObjectVersion(std::string_view bucket, std::string_view key,
                                                      std::string_view version_id) override {
    return next_.GetObjectVersion(bucket, key, version_id);
  }
  common::Result<meta::ListVersionsPage> ListObjectVersions(
      std::string_view bucket, const meta::ListVersionsQuery& query) override {
    return next_.ListObjectVersions(bucket, query);
  }
  common::Status SetObjectVersionTags(std::string_view bucket, std::string_view key,
                                      std::string_view version_id,
                                      const meta::MetadataPairs& tags) override {
    return next_.SetObjectVersionTags(bucket, key, version_id, tags);
  }
  common::Result<meta::ListPage> ListObjects(std::string_view bucket,
                                             const meta::ListQuery& query) override {
    return next_.ListObjects(bucket, query);
  }
  common::Status SetObjectTags(std::string_view bucket, std::string_view key,
                               const meta::MetadataPairs& tags) override {
    return next_.SetObjectTags(bucket, key, tags);
  }
  common::Status CreateMultipartUpload(const meta::MultipartUpload& upload) override {
    return next_.CreateMultipartUpload(upload);
  }
  common::Result<meta::MultipartUpload> GetMultipartUpload(std::string_view bucket,
                                                           std::string_view key,
                                                           std::string_view upload_id) override {
    return next_.GetMultipartUpload(bucket, key, upload_id);
  }
  common::Result<PutResult> PutPart(const meta::PartRecord& part,
                                    const std::vector<ChunkInfo>& written_chunks,
                                    int64_t now_ms) override {
    return next_.PutPart(part, written_chunks, now_ms);
  }
  common::Result<meta::ListPartsPage> ListParts(std::string_view upload_id, int marker,
                                                int max_parts) override {
    return next_.ListParts(upload_id, marker, max_parts);
  }
  common::Result<std::vector<meta::PartRecord>> GetParts(std::string_view upload_id) override {
    return next_.GetParts(upload_id);
  }
  common::Result<meta::ListUploadsPage> ListMultipartUploads(
      std::string_view bucket, const meta::ListUploadsQuery& query) override {
    return next_.ListMultipartUploads(bucket, query);
  }
  common::Result<PutResult> CompleteMultipartUpload(std::string_view upload_id,
                                                    const meta::ObjectRecord& object,
                                                    const meta::WriteCondition& condition,
                                                    int64_t now_ms) override {
    return next_.CompleteMultipartUpload(upload_id, object, condition, now_ms);
  }
  common::Status AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) override {
    return next_.AbortMultipartUpload(upload_id, now_ms);
  }
  common::Result<std::vector<meta::MultipartUpload>> ListStaleUploads(int64_t before,
                                                                      size_t limit) override {
    return next_.ListStaleUploads(before, limit);
  }
  common::Result<std::optional<ChunkInfo>> FindChunk(std::string_view hash,
                                                     int64_t now_ms) override {
    return next_.FindChunk(hash, now_ms);
  }
  common::Result<std::vector<ChunkInfo>> ListUnreferencedChunks(int64_t zero_before_ms,
                                                                size_t limit) override {
    ++list_unreferenced_calls;
    return next_.ListUnreferencedChunks(zero_before_ms, limit);
  }
  common::Result<bool> DeleteUnreferencedChunk(const ChunkInfo& chunk,
                                               int64_t zero_before_ms) override {
    if (before_delete_row) before_delete_row(chunk);
    if (auto it = delete_row_failures.find(chunk.hash); it != delete_row_failures.end()) {
      return it->second;
    }
    common::Result<bool> deleted = next_.DeleteUnreferencedChunk(chunk, zero_before_ms);
    if (deleted.ok() && *deleted && after_delete_row) after_delete_row(chunk);
    return deleted;
  }
  common::Result<bool> ChunkLocationExists(std::string_view location) override {
    return next_.ChunkLocationExists(location);
  }
  common::Result<std::vector<ChunkInfo>> ListChunks(std::string_view after_hash,
                                                    size_t limit) override {
    return next_.ListChunks(after_hash, limit);
  }
  common::Result<meta::StorageStats> GetStorageStats() override { return next_.GetStorageStats(); }

  int list_unreferenced_calls = 0;

 private:
  meta::MetaStore& next_;
};

class GarbageCollectorTest : public testing::StorageFixture {
 protected:
  GarbageCollector MakeGc(size_t batch = 1000) {
    return GarbageCollector(*meta_, chunks_, clock_, GcOptions{kGrace, batch});
  }

  GcStats RunOnce(GarbageCollector& gc) {
    auto stats = gc.RunOnce();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : GcStats{};
  }

  // An object whose only chunk went unreferenced at kStartMs (now).
  ChunkInfo UnreferencedChunk(const std::string& key, int seed) {
    ChunkInfo chunk = PutObject(key, Content(seed));
    DeleteObject(key);
    return chunk;
  }
};

TEST_F(GarbageCollectorTest, DeletesUnreferencedChunkOnlyAfterGrace) {
  ChunkInfo chunk = UnreferencedChunk("a", 1);
  GarbageCollector gc = MakeGc();

  clock_.Set(kStartMs + kGrace.count() - 1);
  EXPECT_EQ(RunOnce(gc), GcStats{});
  EXPECT_TRUE(chunks_.Contains(chunk.location));
  EXPECT_EQ(ChunkRows().size(), 1u);

  clock_.Set(kStartMs + kGrace.count());
  EXPECT_EQ(RunOnce(gc), (GcStats{.chunks_deleted = 1, .bytes_reclaimed = chunk.size}));
  EXPECT_FALSE(chunks_.Contains(chunk.location));
  EXPECT_TRUE(ChunkRows().empty());
  EXPECT_EQ(RunOnce(gc), GcStats{}) << "nothing left to do";
}

TEST_F(GarbageCollectorTest, NeverDeletesReferencedChunk) {
  std::string shared = Content(1);
  ChunkInfo chunk = PutObject("a", shared);
  Commit("b", chunk, /*written=*/false);  // "b" deduplicates against "a"'s chunk
  ChunkInfo other = PutObject("c", Content(2));
  DeleteObject("a");  // "b" still references the chunk

  // Far past the grace period, and the files are old too: still referenced,
  // so neither half of GC touches them.
  clock_.Set(kStartMs + 100 * kGrace.count());
  GarbageCollector gc = MakeGc();
  EXPECT_EQ(RunOnce(gc), GcStats{});
  EXPECT_TRUE(Readable(chunk, shared));
  EXPECT_TRUE(chunks_.Contains(other.location));
  EXPECT_EQ(ChunkRows().size(), 2u);
}

TEST_F(GarbageCollectorTest, FindChunkWithinGraceRestartsIt) {
  std::string data = Content(1);
  ChunkInfo chunk = UnreferencedChunk("a", 1);
  GarbageCollector gc = MakeGc();

  // An upload finds the chunk just before its grace period ends ...
  const int64_t touched_ms = kStartMs + kGrace.count() - 10;
  auto found = meta_->FindChunk(chunk.hash, touched_ms);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, chunk);

  // ... so it survives past the original deadline ...
  clock_.Set(kStartMs + kGrace.count() + 1);
  EXPECT_EQ(RunOnce(gc), GcStats{});
  EXPECT_TRUE(Readable(chunk, data));

  // ... and is collected only a full grace period after the touch (the
  // upload never committed).
  clock_.Set(touched_ms + kGrace.count() - 1);
  EXPECT_EQ(RunOnce(gc), GcStats{});
  clock_.Set(touched_ms + kGrace.count());
  EXPECT_EQ(RunOnce(gc).chunks_deleted, 1u);
  EXPECT_FALSE(chunks_.Contains(chunk.location));
}

TEST_F(GarbageCollectorTest, DeletesOrphanOnlyAfterGrace) {
  ChunkInfo orphan = WriteChunk(Content(1));  // stored, never committed
  ChunkInfo kept = PutObject("a", Content(2));
  GarbageCollector gc = MakeGc();

  clock_.Set(kStartMs + kGrace.count() - 1);
  EXPECT_EQ(RunOnce(gc), GcStats{});
  EXPECT_TRUE(chunks_.Contains(orphan.location));

  clock_.Set(kStartMs + kGrace.count());
  EXPECT_EQ(RunOnce(gc), GcStats{.orphans_deleted = 1});
  EXPECT_FALSE(chunks_.Contains(orphan.location));
  EXPECT_TRUE(chunks_.Contains(kept.location)) << "a location a row names is no orphan";
}

TEST_F(GarbageCollectorTest, OrphanAgeComesFromTheFiles) {
  ChunkInfo young = WriteChunk(Content(1));
  ChunkInfo old = WriteChunk(Content(2));
  clock_.Set(kStartMs + 10 * kGrace.count());
  // Rewritten recently (say, healed): its files are young again.
  ASSERT_TRUE(chunks_.SetModifiedMs(young.location, clock_.NowMillis() - kGrace.count() + 1));
  GarbageCollector gc = MakeGc();
  EXPECT_EQ(RunOnce(gc), GcStats{.orphans_deleted = 1});
  EXPECT_TRUE(chunks_.Contains(young.location));
  EXPECT_FALSE(chunks_.Contains(old.location));
}

// The race the row-first order exists for, both ways round, forced with hooks
// so each interleaving runs exactly.
class GarbageCollectorRaceTest : public GarbageCollectorTest {
 protected:
  void SetUp() override {
    GarbageCollectorTest::SetUp();
    hooked_ = std::make_unique<HookedMetaStore>(*meta_);
  }
  void TearDown() override {
    hooked_.reset();
    GarbageCollectorTest::TearDown();
  }
  GarbageCollector MakeHookedGc() {
    return GarbageCollector(*hooked_, chunks_, clock_, GcOptions{kGrace, 1000});
  }
  std::unique_ptr<HookedMetaStore> hooked_;
};

TEST_F(GarbageCollectorRaceTest, UploadThatFindsTheChunkFirstKeepsIt) {
  std::string data = Content(1);
  ChunkInfo chunk = UnreferencedChunk("a", 1);
  clock_.Set(kStartMs + kGrace.count());
  GarbageCollector gc = MakeHookedGc();

  // GC has listed the chunk; before its conditional delete, an upload of the
  // same content finds the row (touching it) and commits a reference.
  bool uploaded = false;
  hooked_->before_delete_row = [&](const ChunkInfo& listed) {
    ASSERT_EQ(listed, chunk);
    auto found = meta_->FindChunk(chunk.hash, clock_.NowMillis());
    ASSERT_TRUE(found.ok() && found->has_value());
    Commit("b", **found, /*written=*/false);
    uploaded = true;
  };
  EXPECT_EQ(RunOnce(gc), GcStats{});
  EXPECT_TRUE(uploaded);
  EXPECT_TRUE(Readable(chunk, data)) << "the conditional delete refused; the files stay";
  EXPECT_EQ(ChunkRows(), std::vector<ChunkInfo>{chunk});
}

TEST_F(GarbageCollectorRaceTest, UploadAfterTheRowIsGoneWritesAFreshLocation) {
  std::string data = Content(1);
  ChunkInfo old_chunk = UnreferencedChunk("a", 1);
  clock_.Set(kStartMs + kGrace.count());
  GarbageCollector gc = MakeHookedGc();

  // GC has deleted the row but not yet the files; the upload finds no row,
  // stores the content again and commits.
  ChunkInfo new_chunk;
  hooked_->after_delete_row = [&](const ChunkInfo&) {
    auto found = meta_->FindChunk(old_chunk.hash, clock_.NowMillis());
    ASSERT_TRUE(found.ok());
    ASSERT_FALSE(found->has_value());
    new_chunk = PutObject("b", data);
  };
  EXPECT_EQ(RunOnce(gc), (GcStats{.chunks_deleted = 1, .bytes_reclaimed = old_chunk.size}));
  ASSERT_FALSE(new_chunk.location.empty());
  EXPECT_NE(new_chunk.location, old_chunk.location);
  EXPECT_FALSE(chunks_.Contains(old_chunk.location));
  EXPECT_TRUE(Readable(new_chunk, data)) << "the new copy is untouched";
  EXPECT_EQ(ChunkRows(), std::vector<ChunkInfo>{new_chunk});
  auto object = meta_->GetObject(kBucket, "b");
  ASSERT_TRUE(object.ok());
  EXPECT_EQ(object->manifest.at(0).chunk, new_chunk);
}

TEST_F(GarbageCollectorRaceTest, RowErrorIsCountedAndThePassGoesOn) {
  ChunkInfo failing = UnreferencedChunk("a", 1);
  ChunkInfo fine = UnreferencedChunk("b", 2);
  clock_.Set(kStartMs + kGrace.count());
  hooked_->delete_row_failures[failing.hash] = common::Error(Code::kUnavailable, "locked");
  // Batches of one: the failing row is listed again and again, and the pass
  // must still end.
  GarbageCollector gc(*hooked_, chunks_, clock_, GcOptions{kGrace, 1});
  GcStats stats = RunOnce(gc);
  EXPECT_EQ(stats.errors, 1u);
  EXPECT_LE(stats.chunks_deleted, 1u);
  EXPECT_TRUE(chunks_.Contains(failing.location));
  EXPECT_LT(hooked_->list_unreferenced_calls, 10);

  // With room in the batch the other row is reclaimed despite the failure.
  GarbageCollector wide(*hooked_, chunks_, clock_, GcOptions{kGrace, 10});
  stats = RunOnce(wide);
  EXPECT_EQ(stats.errors, 1u);
  EXPECT_FALSE(chunks_.Contains(fine.location));
  EXPECT_TRUE(chunks_.Contains(failing.location));

  hooked_->delete_row_failures.clear();
  EXPECT_EQ(RunOnce(wide).chunks_deleted, 1u);
  EXPECT_FALSE(chunks_.Contains(failing.location));
}

TEST_F(GarbageCollectorTest, FilesThatFailToDeleteAreRetriedAsOrphans) {
  ChunkInfo stuck = UnreferencedChunk("a", 1);
  ChunkInfo other = UnreferencedChunk("b", 2);
  chunks_.SetFailure(stuck.location, common::Error(Code::kUnavailable, "drive offline"));
  clock_.Set(kStartMs + kGrace.count());
  GarbageCollector gc = MakeGc();

  // Both rows go; the stuck files fail once as a chunk and once as an orphan.
  EXPECT_EQ(
      RunOnce(gc),
      (GcStats{.chunks_deleted = 2, .bytes_reclaimed = stuck.size + other.size, .errors = 2}));
  EXPECT_TRUE(chunks_.Contains(stuck.location));
  EXPECT_FALSE(chunks_.Contains(other.location));

  chunks_.SetFailure(stuck.location, common::Status());
  EXPECT_EQ(RunOnce(gc), GcStats{.orphans_deleted = 1});
  EXPECT_FALSE(chunks_.Contains(stuck.location));
}

TEST_F(GarbageCollectorTest, WalksEveryBatchAndKeepsTotals) {
  uint64_t bytes = 0;
  for (int i = 0; i < 5; ++i) bytes += UnreferencedChunk("k" + std::to_string(i), i).size;
  WriteChunk(Content(100));  // an orphan
  GarbageCollector gc = MakeGc(/*batch=*/2);

  clock_.Set(kStartMs + kGrace.count());
  EXPECT_EQ(RunOnce(gc),
            (GcStats{.chunks_deleted = 5, .orphans_deleted = 1, .bytes_reclaimed = bytes}));
  EXPECT_EQ(chunks_.LocationCount(), 0u);

  ChunkInfo later = UnreferencedChunk("later", 7);
  clock_.Set(clock_.NowMillis() + kGrace.count());
  EXPECT_EQ(RunOnce(gc), (GcStats{.chunks_deleted = 1, .bytes_reclaimed = later.size}));
  EXPECT_EQ(
      gc.totals(),
      (GcStats{.chunks_deleted = 6, .orphans_deleted = 1, .bytes_reclaimed = bytes + later.size}));
}

TEST_F(GarbageCollectorTest, IncompleteLocationListingIsCountedAndThePassGoesOn) {
  ChunkInfo chunk = UnreferencedChunk("a", 1);
  chunks_.SetForEachFailure(common::Error(Code::kUnavailable, "drive offline"));
  clock_.Set(kStartMs + kGrace.count());
  GarbageCollector gc = MakeGc();
  auto stats = gc.RunOnce();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_FALSE(chunks_.Contains(chunk.location));
  EXPECT_EQ(*stats, (GcStats{.chunks_deleted = 1, .bytes_reclaimed = chunk.size, .errors = 1}));
  EXPECT_EQ(gc.totals(), *stats);
}

TEST_F(GarbageCollectorTest, ExpiredUploadsAreAbortedAndTheirPartsCollected) {
  const std::string data = Content(7);
  ChunkInfo chunk = WriteChunk(data);
  meta::MultipartUpload upload{
      .upload_id = "u1", .bucket = kBucket, .key = "k", .initiated_ms = kStartMs};
  ASSERT_TRUE(meta_->CreateMultipartUpload(upload).ok());
  meta::PartRecord part{.upload_id = "u1",
                        .part_number = 1,
                        .size = data.size(),
                        .etag = "e",
                        .manifest = {{chunk, 0, data.size()}}};
  ASSERT_TRUE(meta_->PutPart(part, {chunk}, kStartMs).ok());
  GcOptions options{kGrace, 1000};
  options.upload_max_age = std::chrono::hours(1);
  GarbageCollector gc(*meta_, chunks_, clock_, options);

  clock_.Set(kStartMs + 3'600'000 - 1);
  ASSERT_TRUE(gc.RunOnce().ok());
  EXPECT_TRUE(meta_->GetMultipartUpload(kBucket, "k", "u1").ok()) << "not old enough yet";

  clock_.Set(kStartMs + 3'600'000);
  auto first = gc.RunOnce();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->uploads_aborted, 1u);
  EXPECT_EQ(first->chunks_deleted, 0u) << "the part's chunk only now starts its grace period";
  EXPECT_EQ(meta_->GetMultipartUpload(kBucket, "k", "u1").status().code(), Code::kNoSuchUpload);
  EXPECT_TRUE(chunks_.Contains(chunk.location));

  clock_.Set(kStartMs + 3'600'000 + kGrace.count());
  auto second = gc.RunOnce();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->chunks_deleted, 1u);
  EXPECT_FALSE(chunks_.Contains(chunk.location));
  EXPECT_EQ(gc.totals().uploads_aborted, 1u);
}

TEST_F(GarbageCollectorTest, StoppedCollectorDeletesNothing) {
  ChunkInfo chunk = UnreferencedChunk("a", 1);
  ChunkInfo orphan = WriteChunk(Content(2));
  clock_.Set(kStartMs + kGrace.count());
  GarbageCollector gc = MakeGc();
  gc.RequestStop();
  auto stats = gc.RunOnce();
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), Code::kUnavailable);
  EXPECT_TRUE(chunks_.Contains(chunk.location));
  EXPECT_TRUE(chunks_.Contains(orphan.location));
  EXPECT_EQ(gc.totals(), GcStats{});
}

}  // namespace
}  // namespace strata::storage
