#include "meta/cache/cached_meta_store.h"

#include <chrono>
#include <utility>

#include "common/random.h"
#include "meta/cache/internal/cache_protocol.h"
#include "meta/cache/internal/redis_client.h"
#include "meta/cache/internal/redis_url.h"
#include "meta/cache/internal/value_codec.h"

namespace strata::meta::cache {
namespace {

using common::Code;
using common::Error;
using internal::Reply;

// How long an invalidation waits for a pooled connection when all are busy.
// Longer than a read's wait: giving up makes the node dirty (an epoch bump,
// which empties the cache for every node), so only a stuck pool should.
std::chrono::milliseconds InvalidationWait(const CacheOptions& options) {
  return std::max(std::chrono::milliseconds(500),
                  std::chrono::milliseconds(options.timeout_ms) * 10);
}

}  // namespace

common::Result<std::unique_ptr<CachedMetaStore>> OpenCachedMetaStore(MetaStore& next,
                                                                     IdentityStore& next_identity,
                                                                     std::string_view url,
                                                                     const CacheOptions& options) {
  if (options.ttl_ms < 1 || options.timeout_ms < 1 || options.connections < 1) {
    return Error(Code::kInvalidArgument,
                 "cache options: ttl_ms, timeout_ms and connections must be at least 1");
  }
  STRATA_ASSIGN_OR_RETURN(internal::RedisEndpoint endpoint, internal::ParseRedisUrl(url));
  internal::ClientOptions client_options{.timeout = std::chrono::milliseconds(options.timeout_ms),
                                         .connections = options.connections,
                                         .epoch_key = internal::Keys(options.key_prefix).epoch()};
  auto client = std::make_unique<internal::RedisClient>(std::move(endpoint), client_options);
  client->Start();
  return std::unique_ptr<CachedMetaStore>(
      new CachedMetaStore(next, next_identity, options, std::move(client)));
}

CachedMetaStore::CachedMetaStore(MetaStore& next, IdentityStore& next_identity,
                                 const CacheOptions& options,
                                 std::unique_ptr<internal::RedisClient> client)
    : next_(next),
      identity_(next_identity),
      options_(options),
      keys_(std::make_unique<internal::Keys>(options.key_prefix)),
      client_(std::move(client)),
      node_id_([] {
        common::SecureRandom random;
        return common::RandomHexId(random, 8);
      }()) {}

CachedMetaStore::~CachedMetaStore() = default;

CacheStats CachedMetaStore::stats() const {
  return CacheStats{.hits = hits_.load(std::memory_order_relaxed),
                    .misses = misses_.load(std::memory_order_relaxed),
                    .errors = client_->errors() + errors_.load(std::memory_order_relaxed),
                    .invalidations = invalidations_.load(std::memory_order_relaxed),
                    .connected = client_->usable()};
}

void CachedMetaStore::SetSyncPointForTesting(std::function<void(std::string_view)> callback) {
  sync_point_ = std::move(callback);
}

void CachedMetaStore::SyncPoint(std::string_view point) const {
  if (sync_point_) sync_point_(point);
}

std::string CachedMetaStore::NewToken() {
  return node_id_ + "." + std::to_string(next_token_.fetch_add(1, std::memory_order_relaxed));
}

template <class T>
common::Result<T> CachedMetaStore::ReadThrough(const internal::Entry& entry, Code not_found,
                                               std::string (*encode)(const T&),
                                               common::Result<T> (*decode)(std::string_view),
                                               const std::function<common::Result<T>()>& load) {
  const std::chrono::milliseconds wait(options_.timeout_ms);
  const std::string token = NewToken();
  const std::string_view scoped = entry.scoped ? "1" : "0";
  std::vector<std::string> keys = {keys_->epoch(), keys_->identity_generation(), entry.write_marker,
                                   entry.slot};
  if (!entry.guard_slot.empty()) {
    keys.push_back(entry.guard_marker);
    keys.push_back(entry.guard_slot);
  }
  const std::string lease_ms = std::to_string(internal::kLeaseMs.count());
  bool leased = false;
  auto reply = client_->Eval(internal::ReadScript(), keys, {scoped, token, lease_ms}, wait);
  if (reply.ok()) {
    const bool well_formed = reply->type == Reply::Type::kArray && !reply->array.empty() &&
                             reply->array[0].type == Reply::Type::kInteger;
    const int64_t outcome = well_formed ? reply->array[0].integer : -1;
    if (outcome == 1 && reply->array.size() == 2 && reply->array[1].type == Reply::Type::kString) {
      const std::string& payload = reply->array[1].text;
      std::string message;
      if (internal::IsNotFound(payload, &message)) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        return Error(not_found, std::move(message));
      }
      common::Result<T> value = decode(payload);
      if (value.ok()) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        return value;
      }
      // Written by another format version, or damaged: the store answers.
      errors_.fetch_add(1, std::memory_order_relaxed);
    } else if (outcome == 2) {
      leased = true;
    } else if (outcome != 0) {
      errors_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  common::Result<T> loaded = load();
  if (!leased) return loaded;

  std::string payload;
  if (loaded.ok()) {
    payload = encode(*loaded);
  } else if (loaded.status().code() == not_found) {
    payload = internal::EncodeNotFound(loaded.status().message());
  }
  if (payload.empty() || payload.size() > options_.max_value_bytes) {
    // Not cacheable: let another reader try rather than wait out the lease.
    (void)client_->Eval(internal::ReleaseScript(), {entry.slot}, {token}, wait);
    return loaded;
  }
  SyncPoint("BeforeFill");
  const std::string ttl_ms = std::to_string(options_.ttl_ms);
  keys.resize(4);
  // The fill is refused unless this reader's lease survived: no invalidation
  // (nor epoch or generation change) happened since the lease was granted,
  // so `loaded` is not older than any of them.
  (void)client_->Eval(internal::FillScript(), keys, {scoped, token, payload, ttl_ms}, wait);
  return loaded;
}

// The identity methods (cached_meta_store_identity.cc) use these.
template common::Result<User> CachedMetaStore::ReadThrough<User>(
    const internal::Entry&, Code, std::string (*)(const User&),
    common::Result<User> (*)(std::string_view), const std::function<common::Result<User>()>&);
template common::Result<AccessKey> CachedMetaStore::ReadThrough<AccessKey>(
    const internal::Entry&, Code, std::string (*)(const AccessKey&),
    common::Result<AccessKey> (*)(std::string_view),
    const std::function<common::Result<AccessKey>()>&);
template common::Result<StoredPolicy> CachedMetaStore::ReadThrough<StoredPolicy>(
    const internal::Entry&, Code, std::string (*)(const StoredPolicy&),
    common::Result<StoredPolicy> (*)(std::string_view),
    const std::function<common::Result<StoredPolicy>()>&);
template common::Result<std::vector<std::string>>
CachedMetaStore::ReadThrough<std::vector<std::string>>(
    const internal::Entry&, Code, std::string (*)(const std::vector<std::string>&),
    common::Result<std::vector<std::string>> (*)(std::string_view),
    const std::function<common::Result<std::vector<std::string>>()>&);

bool CachedMetaStore::Begin(const internal::Target& target) {
  const std::string marker_ms = std::to_string(internal::kWriteMarkerMs.count());
  const std::string_view action = target.increment ? "incr" : "del";
  return client_
      ->Eval(internal::BeginScript(), {target.write_marker, target.key}, {marker_ms, action},
             InvalidationWait(options_))
      .ok();
}

void CachedMetaStore::End(const internal::Target& target, bool begun) {
  const std::string_view action = target.increment ? "incr" : "del";
  auto reply = client_->Eval(internal::EndScript(), {target.write_marker, target.key},
                             {begun ? "1" : "0", action}, InvalidationWait(options_));
  if (reply.ok()) {
    invalidations_.fetch_add(1, std::memory_order_relaxed);
  } else {
    // The write has committed (or failed) by now, so the epoch bump this
    // forces comes after it: no entry older than the write survives it.
    client_->MarkDirty();
  }
}

// --- Buckets ---------------------------------------------------------------

common::Status CachedMetaStore::CreateBucket(const Bucket& bucket) {
  return Invalidating(keys_->BucketTarget(bucket.name), [&] { return next_.CreateBucket(bucket); });
}

common::Result<Bucket> CachedMetaStore::GetBucket(std::string_view name) {
  return ReadThrough<Bucket>(keys_->Bucket(name), Code::kNoSuchBucket, internal::EncodeBucket,
                             internal::DecodeBucket, [&] { return next_.GetBucket(name); });
}

common::Result<std::vector<Bucket>> CachedMetaStore::ListBuckets() { return next_.ListBuckets(); }

common::Status CachedMetaStore::DeleteBucket(std::string_view name) {
  return Invalidating(keys_->BucketTarget(name), [&] { return next_.DeleteBucket(name); });
}

common::Status CachedMetaStore::SetBucketPolicy(std::string_view name, std::string_view policy) {
  return Invalidating(keys_->BucketTarget(name),
                      [&] { return next_.SetBucketPolicy(name, policy); });
}

common::Status CachedMetaStore::SetBucketCors(std::string_view name, std::string_view cors) {
  return Invalidating(keys_->BucketTarget(name), [&] { return next_.SetBucketCors(name, cors); });
}

common::Status CachedMetaStore::SetBucketTagging(std::string_view name,
                                                 const MetadataPairs& tagging) {
  return Invalidating(keys_->BucketTarget(name),
                      [&] { return next_.SetBucketTagging(name, tagging); });
}

common::Status CachedMetaStore::SetBucketVersioning(std::string_view name, Versioning versioning) {
  return Invalidating(keys_->BucketTarget(name),
                      [&] { return next_.SetBucketVersioning(name, versioning); });
}

// --- Objects ---------------------------------------------------------------

common::Result<ObjectRecord> CachedMetaStore::GetObject(std::string_view bucket,
                                                        std::string_view key) {
  return ReadThrough<ObjectRecord>(keys_->Object(bucket, key), Code::kNoSuchKey,
                                   internal::EncodeObject, internal::DecodeObject,
                                   [&] { return next_.GetObject(bucket, key); });
}

common::Result<MetaStore::PutResult> CachedMetaStore::PutObject(
    const ObjectRecord& object, const WriteCondition& condition,
    const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  return Invalidating(keys_->ObjectTarget(object.bucket, object.key),
                      [&] { return next_.PutObject(object, condition, written_chunks, now_ms); });
}

common::Result<MetaStore::DeleteResult> CachedMetaStore::DeleteLatest(
    std::string_view bucket, std::string_view key, std::string_view marker_version_id,
    int64_t now_ms) {
  return Invalidating(keys_->ObjectTarget(bucket, key),
                      [&] { return next_.DeleteLatest(bucket, key, marker_version_id, now_ms); });
}

// Deleting a version can make an older one current: the cached head goes.
common::Result<MetaStore::DeleteResult> CachedMetaStore::DeleteVersion(std::string_view bucket,
                                                                       std::string_view key,
                                                                       std::string_view version_id,
                                                                       int64_t now_ms) {
  return Invalidating(keys_->ObjectTarget(bucket, key),
                      [&] { return next_.DeleteVersion(bucket, key, version_id, now_ms); });
}

// Versions other than the current one are read rarely (GET ?versionId=):
// not cached.
common::Result<ObjectRecord> CachedMetaStore::GetObjectVersion(std::string_view bucket,
                                                               std::string_view key,
                                                               std::string_view version_id) {
  return next_.GetObjectVersion(bucket, key, version_id);
}

common::Result<ListVersionsPage> CachedMetaStore::ListObjectVersions(
    std::string_view bucket, const ListVersionsQuery& query) {
  return next_.ListObjectVersions(bucket, query);
}

common::Result<ListPage> CachedMetaStore::ListObjects(std::string_view bucket,
                                                      const ListQuery& query) {
  return next_.ListObjects(bucket, query);
}

common::Status CachedMetaStore::SetObjectTags(std::string_view bucket, std::string_view key,
                                              const MetadataPairs& tags) {
  // The cached head carries the tags (x-amz-tagging-count, GetObjectTagging).
  return Invalidating(keys_->ObjectTarget(bucket, key),
                      [&] { return next_.SetObjectTags(bucket, key, tags); });
}

common::Status CachedMetaStore::SetObjectVersionTags(std::string_view bucket, std::string_view key,
                                                     std::string_view version_id,
                                                     const MetadataPairs& tags) {
  // The version may be the current one, whose cached head carries the tags.
  return Invalidating(keys_->ObjectTarget(bucket, key),
                      [&] { return next_.SetObjectVersionTags(bucket, key, version_id, tags); });
}

// --- Multipart uploads (nothing cached; completion writes an object) -------

common::Status CachedMetaStore::CreateMultipartUpload(const MultipartUpload& upload) {
  return next_.CreateMultipartUpload(upload);
}

common::Result<MultipartUpload> CachedMetaStore::GetMultipartUpload(std::string_view bucket,
                                                                    std::string_view key,
                                                                    std::string_view upload_id) {
  return next_.GetMultipartUpload(bucket, key, upload_id);
}

common::Result<MetaStore::PutResult> CachedMetaStore::PutPart(
    const PartRecord& part, const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  return next_.PutPart(part, written_chunks, now_ms);
}

common::Result<ListPartsPage> CachedMetaStore::ListParts(std::string_view upload_id,
                                                         int part_number_marker, int max_parts) {
  return next_.ListParts(upload_id, part_number_marker, max_parts);
}

common::Result<std::vector<PartRecord>> CachedMetaStore::GetParts(std::string_view upload_id) {
  return next_.GetParts(upload_id);
}

common::Result<ListUploadsPage> CachedMetaStore::ListMultipartUploads(
    std::string_view bucket, const ListUploadsQuery& query) {
  return next_.ListMultipartUploads(bucket, query);
}

common::Result<MetaStore::PutResult> CachedMetaStore::CompleteMultipartUpload(
    std::string_view upload_id, const ObjectRecord& object, const WriteCondition& condition,
    int64_t now_ms) {
  return Invalidating(keys_->ObjectTarget(object.bucket, object.key), [&] {
    return next_.CompleteMultipartUpload(upload_id, object, condition, now_ms);
  });
}

common::Status CachedMetaStore::AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) {
  return next_.AbortMultipartUpload(upload_id, now_ms);
}

