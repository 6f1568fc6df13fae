#include "meta/meta_store_contract.h"

#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "meta/internal/contract_util.h"

namespace strata::meta::contract {

using common::Code;

void PrintTo(const MetaStoreContractParam& param, std::ostream* os) { *os << param.name; }

std::string MetaStoreContractParamName(
    const ::testing::TestParamInfo<MetaStoreContractParam>& info) {
  return info.param.name;
}

Bucket MakeBucket(std::string_view name, std::string_view owner) {
  return Bucket{.name = std::string(name),
                .region = "eu-west-1",
                .owner = std::string(owner),
                .created_ms = 1700000000123};
}

ObjectRecord MakeObject(std::string_view bucket, std::string_view key, std::string_view etag) {
  ObjectRecord object;
  object.bucket = bucket;
  object.key = key;
  // Bytes JSON text could not hold, so a store that keeps them as text fails.
  object.inline_data = std::string("body\0\xff of ", 10) + std::string(key);
  object.size = object.inline_data.size();
  object.etag = etag;
  object.content_type = "application/x-" + std::to_string(key.size());
  object.user_metadata = {{"origin", std::string(key)}, {"empty", ""}};
  object.system_metadata = {{"cache-control", "no-cache"}};
  object.last_modified_ms = 1700000000000 + static_cast<int64_t>(key.size());
  object.storage_class = "STANDARD";
  object.checksum = {.algorithm = "CRC32C",
                     .value = "crc/" + std::to_string(key.size()) + "==",
                     .type = "FULL_OBJECT"};
  // Out of key order, one empty value: stores keep the order given.
  object.tags = {{"project", "Ünïcødé " + std::string(key)}, {"empty", ""}, {"a", "1"}};
  return object;
}

::testing::AssertionResult SameRecord(const ObjectRecord& expected, const ObjectRecord& actual) {
  auto differs = [](std::string_view field) {
    return ::testing::AssertionFailure() << "field '" << field << "' differs";
  };
  if (expected.bucket != actual.bucket) return differs("bucket");
  if (expected.key != actual.key) return differs("key");
  if (expected.size != actual.size) return differs("size");
  if (expected.etag != actual.etag) return differs("etag");
  if (expected.content_type != actual.content_type) return differs("content_type");
  if (expected.user_metadata != actual.user_metadata) return differs("user_metadata");
  if (expected.system_metadata != actual.system_metadata) return differs("system_metadata");
  if (expected.last_modified_ms != actual.last_modified_ms) return differs("last_modified_ms");
  if (expected.storage_class != actual.storage_class) return differs("storage_class");
  if (expected.checksum != actual.checksum) return differs("checksum");
  if (expected.part_sizes != actual.part_sizes) return differs("part_sizes");
  if (expected.manifest != actual.manifest) return differs("manifest");
  if (expected.inline_data != actual.inline_data) return differs("inline_data");
  if (expected.tags != actual.tags) return differs("tags");
  return ::testing::AssertionSuccess();
}

ChunkInfo Chunk(int n, int copy) {
  char hash[65];
  char location[33];
  std::snprintf(hash, sizeof(hash), "%064x", n);
  std::snprintf(location, sizeof(location), "%024x%08x", n, copy);
  return {.hash = hash,
          .location = location,
          .data_shards = 4 + copy,  // copies may be coded differently
          .parity_shards = 2,
          .size = 1000 + static_cast<uint64_t>(n)};
}

ManifestEntry Whole(const ChunkInfo& chunk) {
  return {.chunk = chunk, .offset = 0, .length = chunk.size};
}

ManifestEntry Piece(const ChunkInfo& chunk, uint64_t offset, uint64_t length) {
  return {.chunk = chunk, .offset = offset, .length = length};
}

ObjectRecord WithManifest(std::string_view bucket, std::string_view key, Manifest manifest) {
  ObjectRecord object = MakeObject(bucket, key);
  object.inline_data.clear();
  object.manifest = std::move(manifest);
  object.size = 0;
  for (const ManifestEntry& entry : object.manifest) object.size += entry.length;
  return object;
}

std::vector<std::string> Hashes(const std::vector<ChunkInfo>& chunks) {
  std::vector<std::string> hashes;
  for (const ChunkInfo& chunk : chunks) hashes.push_back(chunk.hash);
  return hashes;
}

std::vector<std::string> Unreferenced(MetaStore& store, int64_t zero_before_ms, size_t limit) {
  auto chunks = store.ListUnreferencedChunks(zero_before_ms, limit);
  EXPECT_TRUE(chunks.ok()) << chunks.status().ToString();
  return chunks.ok() ? Hashes(*chunks) : std::vector<std::string>{"<error>"};
}

bool LocationExists(MetaStore& store, std::string_view location) {
  auto exists = store.ChunkLocationExists(location);
  EXPECT_TRUE(exists.ok()) << exists.status().ToString();
  return exists.ok() && *exists;
}

::testing::AssertionResult SameStats(const StorageStats& expected, const StorageStats& actual) {
  auto field = [](const char* name, uint64_t e, uint64_t a) {
    return ::testing::AssertionFailure() << name << ": expected " << e << ", got " << a;
  };
  if (expected.objects != actual.objects) {
    return field("objects", expected.objects, actual.objects);
  }
  if (expected.logical_bytes != actual.logical_bytes) {
    return field("logical_bytes", expected.logical_bytes, actual.logical_bytes);
  }
  if (expected.inline_bytes != actual.inline_bytes) {
    return field("inline_bytes", expected.inline_bytes, actual.inline_bytes);
  }
  if (expected.chunks != actual.chunks) return field("chunks", expected.chunks, actual.chunks);
  if (expected.chunk_bytes != actual.chunk_bytes) {
    return field("chunk_bytes", expected.chunk_bytes, actual.chunk_bytes);
  }
  if (expected.unreferenced_chunks != actual.unreferenced_chunks) {
    return field("unreferenced_chunks", expected.unreferenced_chunks, actual.unreferenced_chunks);
  }
  return ::testing::AssertionSuccess();
}

MultipartUpload MakeUpload(std::string_view bucket, std::string_view key,
                           std::string_view upload_id, int64_t initiated_ms) {
  const std::string id(upload_id);
  return MultipartUpload{.upload_id = id,
                         .bucket = std::string(bucket),
                         .key = std::string(key),
                         .initiated_ms = initiated_ms,
                         .content_type = "application/x-" + id,
                         .user_metadata = {{"origin", std::string(key)}, {"名前", "値 " + id}},
                         .system_metadata = {{"cache-control", "max-age=" + id}},
                         .checksum_algorithm = "SHA256",
                         .checksum_type = "COMPOSITE",
                         .owner = "owner-of-" + id,
                         .tags = {{"team", "t-" + id}, {"a", ""}}};
}

::testing::AssertionResult SameUpload(const MultipartUpload& expected,
                                      const MultipartUpload& actual) {
  auto differs = [&](std::string_view field) {
    return ::testing::AssertionFailure()
           << "upload " << expected.upload_id << ": field '" << field << "' differs";
  };
  if (expected.upload_id != actual.upload_id) return differs("upload_id");
  if (expected.bucket != actual.bucket) return differs("bucket");
  if (expected.key != actual.key) return differs("key");
  if (expected.initiated_ms != actual.initiated_ms) return differs("initiated_ms");
  if (expected.content_type != actual.content_type) return differs("content_type");
  if (expected.user_metadata != actual.user_metadata) return differs("user_metadata");
  if (expected.system_metadata != actual.system_metadata) return differs("system_metadata");
  if (expected.checksum_algorithm != actual.checksum_algorithm) {
    return differs("checksum_algorithm");
  }
  if (expected.checksum_type != actual.checksum_type) return differs("checksum_type");
  if (expected.owner != actual.owner) return differs("owner");
  if (expected.tags != actual.tags) return differs("tags");
  return ::testing::AssertionSuccess();
}

void MetaStoreContractTest::SetUp() {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  ASSERT_FALSE(ec) << ec.message();
  std::string pattern = (base / "strata-meta-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  auto store = GetParam().factory(dir_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
}

void MetaStoreContractTest::TearDown() {
  store_.reset();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

namespace {

// --- Buckets ---------------------------------------------------------------

TEST_P(MetaStoreContractTest, CreateThenGetBucket) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("photos")));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket bucket, store().GetBucket("photos"));
  EXPECT_EQ(bucket.name, "photos");
  EXPECT_EQ(bucket.region, "eu-west-1");
  EXPECT_EQ(bucket.owner, "owner-1");
  EXPECT_EQ(bucket.created_ms, 1700000000123);
}

