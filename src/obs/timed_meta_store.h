// TimedMetaStore: a MetaStore decorator (STYLE.md rule 3) that forwards every
// call to `next` unchanged and records how long it took in
// strata_meta_operation_duration_seconds{operation="<method name>"}.
// Failed calls are timed too: a slow failure is as interesting as a slow
// success.
//
// This is the only part of obs that names the meta interface; it lives in
// its own target (strata_obs_meta) so strata_obs itself depends on common
// only.
#pragma once

#include "meta/identity_store.h"
#include "meta/meta_store.h"
#include "obs/metrics.h"

namespace strata::obs {

// Thread-safe exactly when `next` is (Metrics is). next and metrics must
// outlive this object.
class TimedMetaStore : public meta::MetaStore, public meta::IdentityStore {
 public:
  // `identity` is usually the same object as `next` (every MetaStore
  // implementation is also the IdentityStore of its database).
  TimedMetaStore(meta::MetaStore& next, meta::IdentityStore& identity, Metrics& metrics)
      : next_(next), identity_(identity), metrics_(metrics) {}

  common::Status CreateBucket(const meta::Bucket& bucket) override;
  common::Result<meta::Bucket> GetBucket(std::string_view name) override;
  common::Result<std::vector<meta::Bucket>> ListBuckets() override;
  common::Status DeleteBucket(std::string_view name) override;
  common::Status SetBucketPolicy(std::string_view name, std::string_view policy) override;
  common::Status SetBucketCors(std::string_view name, std::string_view cors) override;
  common::Status SetBucketTagging(std::string_view name,
                                  const meta::MetadataPairs& tagging) override;

  common::Result<meta::ObjectRecord> GetObject(std::string_view bucket,
                                               std::string_view key) override;
  common::Result<PutResult> PutObject(const meta::ObjectRecord& object,
                                      const meta::WriteCondition& condition,
                                      const std::vector<meta::ChunkInfo>& written_chunks,
                                      int64_t now_ms) override;
  common::Status SetBucketVersioning(std::string_view name, meta::Versioning versioning) override;
  common::Result<meta::MetaStore::DeleteResult> DeleteLatest(std::string_view bucket,
                                                             std::string_view key,
                                                             std::string_view marker_version_id,
                                                             int64_t now_ms) override;
  common::Result<meta::MetaStore::DeleteResult> DeleteVersion(std::string_view bucket,
                                                              std::string_view key,
                                                              std::string_view version_id,
                                                              int64_t now_ms) override;
  common::Result<meta::ObjectRecord> GetObjectVersion(std::string_view bucket, std::string_view key,
                                                      std::string_view version_id) override;
  common::Result<meta::ListVersionsPage> ListObjectVersions(
      std::string_view bucket, const meta::ListVersionsQuery& query) override;
  common::Status SetObjectVersionTags(std::string_view bucket, std::string_view key,
                                      std::string_view version_id,
                                      const meta::MetadataPairs& tags) override;
  common::Result<meta::ListPage> ListObjects(std::string_view bucket,
                                             const meta::ListQuery& query) override;
  common::Status SetObjectTags(std::string_view bucket, std::string_view key,
                               const meta::MetadataPairs& tags) override;

  common::Status CreateMultipartUpload(const meta::MultipartUpload& upload) override;
  common::Result<meta::MultipartUpload> GetMultipartUpload(std::string_view bucket,
                                                           std::string_view key,
                                                           std::string_view upload_id) override;
  common::Result<PutResult> PutPart(const meta::PartRecord& part,
                                    const std::vector<meta::ChunkInfo>& written_chunks,
                                    int64_t now_ms) override;
  common::Result<meta::ListPartsPage> ListParts(std::string_view upload_id, int part_number_marker,
                                                int max_parts) override;
  common::Result<std::vector<meta::PartRecord>> GetParts(std::string_view upload_id) override;
  common::Result<meta::ListUploadsPage> ListMultipartUploads(
      std::string_view bucket, const meta::ListUploadsQuery& query) override;
  common::Result<PutResult> CompleteMultipartUpload(std::string_view upload_id,
                                                    const meta::ObjectRecord& object,
                                                    const meta::WriteCondition& condition,
                                                    int64_t now_ms) override;
  common::Status AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) override;
  common::Result<std::vector<meta::MultipartUpload>> ListStaleUploads(int64_t initiated_before_ms,
                                                                      size_t limit) override;

