// The multipart half of the MetaStore contract suite: uploads and their
// parts, the chunk references parts hold, completion and abort, stale uploads
// for GC, and DeleteBucket with uploads in progress. The upload listing is in
// meta_store_contract_multipart_listing.cc.
//
// Counts are observed as in meta_store_contract_chunks.cc: through
// ListUnreferencedChunks.
#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;
using Strings = std::vector<std::string>;
using PutResult = MetaStore::PutResult;

// Part `number` of `upload_id` with its body in `manifest`.
PartRecord MakePart(std::string_view upload_id, int number, Manifest manifest) {
  PartRecord part{.upload_id = std::string(upload_id),
                  .part_number = number,
                  .etag = "etag-" + std::to_string(number),
                  .last_modified_ms = kNowMs + number,
                  .manifest = std::move(manifest),
                  .checksum = {.algorithm = "SHA256",
                               .value = "part" + std::to_string(number) + "=",
                               .type = "COMPOSITE"}};
  for (const ManifestEntry& entry : part.manifest) part.size += entry.length;
  return part;
}

// Every field; the manifest only when `with_manifest`.
::testing::AssertionResult SamePart(const PartRecord& expected, const PartRecord& actual,
                                    bool with_manifest) {
  auto differs = [&](std::string_view field) {
    return ::testing::AssertionFailure()
           << "part " << expected.part_number << ": field '" << field << "' differs";
  };
  if (expected.upload_id != actual.upload_id) return differs("upload_id");
  if (expected.part_number != actual.part_number) return differs("part_number");
  if (expected.size != actual.size) return differs("size");
  if (expected.etag != actual.etag) return differs("etag");
  if (expected.last_modified_ms != actual.last_modified_ms) return differs("last_modified_ms");
  if (expected.checksum != actual.checksum) return differs("checksum");
  if (with_manifest ? expected.manifest != actual.manifest : !actual.manifest.empty()) {
    return differs("manifest");
  }
  return ::testing::AssertionSuccess();
}

// The object completing `upload` from `parts`, in order: their manifests
// concatenated, with part sizes, a multipart ETag and a composite checksum.
ObjectRecord Completed(const MultipartUpload& upload, const std::vector<PartRecord>& parts) {
  Manifest manifest;
  for (const PartRecord& part : parts) {
    manifest.insert(manifest.end(), part.manifest.begin(), part.manifest.end());
  }
  ObjectRecord object = WithManifest(upload.bucket, upload.key, std::move(manifest));
  object.etag = "0123456789abcdef0123456789abcdef-" + std::to_string(parts.size());
  object.content_type = upload.content_type;
  object.user_metadata = upload.user_metadata;
  object.system_metadata = upload.system_metadata;
  object.checksum = {.algorithm = "SHA256",
                     .value = "whole=-" + std::to_string(parts.size()),
                     .type = "COMPOSITE"};
  for (const PartRecord& part : parts) object.part_sizes.push_back(part.size);
  return object;
}

std::vector<int> PartNumbers(const std::vector<PartRecord>& parts) {
  std::vector<int> numbers;
  for (const PartRecord& part : parts) numbers.push_back(part.part_number);
  return numbers;
}

// Creates bucket "b" and upload "u1" for key "k" in it.
MultipartUpload SetUpUpload(MetaStore& store) {
  EXPECT_TRUE(store.CreateBucket(MakeBucket("b")).ok());
  const MultipartUpload upload = MakeUpload("b", "k", "u1");
  EXPECT_TRUE(store.CreateMultipartUpload(upload).ok());
  return upload;
}

// --- Uploads ---------------------------------------------------------------