TEST_P(MetaStoreContractTest, EmptyRegionRoundTrips) {
  Bucket in = MakeBucket("plain");
  in.region = "";
  STRATA_ASSERT_OK(store().CreateBucket(in));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket out, store().GetBucket("plain"));
  EXPECT_EQ(out.region, "");
}

TEST_P(MetaStoreContractTest, CreateExistingBucketFailsByOwner) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("taken", "alice")));
  STRATA_EXPECT_CODE(store().CreateBucket(MakeBucket("taken", "alice")),
                     Code::kBucketAlreadyOwnedByYou);
  STRATA_EXPECT_CODE(store().CreateBucket(MakeBucket("taken", "bob")), Code::kBucketAlreadyExists);
  // The failed creates changed nothing.
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket bucket, store().GetBucket("taken"));
  EXPECT_EQ(bucket.owner, "alice");
}

TEST_P(MetaStoreContractTest, BucketPolicySetReplaceRemove) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("open")));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket fresh, store().GetBucket("open"));
  EXPECT_EQ(fresh.policy, "");
  const std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  STRATA_ASSERT_OK(store().SetBucketPolicy("open", policy));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket with, store().GetBucket("open"));
  EXPECT_EQ(with.policy, policy);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<Bucket> listed, store().ListBuckets());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].policy, policy);
  STRATA_ASSERT_OK(store().SetBucketPolicy("open", ""));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket without, store().GetBucket("open"));
  EXPECT_EQ(without.policy, "");
  STRATA_EXPECT_CODE(store().SetBucketPolicy("nope", policy), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, GetMissingBucket) {
  STRATA_EXPECT_CODE(store().GetBucket("nope"), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, ListBucketsInByteOrder) {
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<Bucket> none, store().ListBuckets());
  EXPECT_TRUE(none.empty());
  for (const char* name : {"b", "ab", "a.b", "a-b", "a0", "a", "zz"}) {
    STRATA_ASSERT_OK(store().CreateBucket(MakeBucket(name)));
  }
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<Bucket> buckets, store().ListBuckets());
  std::vector<std::string> names;
  for (const Bucket& bucket : buckets) names.push_back(bucket.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "a-b", "a.b", "a0", "ab", "b", "zz"}));
}

