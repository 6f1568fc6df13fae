// CachedMetaStore: Redis (hiredis) in front of a MetaStore + IdentityStore
// (ARCHITECTURE.md, "Metadata"): a decorator that serves hot reads from Redis
// — bucket configuration (GetBucket), object heads (GetObject), and the
// per-request identity reads (GetAccessKey, GetUser, EffectivePolicyNames,
// GetPolicy) — and passes everything else through.
//
// Rules:
//   * Never wrong: every write through any node invalidates what it changed
//     before it returns, and a fill can never store a value older than an
//     invalidation that happened while the value was being read (versioned
//     fills), so read-after-write and list-after-write hold across nodes
//     sharing one Redis.
//   * Never unavailable: Redis down, slow (over `timeout_ms`) or answering
//     garbage means reads go to the store, slower but correct. Writes whose
//     invalidation could not reach Redis make the cache unusable until it is
//     reset (e.g. an epoch bump) after Redis is back, so no stale entry
//     survives an outage. Reconnects by itself, with backoff.
//   * Bounded: entries carry a TTL; values larger than `max_value_bytes`
//     (big inline bodies, huge manifests) are not cached.
//
// Thread-safe.
//
// ---------------------------------------------------------------------------
// How it works (internal/cache_protocol.h has the exact keys and scripts)
//
// One tier. The shared Redis is the only cache: there is no in-process copy,
// so an invalidation is visible to every node the moment Redis applies it and
// no pub/sub is needed. (A node-local tier would need pub/sub invalidation and
// its own versioning; not done.) Every cached read is one round trip running
// one Lua script; a miss adds the store read and one more round trip to fill.
//
// What is cached, found or not found:
//   GetBucket(name)          Bucket incl. policy, CORS and tags, or kNoSuchBucket
//   GetObject(bucket, key)   the whole ObjectRecord (manifest, inline body),
//                            or kNoSuchKey (never kNoSuchBucket: see below)
//   GetAccessKey, GetUser    the row, or kNoSuchEntity
//   EffectivePolicyNames     the names (empty for an unknown user)
//   GetPolicy                the policy, or kNoSuchEntity
// Other errors (kUnavailable, ...) are returned and never cached. A "not
// found" is invalidated exactly like a value: the write that creates the
// thing invalidates the same entry. A cached kNoSuchKey is only served while
// the object's bucket is cached as existing (checked in the same script), so
// deleting the bucket (which invalidates the bucket entry) makes GetObject
// answer kNoSuchBucket again, and re-creating it cannot resurrect stale
// answers (a new bucket is empty).
//
// Leases (versioned fills). A reader that misses gets a lease in the entry's
// slot: a unique token, stored by the same script that found the miss. It
// reads the store, then fills with a script that writes the value only if its
// lease is still there. Every invalidation deletes the slot (so the lease), so
// a reader that read the store before a write's invalidation can never store
// what it read after it. A second reader that finds someone's lease reads the
// store and does not fill (no thundering herd of fills). Leases expire
// (kLeaseMs) so a reader that dies does not block fills for long; expiry
// never matters for correctness, nor does eviction of any entry or lease.
//
// Writes: Begin, store write, End. Each write first runs Begin: the entry's
// write marker +1 (with a TTL) and the slot deleted. Then the store write.
// Then End, whether the write succeeded or not (a failed write may have
// committed, e.g. a lost commit acknowledgement): marker -1 and the slot
// deleted again. End completes before the write returns. While a marker is
// up, reads of that entry go to the store and grant no lease, so during a
// write no node can serve or fill the old value after any node has read the
// new one (the marker closes the window between the commit and End). Which
// writes invalidate what:
//   CreateBucket, DeleteBucket, SetBucketPolicy,
//   SetBucketCors, SetBucketTagging,
//   SetBucketVersioning                                the bucket
//   PutObject, DeleteLatest, DeleteVersion,
//   CompleteMultipartUpload, SetObjectTags,
//   SetObjectVersionTags                               that object's head
//   every user, access key, group, membership, policy and attachment write
//                                                      all identity entries
// Identity uses one coarse generation: each identity write's Begin and End
// increment it, identity entries and leases carry the generation they were
// made in, and an entry from another generation is dead. That makes
// DeleteUser (keys, memberships), group membership and attachment changes
// (EffectivePolicyNames of possibly many users) trivially right, at the cost
// of refilling identity entries after any identity write (rare next to
// reads). Refresh-token writes change nothing cached and bump nothing.
//
// Epoch. Every slot's content carries the epoch it was made in, and every
// script reads the current epoch (P epoch) in the same atomic step, so
// incrementing it retires every entry and lease at once, for all nodes. A
// node bumps it (INCR) before using Redis when:
//   * an End (or its Begin and End) could not reach Redis: the node is
//     "dirty" and reads nothing from Redis until a bump, made after the
//     failed End, has succeeded;
//   * Redis's run_id changed (restart, failover: it could hold entries from
//     a snapshot older than invalidations the old server saw);
//   * it is the node's first connection: a predecessor process may have died
//     between a commit and its End with Redis unreachable, and nobody else
//     knows. (So starting a node resets the shared cache; it refills on use.)
//
// Failures. Every round trip is bounded by timeout_ms (connect, send, reply).
// A failed or timed-out round trip counts in stats().errors, the call falls
// back to the store, and the connection is dropped; a connection-level
// failure marks Redis down: calls then skip Redis without waiting while a
// background thread reconnects (backoff 20 ms doubling to 500 ms), bumping
// the epoch when the rules above say so. A Redis that accepts connections but
// never answers therefore costs one call about timeout_ms, and nothing after
// that until it answers again. Writes never fail because of Redis.
//
// The one window left: when Redis is unreachable from a writing node for both
// its Begin and End, but reachable from another node (a partition, or the
// other node's connection surviving a pause), the other node can serve the
// old value until the writer reconnects and bumps the epoch (within about
// 500 ms of Redis becoming reachable to it again; at worst the entry's TTL).
// Closing it would mean blocking writes until Redis answers, which the
// availability rule forbids. When only End fails, Begin's marker keeps the
// entry uncached everywhere for kWriteMarkerMs, so no node serves it stale.
//
// Redis requirements: a single Redis (or a primary) shared by all nodes;
// no persistence needed (a restart just empties the cache). Keys without a
// TTL (epoch, identity generation) must never be evicted: use
// maxmemory-policy noeviction or volatile-* (allkeys-* can drop the epoch and
// resurrect old entries). Every other key has a TTL. Not Redis Cluster (the
// scripts touch the epoch key and an entry's keys together).
//
// Values are encoded in a compact binary format (internal/value_codec.h,
// binary-safe for inline bodies), tagged with a format version.
// ---------------------------------------------------------------------------
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "meta/identity_store.h"
#include "meta/meta_store.h"