TEST_P(MetaStoreContractTest, CreateThenGetUpload) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("other")));
  const MultipartUpload upload = MakeUpload("b", "dir/Ünïcødé 🎉", "u1", 1712345678901);
  STRATA_ASSERT_OK(store().CreateMultipartUpload(upload));
  STRATA_ASSERT_OK_AND_ASSIGN(MultipartUpload got,
                              store().GetMultipartUpload("b", upload.key, "u1"));
  EXPECT_TRUE(SameUpload(upload, got));
  // Empty optional fields round trip too.
  MultipartUpload plain = {.upload_id = "u2", .bucket = "b", .key = "k", .initiated_ms = 1};
  STRATA_ASSERT_OK(store().CreateMultipartUpload(plain));
  STRATA_ASSERT_OK_AND_ASSIGN(got, store().GetMultipartUpload("b", "k", "u2"));
  EXPECT_TRUE(SameUpload(plain, got));

  // The id only names the upload together with its bucket and key.
  STRATA_EXPECT_CODE(store().GetMultipartUpload("other", upload.key, "u1"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().GetMultipartUpload("b", "k", "u1"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().GetMultipartUpload("b", upload.key, "u3"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().GetMultipartUpload("nope", upload.key, "u1"), Code::kNoSuchUpload);
}

TEST_P(MetaStoreContractTest, CreateUploadInMissingBucket) {
  STRATA_EXPECT_CODE(store().CreateMultipartUpload(MakeUpload("nope", "k", "u1")),
                     Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().GetMultipartUpload("nope", "k", "u1"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().GetBucket("nope"), Code::kNoSuchBucket);
}

// --- Parts and their references --------------------------------------------

TEST_P(MetaStoreContractTest, PartsHoldReferences) {
  SetUpUpload(store());
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  const PartRecord p1 = MakePart("u1", 1, {Whole(c1), Piece(c1, 0, 10)});
  const PartRecord p2 = MakePart("u1", 2, {Whole(c2), Whole(c1)});  // c1 deduplicated
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put, store().PutPart(p1, {c1}, kNowMs));
  EXPECT_FALSE(put.replaced.has_value());
  EXPECT_TRUE(put.unused_chunks.empty());
  STRATA_ASSERT_OK(store().PutPart(p2, {c2}, kNowMs));
  EXPECT_TRUE(LocationExists(store(), c1.location));
  EXPECT_TRUE(LocationExists(store(), c2.location));
  EXPECT_EQ(Unreferenced(store()), Strings{});

  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<PartRecord> parts, store().GetParts("u1"));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(SamePart(p1, parts[0], /*with_manifest=*/true));
  EXPECT_TRUE(SamePart(p2, parts[1], /*with_manifest=*/true));

  // An object sharing c1 keeps it referenced when the parts go.
  STRATA_ASSERT_OK(store().PutObject(WithManifest("b", "other", {Whole(c1)}), {}, {}, kNowMs));
  STRATA_ASSERT_OK(store().AbortMultipartUpload("u1", 5000));
  EXPECT_EQ(Unreferenced(store(), 4999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 5000), Strings{c2.hash});
  STRATA_ASSERT_OK(store().DeleteObject("b", "other", 6000));
  EXPECT_EQ(Unreferenced(store()), (Strings{c2.hash, c1.hash}));
}

TEST_P(MetaStoreContractTest, ReplacingAPartMovesReferences) {
  SetUpUpload(store());
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  const ChunkInfo c3 = Chunk(3);
  STRATA_ASSERT_OK(store().PutPart(MakePart("u1", 1, {Whole(c1), Whole(c2)}), {c1, c2}, 1000));
  // c2 stays (deduplicated by the new body), c1 goes, c3 arrives.
  PartRecord again = MakePart("u1", 1, {Whole(c2), Whole(c3)});
  again.etag = "etag-again";
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put, store().PutPart(again, {c3}, 2000));
  EXPECT_FALSE(put.replaced.has_value());
  EXPECT_EQ(Unreferenced(store(), 1999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 2000), Strings{c1.hash});
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<PartRecord> parts, store().GetParts("u1"));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_TRUE(SamePart(again, parts[0], /*with_manifest=*/true));
  // The same body again: nothing passes through 0.
  STRATA_ASSERT_OK(store().PutPart(again, {}, 2500));
  EXPECT_EQ(Unreferenced(store()), Strings{c1.hash});
  // An empty part releases everything.
  STRATA_ASSERT_OK(store().PutPart(MakePart("u1", 1, {}), {}, 3000));
  EXPECT_EQ(Unreferenced(store(), 2999), Strings{c1.hash});
  EXPECT_EQ(Unreferenced(store(), 3000), (Strings{c1.hash, c2.hash, c3.hash}));
}