TEST_P(MetaStoreContractTest, DeleteBucket) {
  STRATA_EXPECT_CODE(store().DeleteBucket("nope"), Code::kNoSuchBucket);
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("gone")));
  STRATA_ASSERT_OK(store().DeleteBucket("gone"));
  STRATA_EXPECT_CODE(store().GetBucket("gone"), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().DeleteBucket("gone"), Code::kNoSuchBucket);
  // The name is free again, for anyone.
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("gone", "someone-else")));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket bucket, store().GetBucket("gone"));
  EXPECT_EQ(bucket.owner, "someone-else");
}

TEST_P(MetaStoreContractTest, DeleteBucketNotEmpty) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("full")));
  STRATA_ASSERT_OK(store().PutObject(MakeObject("full", "k"), {}, {}, kNowMs));
  STRATA_EXPECT_CODE(store().DeleteBucket("full"), Code::kBucketNotEmpty);
  STRATA_EXPECT_OK(store().GetBucket("full"));
  STRATA_EXPECT_OK(store().GetObject("full", "k"));
  STRATA_ASSERT_OK(store().DeleteObject("full", "k", kNowMs));
  STRATA_EXPECT_OK(store().DeleteBucket("full"));
}

// --- Objects ---------------------------------------------------------------

TEST_P(MetaStoreContractTest, PutThenGetRoundTripsEveryField) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  ObjectRecord in;
  in.bucket = "b";
  in.key = "dir/Ünïcødé 日本語 🎉.txt";
  in.etag = "9e107d9d372bb6826bd81d3542a419d6-3";
  in.content_type = "text/plain; charset=utf-8";
  // Order and repeated names are kept; values may be empty or non-ASCII, and
  // may contain JSON's special characters.
  in.user_metadata = {{"zeta", "last-first"},
                      {"名前", "値 ✓"},
                      {"empty", ""},
                      {"quote", "say \"hi\"\\ \n\t"},
                      {"zeta", "again"}};
  in.system_metadata = {{"content-encoding", "gzip"},
                        {"content-disposition", "attachment; filename=\"ü.txt\""},
                        {"expires", ""}};
  in.last_modified_ms = 1712345678901;
  in.storage_class = "REDUCED_REDUNDANCY";
  // Two pieces of one chunk, the second starting inside it.
  const ChunkInfo chunk = {.hash = std::string(64, 'e'),
                           .location = std::string(32, '7'),
                           .data_shards = 8,
                           .parity_shards = 3,
                           .size = 4 << 20};
  in.manifest = {{.chunk = chunk, .offset = 0, .length = 4 << 20},
                 {.chunk = chunk, .offset = 12345, .length = 1}};
  in.size = (4 << 20) + 1;
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStore::PutResult put, store().PutObject(in, {}, {chunk}, kNowMs));
  EXPECT_FALSE(put.replaced.has_value());
  EXPECT_TRUE(put.unused_chunks.empty());
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord out, store().GetObject("b", in.key));
  EXPECT_TRUE(SameRecord(in, out));
}