namespace strata::meta::cache {

namespace internal {
class Keys;
class RedisClient;
struct Entry;
struct Target;
}  // namespace internal

struct CacheOptions {
  int64_t ttl_ms = 5 * 60 * 1000;
  int timeout_ms = 50;  // per Redis round trip; beyond it the store answers
  size_t max_value_bytes = 256 * 1024;
  int connections = 4;  // pooled Redis connections
  std::string key_prefix = "strata:";
};

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t errors = 0;  // Redis round trips that failed or timed out
  uint64_t invalidations = 0;
  bool connected = false;
};

class CachedMetaStore final : public MetaStore, public IdentityStore {
 public:
  // Use OpenCachedMetaStore. Stops the background reconnector.
  // REQUIRES: no call in progress.
  ~CachedMetaStore() override;
  CachedMetaStore(const CachedMetaStore&) = delete;
  CachedMetaStore& operator=(const CachedMetaStore&) = delete;

  // Counters since Open. hits: cached reads answered from Redis; misses:
  // cached reads answered by the store (a miss, a write in progress, Redis
  // unusable); errors: failed or timed-out Redis round trips; invalidations:
  // Ends that reached Redis. connected: Redis is reachable and the cache
  // clean (usable). A snapshot; thread-safe.
  CacheStats stats() const;

  // Test-only sync points (STYLE.md rule 9): `callback` is called with
  // "BeforeFill" after a missing read has read the store and before it fills,
  // and with "BeforeInvalidationEnd" after a write's store call and before its
  // End. Called without locks held, on the calling thread.
  // REQUIRES: no call in progress.
  void SetSyncPointForTesting(std::function<void(std::string_view point)> callback);

  // --- MetaStore. Codes as the decorated store returns them. ---

  // Invalidate the bucket.
  common::Status CreateBucket(const Bucket& bucket) override;
  // Cached, including kNoSuchBucket.
  common::Result<Bucket> GetBucket(std::string_view name) override;
  common::Result<std::vector<Bucket>> ListBuckets() override;
  // Invalidate the bucket.
  common::Status DeleteBucket(std::string_view name) override;
  common::Status SetBucketPolicy(std::string_view name, std::string_view policy) override;
  common::Status SetBucketCors(std::string_view name, std::string_view cors) override;
  common::Status SetBucketTagging(std::string_view name, const MetadataPairs& tagging) override;