// Two uploads of one content both stored a copy: the part keeps the first
// copy, as PutObject does, and hands its own back.
TEST_P(MetaStoreContractTest, PartWithASecondCopyOfAChunk) {
  SetUpUpload(store());
  const ChunkInfo mine = Chunk(1, 0);
  const ChunkInfo theirs = Chunk(1, 1);
  STRATA_ASSERT_OK(store().PutObject(WithManifest("b", "a", {Whole(mine)}), {}, {mine}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(
      PutResult put, store().PutPart(MakePart("u1", 3, {Whole(theirs)}), {theirs}, kNowMs));
  ASSERT_EQ(put.unused_chunks.size(), 1u);
  EXPECT_TRUE(put.unused_chunks[0] == theirs);
  EXPECT_FALSE(LocationExists(store(), theirs.location));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<PartRecord> parts, store().GetParts("u1"));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].manifest, Manifest{Whole(mine)});
  STRATA_ASSERT_OK(store().DeleteObject("b", "a", kNowMs));
  EXPECT_EQ(Unreferenced(store()), Strings{});  // the part's reference remains
}

// The dedup rule of PutObject: a chunk GC removed since FindChunk fails the
// part, changing nothing.
TEST_P(MetaStoreContractTest, PartWithACollectedChunkFails) {
  SetUpUpload(store());
  const ChunkInfo collected = Chunk(1);
  const ChunkInfo fresh = Chunk(2);
  STRATA_ASSERT_OK(
      store().PutObject(WithManifest("b", "x", {Whole(collected)}), {}, {collected}, kNowMs));
  STRATA_ASSERT_OK(store().DeleteObject("b", "x", 1000));
  STRATA_ASSERT_OK_AND_ASSIGN(bool gc, store().DeleteUnreferencedChunk(collected, 1000));
  ASSERT_TRUE(gc);
  STRATA_EXPECT_CODE(
      store().PutPart(MakePart("u1", 1, {Whole(fresh), Whole(collected)}), {fresh}, kNowMs),
      Code::kUnavailable);
  EXPECT_FALSE(LocationExists(store(), fresh.location));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<PartRecord> parts, store().GetParts("u1"));
  EXPECT_TRUE(parts.empty());
}

TEST_P(MetaStoreContractTest, PartOfAnUploadThatIsGoneChangesNothing) {
  SetUpUpload(store());
  const ChunkInfo kept = Chunk(1);
  const ChunkInfo fresh = Chunk(2);
  STRATA_ASSERT_OK(store().PutPart(MakePart("u1", 1, {Whole(kept)}), {kept}, kNowMs));
  STRATA_ASSERT_OK(store().PutObject(WithManifest("b", "k2", {Whole(kept)}), {}, {}, kNowMs));
  STRATA_ASSERT_OK(store().AbortMultipartUpload("u1", 1000));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats before, store().GetStorageStats());
  // Aborted meanwhile, and never existed: no row for the written chunk, no
  // count moved.
  for (const char* upload_id : {"u1", "never"}) {
    STRATA_EXPECT_CODE(
        store().PutPart(MakePart(upload_id, 2, {Whole(fresh), Whole(kept)}), {fresh}, 2000),
        Code::kNoSuchUpload);
  }
  EXPECT_FALSE(LocationExists(store(), fresh.location));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats after, store().GetStorageStats());
  EXPECT_TRUE(SameStats(before, after));
  STRATA_ASSERT_OK(store().DeleteObject("b", "k2", 3000));
  EXPECT_EQ(Unreferenced(store(), 2999), Strings{});  // its count was exactly 1
  EXPECT_EQ(Unreferenced(store(), 3000), Strings{kept.hash});
}