TEST_P(MetaStoreContractTest, EmptyFieldsRoundTrip) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  ObjectRecord in;
  in.bucket = "b";
  in.key = "k";
  in.storage_class = "";
  STRATA_ASSERT_OK(store().PutObject(in, {}, {}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord out, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(in, out));
}

TEST_P(MetaStoreContractTest, PutReplacesAndReturnsReplaced) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  ObjectRecord first = MakeObject("b", "k", "etag-1");
  ObjectRecord second = MakeObject("b", "k", "etag-2");
  second.user_metadata = {{"only", "this"}};
  second.inline_data = "the second body";
  second.size = second.inline_data.size();
  STRATA_ASSERT_OK(store().PutObject(first, {}, {}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStore::PutResult put, store().PutObject(second, {}, {}, kNowMs));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_TRUE(SameRecord(first, *put.replaced));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord now, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(second, now));
}

TEST_P(MetaStoreContractTest, PutIntoMissingBucket) {
  STRATA_EXPECT_CODE(store().PutObject(MakeObject("nope", "k"), {}, {}, kNowMs),
                     Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().GetBucket("nope"), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, GetMissing) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  STRATA_EXPECT_CODE(store().GetObject("b", "missing"), Code::kNoSuchKey);
  STRATA_EXPECT_CODE(store().GetObject("nope", "missing"), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, DeleteObjectReturnsDeleted) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  ObjectRecord object = MakeObject("b", "k");
  STRATA_ASSERT_OK(store().PutObject(object, {}, {}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> deleted,
                              store().DeleteObject("b", "k", kNowMs));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_TRUE(SameRecord(object, *deleted));
  STRATA_EXPECT_CODE(store().GetObject("b", "k"), Code::kNoSuchKey);
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> again,
                              store().DeleteObject("b", "k", kNowMs));
  EXPECT_FALSE(again.has_value());
  STRATA_EXPECT_CODE(store().DeleteObject("nope", "k", kNowMs), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, ObjectsBelongToTheirBucket) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("a")));
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("ab")));
  STRATA_ASSERT_OK(store().PutObject(MakeObject("a", "k", "etag-a"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(store().PutObject(MakeObject("ab", "k", "etag-ab"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(store().DeleteObject("a", "k", kNowMs));
  STRATA_EXPECT_CODE(store().GetObject("a", "k"), Code::kNoSuchKey);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord other, store().GetObject("ab", "k"));
  EXPECT_EQ(other.etag, "etag-ab");
  STRATA_EXPECT_OK(store().DeleteBucket("a"));
}

// --- Conditional writes ----------------------------------------------------

WriteCondition IfNoneMatchAny() { return {.kind = WriteCondition::Kind::kIfNoneMatchAny}; }
WriteCondition IfMatch(std::string etag) {
  return {.kind = WriteCondition::Kind::kIfMatch, .etag = std::move(etag)};
}

TEST_P(MetaStoreContractTest, IfNoneMatchAny) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK_AND_ASSIGN(
      MetaStore::PutResult put,
      store().PutObject(MakeObject("b", "k", "etag-1"), IfNoneMatchAny(), {}, kNowMs));
  EXPECT_FALSE(put.replaced.has_value());
  STRATA_EXPECT_CODE(
      store().PutObject(MakeObject("b", "k", "etag-2"), IfNoneMatchAny(), {}, kNowMs),
      Code::kPreconditionFailed);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord now, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(MakeObject("b", "k", "etag-1"), now));
}

TEST_P(MetaStoreContractTest, IfMatch) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  // No current object: fails, and creates nothing.
  STRATA_EXPECT_CODE(
      store().PutObject(MakeObject("b", "k", "etag-1"), IfMatch("etag-1"), {}, kNowMs),
      Code::kPreconditionFailed);
  STRATA_EXPECT_CODE(store().GetObject("b", "k"), Code::kNoSuchKey);

  STRATA_ASSERT_OK(store().PutObject(MakeObject("b", "k", "etag-1"), {}, {}, kNowMs));
  // Wrong ETag: fails, and changes nothing.
  STRATA_EXPECT_CODE(
      store().PutObject(MakeObject("b", "k", "etag-2"), IfMatch("etag-x"), {}, kNowMs),
      Code::kPreconditionFailed);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord unchanged, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(MakeObject("b", "k", "etag-1"), unchanged));
  // Matching ETag: replaces, returning what it replaced.
  STRATA_ASSERT_OK_AND_ASSIGN(
      MetaStore::PutResult put,
      store().PutObject(MakeObject("b", "k", "etag-2"), IfMatch("etag-1"), {}, kNowMs));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_EQ(put.replaced->etag, "etag-1");
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord now, store().GetObject("b", "k"));
  EXPECT_EQ(now.etag, "etag-2");
}