  // Cached, including kNoSuchKey (see "What is cached").
  common::Result<ObjectRecord> GetObject(std::string_view bucket, std::string_view key) override;
  // Invalidate the object's head.
  common::Result<PutResult> PutObject(const ObjectRecord& object, const WriteCondition& condition,
                                      const std::vector<ChunkInfo>& written_chunks,
                                      int64_t now_ms) override;
  common::Status SetBucketVersioning(std::string_view name, Versioning versioning) override;
  common::Result<DeleteResult> DeleteLatest(std::string_view bucket, std::string_view key,
                                            std::string_view marker_version_id,
                                            int64_t now_ms) override;
  common::Result<DeleteResult> DeleteVersion(std::string_view bucket, std::string_view key,
                                             std::string_view version_id, int64_t now_ms) override;
  common::Result<ObjectRecord> GetObjectVersion(std::string_view bucket, std::string_view key,
                                                std::string_view version_id) override;
  common::Result<ListVersionsPage> ListObjectVersions(std::string_view bucket,
                                                      const ListVersionsQuery& query) override;
  common::Status SetObjectVersionTags(std::string_view bucket, std::string_view key,
                                      std::string_view version_id,
                                      const MetadataPairs& tags) override;
  common::Result<ListPage> ListObjects(std::string_view bucket, const ListQuery& query) override;
  // Invalidates the object's head.
  common::Status SetObjectTags(std::string_view bucket, std::string_view key,
                               const MetadataPairs& tags) override;