TEST_P(MetaStoreContractTest, ListPartsPages) {
  SetUpUpload(store());
  std::vector<PartRecord> stored;
  for (int number : {8, 2, 5, 1, 3}) {
    const ChunkInfo chunk = Chunk(number);
    stored.push_back(MakePart("u1", number, {Whole(chunk)}));
    STRATA_ASSERT_OK(store().PutPart(stored.back(), {chunk}, kNowMs));
  }
  std::sort(stored.begin(), stored.end(),
            [](const PartRecord& a, const PartRecord& b) { return a.part_number < b.part_number; });
  struct Step {
    int marker;
    int max_parts;
    std::vector<int> numbers;
    bool truncated;
    int next_marker;
  };
  const Step steps[] = {
      {0, 2, {1, 2}, true, 2},
      {2, 2, {3, 5}, true, 5},
      {5, 2, {8}, false, 8},
      {8, 2, {}, false, 0},
      {0, 5, {1, 2, 3, 5, 8}, false, 8},
      {0, 1000, {1, 2, 3, 5, 8}, false, 8},
      {4, 1, {5}, true, 5},  // the marker need not be a part
      {0, 0, {}, false, 0},
      {10000, 10, {}, false, 0},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(::testing::Message() << "marker " << step.marker << " max " << step.max_parts);
    STRATA_ASSERT_OK_AND_ASSIGN(ListPartsPage page,
                                store().ListParts("u1", step.marker, step.max_parts));
    EXPECT_EQ(PartNumbers(page.parts), step.numbers);
    EXPECT_EQ(page.truncated, step.truncated);
    EXPECT_EQ(page.next_part_number_marker, step.next_marker);
    for (const PartRecord& part : page.parts) {
      for (const PartRecord& expected : stored) {
        if (expected.part_number == part.part_number) {
          EXPECT_TRUE(SamePart(expected, part, /*with_manifest=*/false));
        }
      }
    }
  }
  STRATA_EXPECT_CODE(store().ListParts("u1", 0, -1), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(store().ListParts("never", 0, 10), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().GetParts("never"), Code::kNoSuchUpload);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<PartRecord> all, store().GetParts("u1"));
  EXPECT_EQ(PartNumbers(all), (std::vector<int>{1, 2, 3, 5, 8}));
  // Parts belong to their upload.
  STRATA_ASSERT_OK(store().CreateMultipartUpload(MakeUpload("b", "k", "u2")));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPartsPage none, store().ListParts("u2", 0, 10));
  EXPECT_TRUE(none.parts.empty());
  STRATA_ASSERT_OK(store().AbortMultipartUpload("u1", kNowMs));
  STRATA_EXPECT_CODE(store().ListParts("u1", 0, 10), Code::kNoSuchUpload);
}

// --- Completion ------------------------------------------------------------