TEST_P(MetaStoreContractTest, ConditionInMissingBucket) {
  STRATA_EXPECT_CODE(store().PutObject(MakeObject("nope", "k"), IfNoneMatchAny(), {}, kNowMs),
                     Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().PutObject(MakeObject("nope", "k"), IfMatch("e"), {}, kNowMs),
                     Code::kNoSuchBucket);
}

// Racing conditional creates of one key: exactly one wins, and the stored
// object is the winner's.
TEST_P(MetaStoreContractTest, ConcurrentIfNoneMatchAnyHasOneWinner) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  constexpr int kThreads = 8;
  std::atomic<int> winners = 0;
  std::atomic<int> winner = -1;
  std::atomic<int> other_errors = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto result = store().PutObject(MakeObject("b", "race", "etag-" + std::to_string(i)),
                                      IfNoneMatchAny(), {}, kNowMs);
      if (result.ok()) {
        ++winners;
        winner = i;
      } else if (result.status().code() != Code::kPreconditionFailed) {
        ++other_errors;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(other_errors, 0);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord now, store().GetObject("b", "race"));
  EXPECT_EQ(now.etag, "etag-" + std::to_string(winner.load()));
}

// Writes from many threads all land, and each is visible to every thread as
// soon as its PutObject returns.
TEST_P(MetaStoreContractTest, ConcurrentWritersAndReaders) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        if (!store().PutObject(MakeObject("b", key), {}, {}, kNowMs).ok()) ++failures;
        if (!store().GetObject("b", key).ok()) ++failures;  // read-after-write
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", {.max_keys = 1000}));
  EXPECT_EQ(page.objects.size(), size_t{kThreads * kPerThread});
}

}  // namespace
}  // namespace strata::meta::contract
