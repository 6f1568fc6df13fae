// PostgresMetaStore: the MetaStore, IdentityStore and AuditStore on a
// PostgreSQL server, for deployments where several Strata nodes share one
// metadata database (or where the database is run and backed up by its own
// team). Talks libpq directly; the schema is the same numbered migrations the
// SQLite store runs. docs/metadata-postgres.md says how to set the database
// up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
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

namespace strata::meta::postgres {

namespace internal {
class Pool;
class Runner;
}  // namespace internal

struct PostgresOptions {
  // Connections in the pool, opened as needed and kept; at most this many
  // statements run at once (callers beyond that wait for one).
  int connections = 8;
  // How long an operation waits for a free connection before failing with
  // kUnavailable.
  int acquire_timeout_ms = 30000;
  // libpq's connect_timeout (seconds) unless the URI sets one. The URI may
  // also override the TCP defaults the store sets (keepalives_idle=30,
  // keepalives_interval=10, keepalives_count=3, tcp_user_timeout=30000) and
  // application_name ("strata"); client_encoding is always UTF8.
  int connect_timeout_s = 5;
  // Attempts per operation when transactions conflict (serialization
  // failures, deadlocks) before giving up with kUnavailable.
  int max_attempts = 20;
  // Reconnects per operation after a lost connection (see the class comment).
  int max_reconnects = 2;
  // The clock DeleteBucket reads for the time it aborts the bucket's uploads
  // at. Null for the system clock. Not owned; must outlive the store.
  const common::Clock* clock = nullptr;
  // Fault injection for tests: called just before each COMMIT is sent.
  std::function<void()> before_commit_for_testing;
};

// Thread-safe: every method may be called from any number of threads, and
// any number of stores (on any number of nodes) may share one database.
//
// Semantics are the SQLite store's (sqlite/sqlite_meta_store.h): the same
// kInvalidArgument validations, corruption handling, DeleteBucket aborting
// the bucket's uploads, FindChunk never moving zero_since_ms backwards. In
// addition, text PostgreSQL cannot store (bucket names, keys, ids or other
// strings that are not UTF-8, or that hold a NUL byte) fails with
// kInvalidArgument; listing markers may be any bytes.
//
// Concurrency: every write runs in one SERIALIZABLE transaction, so a
// conditional PutObject's check and write, and each refcount move, are atomic
// across nodes. Transactions that conflict are rolled back by the server and
// retried here with jittered backoff; a conflict that persists past
// max_attempts fails with kUnavailable. Multi-statement reads (listing pages,
// GetStorageStats) run in one REPEATABLE READ READ ONLY snapshot; single
// reads are single statements. A committed write is visible to every later
// read on any node.
//
// Failures: a lost connection (server restart, failover, network) is reset
// and the operation retried when it cannot have committed, i.e. it was lost
// before COMMIT was sent or the operation only reads; a write whose COMMIT
// went unanswered fails with kUnavailable (it may or may not have been
// applied). While the server is unreachable every method fails with
// kUnavailable; the store recovers by itself when it comes back. Besides the
// codes meta_store.h and identity_store.h name, any method may fail with
// kUnavailable, kCorruption (an unreadable row; data_corrupted) or kInternal.
//
// Durability: a method that returns OK has committed, with the server's
// synchronous_commit setting deciding what that promises.
class PostgresMetaStore final : public MetaStore,
                                public IdentityStore,
                                public AuditStore,
                                public DeploymentStore {
 public:
  // Connects to `conninfo`, a libpq connection URI
  // ("postgres://user:password@host:port/db?sslmode=require&..." with any
  // parameter libpq accepts) or a "key=value ..." conninfo string, checks the
  // database (UTF8 encoding, LC_COLLATE "C": keys list in byte order), and
  // applies pending schema migrations. Fails with kInvalidArgument for a
  // malformed conninfo, bad options or an unsuitable database (the message
  // says how to create one), kUnavailable when the server cannot be reached,
  // and as SqliteMetaStore::Open for a schema that is newer (kInvalidArgument)
  // or diverged (kCorruption).
  static common::Result<std::unique_ptr<PostgresMetaStore>> Open(std::string_view conninfo);
  static common::Result<std::unique_ptr<PostgresMetaStore>> Open(std::string_view conninfo,
                                                                 const PostgresOptions& options);
  // REQUIRES: no call is in progress.
  ~PostgresMetaStore() override;

  // MetaStore.
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
  // Versioning (postgres_meta_store_versioning.cc; the rules are
  // meta/internal/version_rules.h's). Writers of one key on any node each
  // take the key's next seq inside their SERIALIZABLE transaction; when two
  // collide, one is rolled back and retried, so no version is lost or
  // shares a seq.
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

  // IdentityStore (rules in identity_store.h). ListAccessKeys and
  // ListUserGroups of an unknown user give an empty list; ListGroupMembers
  // of an unknown group fails with kNoSuchEntity.
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

  // AuditStore (postgres_meta_store_audit.cc; rules in audit_store.h, and the
  // SQLite store's: text fields must be UTF-8 without NUL, an id already
  // stored is skipped). AppendAudit is one SERIALIZABLE transaction, a few
  // multi-row INSERTs for a large batch; QueryAudit is one statement.
  common::Status AppendAudit(std::span<const AuditRecord> records) override;
  common::Result<std::vector<AuditRecord>> QueryAudit(const AuditQuery& query) override;
  common::Result<uint64_t> DeleteAuditBefore(int64_t before_ms) override;

  // DeploymentStore (postgres_meta_store_deployment.cc; migration 0007).
  common::Result<std::optional<std::string>> GetDeploymentId() override;
  common::Result<std::string> ClaimDeploymentId(std::string_view candidate,
                                                int64_t now_ms) override;

  // Retries since Open, for metrics and tests: transactions run again after
  // a conflict, and connections re-established.
  struct RetryCounts {
    uint64_t conflict_retries = 0;
    uint64_t reconnects = 0;
  };
  RetryCounts retry_counts() const;

 private:
  PostgresMetaStore(std::unique_ptr<internal::Pool> pool, std::unique_ptr<internal::Runner> runner,
                    const common::Clock* clock);
  // `sql` is "UPDATE buckets SET <column> = $2 WHERE name = $1": one write
  // transaction; kNoSuchBucket when no row changed.
  common::Status UpdateBucketColumn(std::string_view sql, std::string_view name,
                                    std::string_view value);

  common::SystemClock system_clock_;
  const common::Clock& clock_;  // PostgresOptions::clock, or system_clock_
  // Thread-safe themselves; runner_ uses pool_.
  std::unique_ptr<internal::Pool> pool_;
  std::unique_ptr<internal::Runner> runner_;
};

// `conninfo` as "postgres://user@host:port/dbname" for logs and status
// pages: the password and every other parameter left out. kInvalidArgument
// when libpq cannot parse it.
common::Result<std::string> DescribeConninfo(std::string_view conninfo);

}  // namespace strata::meta::postgres