// Parts 1 and 3 of three become the object: chunks the object uses keep
// exactly its references, and a chunk only in part 2 reaches 0.
TEST_P(MetaStoreContractTest, CompleteWithASubsetOfParts) {
  const MultipartUpload upload = SetUpUpload(store());
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  const ChunkInfo c3 = Chunk(3);
  const ChunkInfo c4 = Chunk(4);
  const PartRecord p1 = MakePart("u1", 1, {Whole(c1), Whole(c2)});
  const PartRecord p2 = MakePart("u1", 2, {Whole(c3)});
  const PartRecord p3 = MakePart("u1", 3, {Whole(c4), Piece(c2, 5, 10)});
  STRATA_ASSERT_OK(store().PutPart(p1, {c1, c2}, 1000));
  STRATA_ASSERT_OK(store().PutPart(p2, {c3}, 1000));
  STRATA_ASSERT_OK(store().PutPart(p3, {c4}, 1000));

  const ObjectRecord object = Completed(upload, {p1, p3});
  ASSERT_EQ(object.part_sizes, (std::vector<uint64_t>{p1.size, p3.size}));
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put,
                              store().CompleteMultipartUpload("u1", object, {}, 2000));
  EXPECT_FALSE(put.replaced.has_value());
  EXPECT_TRUE(put.unused_chunks.empty());
  EXPECT_EQ(Unreferenced(store(), 1999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 2000), Strings{c3.hash});
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord got, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(object, got));
  // The upload and its parts are gone.
  STRATA_EXPECT_CODE(store().GetMultipartUpload("b", "k", "u1"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().GetParts("u1"), Code::kNoSuchUpload);
  STRATA_ASSERT_OK_AND_ASSIGN(ListUploadsPage uploads, store().ListMultipartUploads("b", {}));
  EXPECT_TRUE(uploads.uploads.empty());
  // The object's references were all that remained (c2 is named twice).
  STRATA_ASSERT_OK(store().DeleteObject("b", "k", 3000));
  EXPECT_EQ(Unreferenced(store(), 2999), Strings{c3.hash});
  EXPECT_EQ(Unreferenced(store(), 3000), (Strings{c3.hash, c1.hash, c2.hash, c4.hash}));
}

TEST_P(MetaStoreContractTest, CompleteReplacesTheObject) {
  const MultipartUpload upload = SetUpUpload(store());
  const ChunkInfo old_chunk = Chunk(1);
  const ChunkInfo part_chunk = Chunk(2);
  const ObjectRecord old_object = WithManifest("b", "k", {Whole(old_chunk)});
  STRATA_ASSERT_OK(store().PutObject(old_object, {}, {old_chunk}, 1000));
  const PartRecord part = MakePart("u1", 1, {Whole(part_chunk)});
  STRATA_ASSERT_OK(store().PutPart(part, {part_chunk}, 1000));
  STRATA_ASSERT_OK_AND_ASSIGN(
      PutResult put, store().CompleteMultipartUpload("u1", Completed(upload, {part}), {}, 2000));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_TRUE(SameRecord(old_object, *put.replaced));
  EXPECT_EQ(Unreferenced(store()), Strings{old_chunk.hash});
  STRATA_ASSERT_OK(store().DeleteObject("b", "k", 3000));
  EXPECT_EQ(Unreferenced(store()), (Strings{old_chunk.hash, part_chunk.hash}));
}

