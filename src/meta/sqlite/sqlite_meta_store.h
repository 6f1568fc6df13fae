// SqliteMetaStore: the embedded MetaStore, one SQLite database file in WAL
// mode with synchronous=FULL. The default for single-node deployments.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "common/status.h"
#include "meta/audit_store.h"
#include "meta/deployment_store.h"
#include "meta/identity_store.h"
#include "meta/meta_store.h"
#include "meta/sqlite/internal/group_commit.h"

namespace strata::meta::sqlite {

namespace internal {
class BucketCache;
class Connection;
class ReadPool;
}  // namespace internal

struct SqliteOptions {
  // Most read connections open at once; reads beyond that wait for one.
  int read_connections = 4;
  // How long a statement waits for a lock held by another process before
  // failing with kUnavailable.
  int busy_timeout_ms = 5000;
  // The clock DeleteBucket reads for the time it aborts the bucket's uploads
  // at (when their chunks' GC grace period starts: MetaStore::DeleteBucket
  // takes no now_ms). Null for the system clock. Not owned; must outlive the
  // store.
  const common::Clock* clock = nullptr;
  // How long GetBucket may answer from memory (internal/bucket_cache.h); 0
  // turns the cache off. Writes through this store are seen at once either
  // way; this bounds how long a bucket write by another store on the same
  // file goes unseen. The server opens one store per database file; tests
  // that stand several stores on one file in for nodes sharing a database
  // set 0.
  int bucket_cache_ttl_ms = 1000;
};

// Thread-safe: every method may be called from any number of threads.
//
// Concurrency: writes go through one connection under a mutex, each in a
// BEGIN IMMEDIATE transaction, so they are serialized and a conditional
// PutObject's check and write are atomic. Reads use a small pool of
// query-only connections; in WAL mode each read sees the last committed
// state (read-after-write holds across threads) without waiting for the
// writer's fsync. A ListObjects, ListObjectVersions, ListMultipartUploads or
// ListParts page is read inside one transaction, so it is one consistent
// snapshot.
//
// Durability: a method that returns OK has committed, and the commit is
// fsynced (synchronous=FULL) before it returns. Concurrent PutObjects share
// commits (group commit, internal/group_commit.h): each still returns only
// after the fsync of the commit that holds it, and each is its own savepoint,
// so one put's failure (a condition, a missing bucket) undoes only that put.
//
// GetBucket is answered from memory (internal/bucket_cache.h) for up to a
// second after a read; every bucket write through this store invalidates it
// at once, so only a write by another process can go unseen, for at most
// that second.
//
// It is also the IdentityStore (migration 0004) and the AuditStore (0005), in
// the same database file.
class SqliteMetaStore final : public MetaStore,
                              public IdentityStore,
                              public AuditStore,
                              public DeploymentStore {
 public:
  // Opens the database file at `path`, creating it if missing (its directory
  // must exist), and applies pending schema migrations (each once, in its own
  // transaction). Fails with kInvalidArgument when the file's schema is newer
  // than this build knows, kCorruption when it is not a Strata database with
  // a matching history or not a database at all, kUnavailable when another
  // process holds the lock past busy_timeout_ms, kInternal otherwise.
  static common::Result<std::unique_ptr<SqliteMetaStore>> Open(const std::string& path);
  static common::Result<std::unique_ptr<SqliteMetaStore>> Open(const std::string& path,
                                                               const SqliteOptions& options);
  // REQUIRES: no call is in progress.
  ~SqliteMetaStore() override;

  // MetaStore. Besides the codes meta_store.h names, any method may fail with
  // kUnavailable (lock timeout), kCorruption (unreadable row or file) or
  // kInternal (I/O error).
  //
  // PutObject also returns kInvalidArgument, changing nothing, for metadata
  // that is not valid UTF-8, a size above INT64_MAX, a body that breaks
  // ObjectRecord's rules (both inline_data and a manifest; pieces whose
  // lengths, or inline_data's, do not add up to size; an entry breaking
  // ManifestEntry's rules), part_sizes that are not empty and do not add up
  // to size, a written chunk with a negative shard count or a size above
  // INT64_MAX, or an entry whose K, M or size differ from the written chunk or
  // stored row it names. An entry counts as written when written_chunks holds
  // its (hash, location); a written chunk that no entry names still gets its
  // row (at count 0, so GC removes it after the grace period). Manifest
  // entries that end up naming a stored row carry that row's K, M and size.
  //
  // A stored row whose metadata, manifest or part sizes cannot be decoded
  // fails reads with kCorruption but can still be replaced or deleted; the
  // record returned then has empty metadata (and manifest, and part sizes),
  // and the chunks a lost manifest named keep their counts: they leak rather
  // than risk deleting data in use.
  //
  // DeleteBucket refuses only while objects remain, as AWS does: uploads in
  // progress do not keep a bucket alive. Once no object remains it aborts the
  // bucket's uploads in the same transaction (as AbortMultipartUpload would,
  // at the time SqliteOptions::clock gives), so no upload outlives its bucket
  // and their parts' chunk references are released.
  common::Status CreateBucket(const Bucket& bucket) override;
  common::Result<Bucket> GetBucket(std::string_view name) override;
  common::Result<std::vector<Bucket>> ListBuckets() override;
  common::Status DeleteBucket(std::string_view name) override;
  common::Status SetBucketPolicy(std::string_view name, std::string_view policy) override;
  common::Status SetBucketCors(std::string_view name, std::string_view cors) override;
  common::Status SetBucketTagging(std::string_view name, const MetadataPairs& tagging) override;
  common::Result<ObjectRecord> GetObject(std::string_view bucket, std::string_view key) override;
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
  common::Status SetObjectTags(std::string_view bucket, std::string_view key,
                               const MetadataPairs& tags) override;

  // Multipart uploads. Parts follow PutObject's rules above: PutPart returns
  // kInvalidArgument, changing nothing, for a part_number outside 1..10000,
  // a size above INT64_MAX, manifest lengths that do not add up to size, or
  // the chunk and entry problems listed for PutObject. Its PutResult::replaced
  // is always empty (a part is not an ObjectRecord); a replaced part's
  // references are dropped all the same.
  //
  // CreateMultipartUpload: kInvalidArgument for metadata that is not valid
  // UTF-8 or an upload_id already in use. ListParts and GetParts:
  // kNoSuchUpload when the upload is gone; ListParts also kInvalidArgument
  // for max_parts < 0, and max_parts == 0 gives an empty page that is not
  // truncated. ListMultipartUploads pages as meta/upload_list_walker.h
  // documents (kInvalidArgument for max_uploads < 0).
  // CompleteMultipartUpload: kNoSuchUpload also when object.bucket and
  // object.key are not the upload's, and PutObject's kInvalidArgument rules
  // for the object. ListStaleUploads returns uploads whose metadata cannot be
  // decoded with empty metadata, so GC can still abort them; the other reads
  // fail with kCorruption. A part whose manifest cannot be decoded fails
  // GetParts with kCorruption; replacing, completing or aborting still works,
  // and its chunks' counts leak.
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
  common::Result<PutResult> CompleteMultipartUpload(std::string_view upload_id,
                                                    const ObjectRecord& object,
                                                    const WriteCondition& condition,
                                                    int64_t now_ms) override;
  common::Status AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) override;
  common::Result<std::vector<MultipartUpload>> ListStaleUploads(int64_t initiated_before_ms,
                                                                size_t limit) override;