common::Result<std::vector<MultipartUpload>> CachedMetaStore::ListStaleUploads(
    int64_t initiated_before_ms, size_t limit) {
  return next_.ListStaleUploads(initiated_before_ms, limit);
}

// --- Chunks (nothing cached: manifests carry what reads need) --------------

common::Result<std::optional<ChunkInfo>> CachedMetaStore::FindChunk(std::string_view hash,
                                                                    int64_t now_ms) {
  return next_.FindChunk(hash, now_ms);
}

common::Result<std::vector<ChunkInfo>> CachedMetaStore::ListUnreferencedChunks(
    int64_t zero_before_ms, size_t limit) {
  return next_.ListUnreferencedChunks(zero_before_ms, limit);
}

common::Result<bool> CachedMetaStore::DeleteUnreferencedChunk(const ChunkInfo& chunk,
                                                              int64_t zero_before_ms) {
  // Only chunks no manifest names (refcount 0) go, so no cached head changes.
  return next_.DeleteUnreferencedChunk(chunk, zero_before_ms);
}

common::Result<bool> CachedMetaStore::ChunkLocationExists(std::string_view location) {
  return next_.ChunkLocationExists(location);
}

common::Result<std::vector<ChunkInfo>> CachedMetaStore::ListChunks(std::string_view after_hash,
                                                                   size_t limit) {
  return next_.ListChunks(after_hash, limit);
}

common::Result<StorageStats> CachedMetaStore::GetStorageStats() { return next_.GetStorageStats(); }

}  // namespace strata::meta::cache