TEST_P(MetaStoreContractTest, CompleteWithAFailedConditionChangesNothing) {
  const MultipartUpload upload = SetUpUpload(store());
  const ChunkInfo current_chunk = Chunk(1);
  const ChunkInfo part_chunk = Chunk(2);
  const ObjectRecord current = WithManifest("b", "k", {Whole(current_chunk)});
  STRATA_ASSERT_OK(store().PutObject(current, {}, {current_chunk}, kNowMs));
  const PartRecord part = MakePart("u1", 1, {Whole(part_chunk), Whole(current_chunk)});
  STRATA_ASSERT_OK(store().PutPart(part, {part_chunk}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats before, store().GetStorageStats());
  const ObjectRecord object = Completed(upload, {part});
  for (const WriteCondition& condition :
       {WriteCondition{.kind = WriteCondition::Kind::kIfNoneMatchAny},
        WriteCondition{.kind = WriteCondition::Kind::kIfMatch, .etag = "other"}}) {
    STRATA_EXPECT_CODE(store().CompleteMultipartUpload("u1", object, condition, kNowMs),
                       Code::kPreconditionFailed);
  }
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord now, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(current, now));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<PartRecord> parts, store().GetParts("u1"));
  ASSERT_EQ(parts.size(), 1u);
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats after, store().GetStorageStats());
  EXPECT_TRUE(SameStats(before, after));
  // The upload can still complete, once the condition holds.
  STRATA_ASSERT_OK(store().CompleteMultipartUpload(
      "u1", object, {.kind = WriteCondition::Kind::kIfMatch, .etag = current.etag}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(now, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(object, now));
  EXPECT_EQ(Unreferenced(store()), Strings{});  // current_chunk: in the new object too
}

TEST_P(MetaStoreContractTest, CompleteAnUploadThatIsGone) {
  const MultipartUpload upload = SetUpUpload(store());
  const ChunkInfo c = Chunk(1);
  const PartRecord part = MakePart("u1", 1, {Whole(c)});
  STRATA_ASSERT_OK(store().PutPart(part, {c}, kNowMs));
  const ObjectRecord object = Completed(upload, {part});
  // Another key or bucket does not name the upload.
  ObjectRecord elsewhere = object;
  elsewhere.key = "other";
  STRATA_EXPECT_CODE(store().CompleteMultipartUpload("u1", elsewhere, {}, kNowMs),
                     Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().GetObject("b", "other"), Code::kNoSuchKey);
  STRATA_EXPECT_CODE(store().CompleteMultipartUpload("never", object, {}, kNowMs),
                     Code::kNoSuchUpload);
  // Completing twice: the second finds nothing and changes nothing.
  STRATA_ASSERT_OK(store().CompleteMultipartUpload("u1", object, {}, kNowMs));
  ObjectRecord second = object;
  second.etag = "second";
  STRATA_EXPECT_CODE(store().CompleteMultipartUpload("u1", second, {}, kNowMs),
                     Code::kNoSuchUpload);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord now, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(object, now));
  EXPECT_EQ(Unreferenced(store()), Strings{});
  // After an abort.
  STRATA_ASSERT_OK(store().CreateMultipartUpload(MakeUpload("b", "k", "u2")));
  STRATA_ASSERT_OK(store().PutPart(MakePart("u2", 1, {Whole(c)}), {}, kNowMs));
  STRATA_ASSERT_OK(store().AbortMultipartUpload("u2", kNowMs));
  STRATA_EXPECT_CODE(store().CompleteMultipartUpload("u2", second, {}, kNowMs),
                     Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().AbortMultipartUpload("u2", kNowMs), Code::kNoSuchUpload);
  STRATA_ASSERT_OK_AND_ASSIGN(now, store().GetObject("b", "k"));
  EXPECT_EQ(now.etag, object.etag);
  EXPECT_EQ(Unreferenced(store()), Strings{});
}

// Racing Complete and Abort of each upload: exactly one of them wins, and
// the counts end up exact either way.
TEST_P(MetaStoreContractTest, ConcurrentCompleteAndAbortHaveOneWinner) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  constexpr int kUploads = 8;
  std::vector<ObjectRecord> objects;
  for (int i = 0; i < kUploads; ++i) {
    const std::string id = "u" + std::to_string(i);
    const MultipartUpload upload = MakeUpload("b", "k" + std::to_string(i), id);
    STRATA_ASSERT_OK(store().CreateMultipartUpload(upload));
    const ChunkInfo chunk = Chunk(i + 1);
    const PartRecord part = MakePart(id, 1, {Whole(chunk)});
    STRATA_ASSERT_OK(store().PutPart(part, {chunk}, kNowMs));
    objects.push_back(Completed(upload, {part}));
  }
  std::atomic<int> completed = 0;
  std::atomic<int> aborted = 0;
  std::atomic<int> other_errors = 0;
  auto count = [&](const common::Status& status, std::atomic<int>& wins) {
    if (status.ok()) {
      ++wins;
    } else if (status.code() != Code::kNoSuchUpload) {
      ++other_errors;
    }
  };
  std::thread completer([&] {
    for (int i = 0; i < kUploads; ++i) {
      count(
          store().CompleteMultipartUpload("u" + std::to_string(i), objects[i], {}, kNowMs).status(),
          completed);
    }
  });
  std::thread aborter([&] {
    for (int i = 0; i < kUploads; ++i) {
      count(store().AbortMultipartUpload("u" + std::to_string(i), kNowMs), aborted);
    }
  });
  completer.join();
  aborter.join();
  EXPECT_EQ(other_errors, 0);
  EXPECT_EQ(completed + aborted, kUploads);
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", {}));
  EXPECT_EQ(page.objects.size(), static_cast<size_t>(completed.load()));
  // Each upload's chunk is free exactly when its upload was aborted.
  EXPECT_EQ(Unreferenced(store()).size(), static_cast<size_t>(aborted.load()));
}