  common::Status CreateMultipartUpload(const MultipartUpload& upload) override;
  common::Result<MultipartUpload> GetMultipartUpload(std::string_view bucket, std::string_view key,
                                                     std::string_view upload_id) override;
  common::Result<PutResult> PutPart(const PartRecord& part,
                                    const std::vector<ChunkInfo>& written_chunks,
                                    int64_t now_ms) override;
  common::Result<ListPartsPage> ListParts(std::string_view upload_id, int part_number_marker,
                                          int max_parts) override;
  common::Result<std::vector<PartRecord>> GetParts(std::string_view upload_id) override;
  common::Result<ListUploadsPage> ListMultipartUploads(std::string_view bucket,
                                                       const ListUploadsQuery& query) override;
  // Invalidates object.bucket/object.key's head (where the store writes it).
  common::Result<PutResult> CompleteMultipartUpload(std::string_view upload_id,
                                                    const ObjectRecord& object,
                                                    const WriteCondition& condition,
                                                    int64_t now_ms) override;
  common::Status AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) override;
  common::Result<std::vector<MultipartUpload>> ListStaleUploads(int64_t initiated_before_ms,
                                                                size_t limit) override;

  common::Result<std::optional<ChunkInfo>> FindChunk(std::string_view hash,
                                                     int64_t now_ms) override;
  common::Result<std::vector<ChunkInfo>> ListUnreferencedChunks(int64_t zero_before_ms,
                                                                size_t limit) override;
  common::Result<bool> DeleteUnreferencedChunk(const ChunkInfo& chunk,
                                               int64_t zero_before_ms) override;
  common::Result<bool> ChunkLocationExists(std::string_view location) override;
  common::Result<std::vector<ChunkInfo>> ListChunks(std::string_view after_hash,
                                                    size_t limit) override;
  common::Result<StorageStats> GetStorageStats() override;

  // --- IdentityStore. Cached: GetUser, GetAccessKey, GetPolicy (each
  // including kNoSuchEntity) and EffectivePolicyNames. Every user, key,
  // group, membership, policy and attachment write invalidates all identity
  // entries; refresh-token calls and the other reads pass through. ---

  common::Status CreateUser(const User& user) override;
  common::Result<User> GetUser(std::string_view user_id) override;
  common::Result<User> GetUserByName(std::string_view name) override;
  common::Result<std::vector<User>> ListUsers() override;
  common::Status UpdateUser(const User& user) override;
  common::Status DeleteUser(std::string_view user_id) override;

  common::Status CreateAccessKey(const AccessKey& key) override;
  common::Result<AccessKey> GetAccessKey(std::string_view access_key) override;
  common::Result<std::vector<AccessKey>> ListAccessKeys(std::string_view user_id) override;
  common::Status SetAccessKeyDisabled(std::string_view access_key, bool disabled) override;
  common::Status DeleteAccessKey(std::string_view access_key) override;

  common::Status CreateGroup(const Group& group) override;
  common::Result<Group> GetGroup(std::string_view name) override;
  common::Result<std::vector<Group>> ListGroups() override;
  common::Status DeleteGroup(std::string_view name) override;
  common::Status AddGroupMember(std::string_view group, std::string_view user_id) override;
  common::Status RemoveGroupMember(std::string_view group, std::string_view user_id) override;
  common::Result<std::vector<std::string>> ListGroupMembers(std::string_view group) override;
  common::Result<std::vector<std::string>> ListUserGroups(std::string_view user_id) override;

  common::Status PutPolicy(const StoredPolicy& policy) override;
  common::Result<StoredPolicy> GetPolicy(std::string_view name) override;
  common::Result<std::vector<StoredPolicy>> ListPolicies() override;
  common::Status DeletePolicy(std::string_view name) override;
  common::Status AttachPolicy(const PolicyAttachment& attachment) override;
  common::Status DetachPolicy(const PolicyAttachment& attachment) override;
  common::Result<std::vector<std::string>> ListAttachedPolicies(
      PrincipalKind kind, std::string_view principal) override;
  common::Result<std::vector<PolicyAttachment>> ListPolicyAttachments(
      std::string_view policy) override;
  common::Result<std::vector<std::string>> EffectivePolicyNames(std::string_view user_id) override;

  common::Status CreateRefreshToken(const RefreshToken& token) override;
  common::Result<RefreshToken> SpendRefreshToken(std::string_view token_hash,
                                                 int64_t now_ms) override;
  common::Status RevokeRefreshFamily(std::string_view family_id) override;
  common::Status RevokeUserRefreshTokens(std::string_view user_id) override;
  common::Result<uint64_t> DeleteExpiredRefreshTokens(int64_t now_ms) override;

 private:
  friend common::Result<std::unique_ptr<CachedMetaStore>> OpenCachedMetaStore(
      MetaStore& next, IdentityStore& next_identity, std::string_view url,
      const CacheOptions& options);

  CachedMetaStore(MetaStore& next, IdentityStore& next_identity, const CacheOptions& options,
                  std::unique_ptr<internal::RedisClient> client);

  // The cached read: a hit decodes the entry; otherwise `load` reads the
  // store, and a lease-holding reader fills with the answer (a value, or
  // `not_found`'s status) unless it is another error or too large.
  // Instantiated in cached_meta_store.cc for each cached type.
  template <class T>
  common::Result<T> ReadThrough(const internal::Entry& entry, common::Code not_found,
                                std::string (*encode)(const T&),
                                common::Result<T> (*decode)(std::string_view),
                                const std::function<common::Result<T>()>& load);

  // Begin, `write()`, End (see "Writes"); returns what write() returns.
  template <class Write>
  auto Invalidating(const internal::Target& target, Write&& write) {
    const bool begun = Begin(target);
    auto result = write();
    SyncPoint("BeforeInvalidationEnd");
    End(target, begun);
    return result;
  }
  // Whether Begin reached Redis.
  bool Begin(const internal::Target& target);
  // Marks the client dirty when End could not reach Redis.
  void End(const internal::Target& target, bool begun);

  std::string NewToken();
  void SyncPoint(std::string_view point) const;

  MetaStore& next_;
  IdentityStore& identity_;
  const CacheOptions options_;
  const std::unique_ptr<internal::Keys> keys_;
  const std::unique_ptr<internal::RedisClient> client_;
  const std::string node_id_;  // random: makes lease tokens unique across nodes
  std::atomic<uint64_t> next_token_{0};
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> invalidations_{0};
  std::atomic<uint64_t> errors_{0};                   // undecodable entries, unexpected replies
  std::function<void(std::string_view)> sync_point_;  // set before use (tests only)
};

// `next` and `next_identity` (usually one object) must outlive the cache.
// `url`: redis://[[user]:password@]host[:port][/db] (a lone word before '@'
// is the password). kInvalidArgument for a bad URL or options (ttl_ms,
// timeout_ms or connections below 1); an unreachable Redis is NOT an error
// (the cache starts disconnected and keeps trying). Makes one connection
// attempt before returning (connect, INFO, the epoch bump: a few timeout_ms
// at most when Redis does not answer).
common::Result<std::unique_ptr<CachedMetaStore>> OpenCachedMetaStore(
    MetaStore& next, IdentityStore& next_identity, std::string_view url,
    const CacheOptions& options = {});

}  // namespace strata::meta::cache