  common::Result<std::optional<meta::ChunkInfo>> FindChunk(std::string_view hash,
                                                           int64_t now_ms) override;
  common::Result<std::vector<meta::ChunkInfo>> ListUnreferencedChunks(int64_t zero_before_ms,
                                                                      size_t limit) override;
  common::Result<bool> DeleteUnreferencedChunk(const meta::ChunkInfo& chunk,
                                               int64_t zero_before_ms) override;
  common::Result<bool> ChunkLocationExists(std::string_view location) override;
  common::Result<std::vector<meta::ChunkInfo>> ListChunks(std::string_view after_hash,
                                                          size_t limit) override;
  common::Result<meta::StorageStats> GetStorageStats() override;

  // IdentityStore.
  common::Status CreateUser(const meta::User& user) override;
  common::Result<meta::User> GetUser(std::string_view user_id) override;
  common::Result<meta::User> GetUserByName(std::string_view name) override;
  common::Result<std::vector<meta::User>> ListUsers() override;
  common::Status UpdateUser(const meta::User& user) override;
  common::Status DeleteUser(std::string_view user_id) override;
  common::Status CreateAccessKey(const meta::AccessKey& key) override;
  common::Result<meta::AccessKey> GetAccessKey(std::string_view access_key) override;
  common::Result<std::vector<meta::AccessKey>> ListAccessKeys(std::string_view user_id) override;
  common::Status SetAccessKeyDisabled(std::string_view access_key, bool disabled) override;
  common::Status DeleteAccessKey(std::string_view access_key) override;
  common::Status CreateGroup(const meta::Group& group) override;
  common::Result<meta::Group> GetGroup(std::string_view name) override;
  common::Result<std::vector<meta::Group>> ListGroups() override;
  common::Status DeleteGroup(std::string_view name) override;
  common::Status AddGroupMember(std::string_view group, std::string_view user_id) override;
  common::Status RemoveGroupMember(std::string_view group, std::string_view user_id) override;
  common::Result<std::vector<std::string>> ListGroupMembers(std::string_view group) override;
  common::Result<std::vector<std::string>> ListUserGroups(std::string_view user_id) override;
  common::Status PutPolicy(const meta::StoredPolicy& policy) override;
  common::Result<meta::StoredPolicy> GetPolicy(std::string_view name) override;
  common::Result<std::vector<meta::StoredPolicy>> ListPolicies() override;
  common::Status DeletePolicy(std::string_view name) override;
  common::Status AttachPolicy(const meta::PolicyAttachment& attachment) override;
  common::Status DetachPolicy(const meta::PolicyAttachment& attachment) override;
  common::Result<std::vector<std::string>> ListAttachedPolicies(
      meta::PrincipalKind kind, std::string_view principal) override;
  common::Result<std::vector<meta::PolicyAttachment>> ListPolicyAttachments(
      std::string_view policy) override;
  common::Result<std::vector<std::string>> EffectivePolicyNames(std::string_view user_id) override;
  common::Status CreateRefreshToken(const meta::RefreshToken& token) override;
  common::Result<meta::RefreshToken> SpendRefreshToken(std::string_view token_hash,
                                                       int64_t now_ms) override;
  common::Status RevokeRefreshFamily(std::string_view family_id) override;
  common::Status RevokeUserRefreshTokens(std::string_view user_id) override;
  common::Result<uint64_t> DeleteExpiredRefreshTokens(int64_t now_ms) override;

 private:
  // Calls fn() and records its duration under `operation`.
  template <class Fn>
  auto Timed(std::string_view operation, Fn&& fn);

  meta::MetaStore& next_;
  meta::IdentityStore& identity_;
  Metrics& metrics_;
};

}  // namespace strata::obs