// --- Abort, GC and bucket deletion -----------------------------------------

TEST_P(MetaStoreContractTest, AbortDropsReferences) {
  SetUpUpload(store());
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  STRATA_ASSERT_OK(store().PutPart(MakePart("u1", 1, {Whole(c1), Whole(c1)}), {c1}, kNowMs));
  STRATA_ASSERT_OK(store().PutPart(MakePart("u1", 2, {Whole(c2), Whole(c1)}), {c2}, kNowMs));
  STRATA_ASSERT_OK(store().AbortMultipartUpload("u1", 5000));
  EXPECT_EQ(Unreferenced(store(), 4999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 5000), (Strings{c1.hash, c2.hash}));
  STRATA_EXPECT_CODE(store().GetMultipartUpload("b", "k", "u1"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().AbortMultipartUpload("u1", 6000), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().AbortMultipartUpload("never", 6000), Code::kNoSuchUpload);
  // The chunks still exist until GC: a new part may deduplicate them.
  STRATA_ASSERT_OK(store().CreateMultipartUpload(MakeUpload("b", "k", "u2")));
  STRATA_ASSERT_OK(store().PutPart(MakePart("u2", 1, {Whole(c1)}), {}, 7000));
  EXPECT_EQ(Unreferenced(store()), Strings{c2.hash});
}

TEST_P(MetaStoreContractTest, ListStaleUploadsOldestFirst) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("a")));
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const MultipartUpload uploads[] = {
      MakeUpload("a", "k1", "u-300", 300), MakeUpload("b", "k2", "u-100", 100),
      MakeUpload("a", "k3", "u-200", 200), MakeUpload("b", "k1", "u-200b", 200)};
  for (const MultipartUpload& upload : uploads) {
    STRATA_ASSERT_OK(store().CreateMultipartUpload(upload));
  }
  auto ids = [&](int64_t before, size_t limit) {
    Strings result;
    auto stale = store().ListStaleUploads(before, limit);
    EXPECT_TRUE(stale.ok()) << stale.status().ToString();
    if (stale.ok()) {
      for (const MultipartUpload& upload : *stale) result.push_back(upload.upload_id);
    }
    return result;
  };
  EXPECT_EQ(ids(kForever, 10), (Strings{"u-100", "u-200", "u-200b", "u-300"}));
  EXPECT_EQ(ids(300, 10), (Strings{"u-100", "u-200", "u-200b", "u-300"}));
  EXPECT_EQ(ids(299, 10), (Strings{"u-100", "u-200", "u-200b"}));
  EXPECT_EQ(ids(kForever, 2), (Strings{"u-100", "u-200"}));
  EXPECT_EQ(ids(100, 10), Strings{"u-100"});
  EXPECT_EQ(ids(99, 10), Strings{});
  EXPECT_EQ(ids(kForever, 0), Strings{});
  // Full records.
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<MultipartUpload> stale, store().ListStaleUploads(100, 1));
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_TRUE(SameUpload(uploads[1], stale[0]));
  // Ended uploads are not stale.
  STRATA_ASSERT_OK(store().AbortMultipartUpload("u-100", kNowMs));
  EXPECT_EQ(ids(200, 10), (Strings{"u-200", "u-200b"}));
}