  // Chunks. FindChunk reads through the pool and takes the write connection
  // only for a chunk at count 0 (to restart its grace period); it never moves
  // zero_since_ms backwards (a clock step back must not shorten the grace
  // period). GetStorageStats reads every row of both tables: an admin and
  // metrics call, not a per-request one.
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

  // Identity (sqlite_meta_store_identity.cc), with the codes identity_store.h
  // names and, like the rest, kUnavailable, kCorruption or kInternal. Each
  // write is one write transaction, so a check and the change it guards
  // (DeleteGroup's member check, SpendRefreshToken's replay check) are atomic
  // and DeleteUser's cascade is all or nothing. Where identity_store.h leaves
  // a case open:
  //   * UpdateUser, SetAccessKeyDisabled, DeleteAccessKey, DeleteUser,
  //     DeleteGroup and DeletePolicy fail with kNoSuchEntity when the row is
  //     not there, and so does ListGroupMembers for an unknown group;
  //   * ListAccessKeys(""), every key, is in creation order (then key id);
  //   * ListAccessKeys, ListAttachedPolicies, EffectivePolicyNames and
  //     RevokeUserRefreshTokens treat an unknown user or group as one that
  //     has nothing: an empty list, or nothing to revoke;
  //   * CreateRefreshToken fails with kEntityAlreadyExists for a hash in use,
  //     and stores spent and revoked as given;
  //   * DeleteExpiredRefreshTokens deletes tokens with expires_ms < now_ms,
  //     spent or not.
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

  // Audit (sqlite_meta_store_audit.cc), with the codes audit_store.h names
  // and, like the rest, kUnavailable, kCorruption or kInternal. AppendAudit
  // is one write transaction; it also refuses (kInvalidArgument) text fields
  // that are not UTF-8 without NUL bytes, as PostgreSQL must, and skips a
  // record whose id is already stored. QueryAudit reads through the pool.
  common::Status AppendAudit(std::span<const AuditRecord> records) override;
  common::Result<std::vector<AuditRecord>> QueryAudit(const AuditQuery& query) override;
  common::Result<uint64_t> DeleteAuditBefore(int64_t before_ms) override;

  // DeploymentStore (sqlite_meta_store_deployment.cc; migration 0007).
  common::Result<std::optional<std::string>> GetDeploymentId() override;
  common::Result<std::string> ClaimDeploymentId(std::string_view candidate,
                                                int64_t now_ms) override;

 private:
  SqliteMetaStore(std::unique_ptr<internal::Connection> writer,
                  std::unique_ptr<internal::ReadPool> readers, const common::Clock* clock,
                  std::chrono::milliseconds bucket_cache_ttl);

  // One PutObject waiting for its group commit (PutObject, CommitPuts).
  struct PendingPut;
  // Writes a batch of puts in one transaction, each in its own savepoint
  // (a failed condition undoes only that put), then commits once.
  void CommitPuts(std::span<PendingPut* const> batch);

  common::SystemClock system_clock_;
  const common::Clock& clock_;  // SqliteOptions::clock, or system_clock_

  std::mutex write_mu_;
  // The only connection that writes. GUARDED_BY(write_mu_)
  std::unique_ptr<internal::Connection> writer_;
  // Thread-safe itself.
  std::unique_ptr<internal::ReadPool> readers_;
  // Concurrent PutObjects share one commit (one WAL fsync).
  std::unique_ptr<internal::GroupCommit<PendingPut>> put_commits_;
  // GetBucket's answers; every bucket write invalidates its entry.
  std::unique_ptr<internal::BucketCache> buckets_;
};

}  // namespace strata::meta::sqlite