// DeleteBucket refuses while objects remain; once none do, it aborts the
// uploads still in progress with the bucket (meta_store.h, DeleteBucket).
TEST_P(MetaStoreContractTest, DeleteBucketWithAnUploadInProgress) {
  SetUpUpload(store());
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("other")));
  STRATA_ASSERT_OK(store().CreateMultipartUpload(MakeUpload("other", "k", "u-other")));
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  STRATA_ASSERT_OK(store().PutPart(MakePart("u1", 1, {Whole(c1)}), {c1}, kNowMs));
  STRATA_ASSERT_OK(store().PutPart(MakePart("u-other", 1, {Whole(c2)}), {c2}, kNowMs));
  STRATA_ASSERT_OK(store().PutObject(MakeObject("b", "object"), {}, {}, kNowMs));
  STRATA_EXPECT_CODE(store().DeleteBucket("b"), Code::kBucketNotEmpty);
  STRATA_EXPECT_OK(store().GetMultipartUpload("b", "k", "u1"));
  EXPECT_EQ(Unreferenced(store()), Strings{});

  STRATA_ASSERT_OK(store().DeleteObject("b", "object", kNowMs));
  STRATA_ASSERT_OK(store().DeleteBucket("b"));
  STRATA_EXPECT_CODE(store().GetBucket("b"), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().GetMultipartUpload("b", "k", "u1"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(store().GetParts("u1"), Code::kNoSuchUpload);
  EXPECT_EQ(Unreferenced(store()), Strings{c1.hash});
  // Other buckets' uploads are untouched; the name is free again, and the
  // new bucket has no uploads.
  STRATA_EXPECT_OK(store().GetMultipartUpload("other", "k", "u-other"));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<MultipartUpload> stale,
                              store().ListStaleUploads(kForever, 10));
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].upload_id, "u-other");
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK_AND_ASSIGN(ListUploadsPage page, store().ListMultipartUploads("b", {}));
  EXPECT_TRUE(page.uploads.empty());
}

// --- Object fields multipart brings ----------------------------------------

TEST_P(MetaStoreContractTest, ChecksumAndPartSizesRoundTrip) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  ObjectRecord multipart = WithManifest("b", "multi", {Whole(c), Piece(c, 0, 7), Piece(c, 9, 1)});
  multipart.part_sizes = {c.size, 7, 1};
  multipart.checksum = {.algorithm = "CRC64NVME", .value = "AAAAAAAAAAA=-3", .type = "COMPOSITE"};
  ObjectRecord plain = MakeObject("b", "plain");
  plain.checksum = {};
  STRATA_ASSERT_OK(store().PutObject(multipart, {}, {c}, kNowMs));
  STRATA_ASSERT_OK(store().PutObject(plain, {}, {}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord got, store().GetObject("b", "multi"));
  EXPECT_TRUE(SameRecord(multipart, got));
  STRATA_ASSERT_OK_AND_ASSIGN(got, store().GetObject("b", "plain"));
  EXPECT_TRUE(SameRecord(plain, got));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", {}));
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_TRUE(SameRecord(multipart, page.objects[0]));
  EXPECT_TRUE(SameRecord(plain, page.objects[1]));
  // Replaced and deleted records carry them too.
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put,
                              store().PutObject(MakeObject("b", "multi"), {}, {}, kNowMs));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_TRUE(SameRecord(multipart, *put.replaced));
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> deleted,
                              store().DeleteObject("b", "multi", kNowMs));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_TRUE(SameRecord(MakeObject("b", "multi"), *deleted));
}

}  // namespace
}  // namespace strata::meta::contract
