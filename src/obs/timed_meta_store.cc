#include "obs/timed_meta_store.h"

#include <chrono>

namespace strata::obs {

template <class Fn>
auto TimedMetaStore::Timed(std::string_view operation, Fn&& fn) {
  const auto started = std::chrono::steady_clock::now();
  auto result = fn();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  metrics_.ObserveMetaOperation(operation, took.count());
  return result;
}

common::Status TimedMetaStore::CreateBucket(const meta::Bucket& bucket) {
  return Timed("CreateBucket", [&] { return next_.CreateBucket(bucket); });
}

common::Result<meta::Bucket> TimedMetaStore::GetBucket(std::string_view name) {
  return Timed("GetBucket", [&] { return next_.GetBucket(name); });
}

common::Result<std::vector<meta::Bucket>> TimedMetaStore::ListBuckets() {
  return Timed("ListBuckets", [&] { return next_.ListBuckets(); });
}

common::Status TimedMetaStore::DeleteBucket(std::string_view name) {
  return Timed("DeleteBucket", [&] { return next_.DeleteBucket(name); });
}

common::Status TimedMetaStore::SetBucketPolicy(std::string_view name, std::string_view policy) {
  return Timed("SetBucketPolicy", [&] { return next_.SetBucketPolicy(name, policy); });
}

common::Status TimedMetaStore::SetBucketCors(std::string_view name, std::string_view cors) {
  return Timed("SetBucketCors", [&] { return next_.SetBucketCors(name, cors); });
}

common::Status TimedMetaStore::SetBucketTagging(std::string_view name,
                                                const meta::MetadataPairs& tagging) {
  return Timed("SetBucketTagging", [&] { return next_.SetBucketTagging(name, tagging); });
}

common::Result<meta::ObjectRecord> TimedMetaStore::GetObject(std::string_view bucket,
                                                             std::string_view key) {
  return Timed("GetObject", [&] { return next_.GetObject(bucket, key); });
}

common::Result<meta::MetaStore::PutResult> TimedMetaStore::PutObject(
    const meta::ObjectRecord& object, const meta::WriteCondition& condition,
    const std::vector<meta::ChunkInfo>& written_chunks, int64_t now_ms) {
  return Timed("PutObject",
               [&] { return next_.PutObject(object, condition, written_chunks, now_ms); });
}

common::Status TimedMetaStore::SetBucketVersioning(std::string_view name,
                                                   meta::Versioning versioning) {
  return Timed("SetBucketVersioning", [&] { return next_.SetBucketVersioning(name, versioning); });
}

common::Result<meta::MetaStore::DeleteResult> TimedMetaStore::DeleteLatest(
    std::string_view bucket, std::string_view key, std::string_view marker_version_id,
    int64_t now_ms) {
  return Timed("DeleteLatest",
               [&] { return next_.DeleteLatest(bucket, key, marker_version_id, now_ms); });
}

common::Result<meta::MetaStore::DeleteResult> TimedMetaStore::DeleteVersion(
    std::string_view bucket, std::string_view key, std::string_view version_id, int64_t now_ms) {
  return Timed("DeleteVersion",
               [&] { return next_.DeleteVersion(bucket, key, version_id, now_ms); });
}

common::Result<meta::ObjectRecord> TimedMetaStore::GetObjectVersion(std::string_view bucket,
                                                                    std::string_view key,
                                                                    std::string_view version_id) {
  return Timed("GetObjectVersion", [&] { return next_.GetObjectVersion(bucket, key, version_id); });
}

common::Result<meta::ListVersionsPage> TimedMetaStore::ListObjectVersions(
    std::string_view bucket, const meta::ListVersionsQuery& query) {
  return Timed("ListObjectVersions", [&] { return next_.ListObjectVersions(bucket, query); });
}

common::Status TimedMetaStore::SetObjectVersionTags(std::string_view bucket, std::string_view key,
                                                    std::string_view version_id,
                                                    const meta::MetadataPairs& tags) {
  return Timed("SetObjectVersionTags",
               [&] { return next_.SetObjectVersionTags(bucket, key, version_id, tags); });
}

common::Result<meta::ListPage> TimedMetaStore::ListObjects(std::string_view bucket,
                                                           const meta::ListQuery& query) {
  return Timed("ListObjects", [&] { return next_.ListObjects(bucket, query); });
}

common::Status TimedMetaStore::SetObjectTags(std::string_view bucket, std::string_view key,
                                             const meta::MetadataPairs& tags) {
  return Timed("SetObjectTags", [&] { return next_.SetObjectTags(bucket, key, tags); });
}

common::Status TimedMetaStore::CreateMultipartUpload(const meta::MultipartUpload& upload) {
  return Timed("CreateMultipartUpload", [&] { return next_.CreateMultipartUpload(upload); });
}

common::Result<meta::MultipartUpload> TimedMetaStore::GetMultipartUpload(
    std::string_view bucket, std::string_view key, std::string_view upload_id) {
  return Timed("GetMultipartUpload",
               [&] { return next_.GetMultipartUpload(bucket, key, upload_id); });
}

common::Result<meta::MetaStore::PutResult> TimedMetaStore::PutPart(
    const meta::PartRecord& part, const std::vector<meta::ChunkInfo>& written_chunks,
    int64_t now_ms) {
  return Timed("PutPart", [&] { return next_.PutPart(part, written_chunks, now_ms); });
}

common::Result<meta::ListPartsPage> TimedMetaStore::ListParts(std::string_view upload_id,
                                                              int part_number_marker,
                                                              int max_parts) {
  return Timed("ListParts",
               [&] { return next_.ListParts(upload_id, part_number_marker, max_parts); });
}

common::Result<std::vector<meta::PartRecord>> TimedMetaStore::GetParts(std::string_view upload_id) {
  return Timed("GetParts", [&] { return next_.GetParts(upload_id); });
}

common::Result<meta::ListUploadsPage> TimedMetaStore::ListMultipartUploads(
    std::string_view bucket, const meta::ListUploadsQuery& query) {
  return Timed("ListMultipartUploads", [&] { return next_.ListMultipartUploads(bucket, query); });
}

common::Result<meta::MetaStore::PutResult> TimedMetaStore::CompleteMultipartUpload(
    std::string_view upload_id, const meta::ObjectRecord& object,
    const meta::WriteCondition& condition, int64_t now_ms) {
  return Timed("CompleteMultipartUpload",
               [&] { return next_.CompleteMultipartUpload(upload_id, object, condition, now_ms); });
}

common::Status TimedMetaStore::AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) {
  return Timed("AbortMultipartUpload",
               [&] { return next_.AbortMultipartUpload(upload_id, now_ms); });
}

common::Result<std::vector<meta::MultipartUpload>> TimedMetaStore::ListStaleUploads(
    int64_t initiated_before_ms, size_t limit) {
  return Timed("ListStaleUploads",
               [&] { return next_.ListStaleUploads(initiated_before_ms, limit); });
}

common::Result<std::optional<meta::ChunkInfo>> TimedMetaStore::FindChunk(std::string_view hash,
                                                                         int64_t now_ms) {
  return Timed("FindChunk", [&] { return next_.FindChunk(hash, now_ms); });
}

common::Result<std::vector<meta::ChunkInfo>> TimedMetaStore::ListUnreferencedChunks(
    int64_t zero_before_ms, size_t limit) {
  return Timed("ListUnreferencedChunks",
               [&] { return next_.ListUnreferencedChunks(zero_before_ms, limit); });
}

common::Result<bool> TimedMetaStore::DeleteUnreferencedChunk(const meta::ChunkInfo& chunk,
                                                             int64_t zero_before_ms) {
  return Timed("DeleteUnreferencedChunk",
               [&] { return next_.DeleteUnreferencedChunk(chunk, zero_before_ms); });
}

common::Result<bool> TimedMetaStore::ChunkLocationExists(std::string_view location) {
  return Timed("ChunkLocationExists", [&] { return next_.ChunkLocationExists(location); });
}

common::Result<std::vector<meta::ChunkInfo>> TimedMetaStore::ListChunks(std::string_view after_hash,
                                                                        size_t limit) {
  return Timed("ListChunks", [&] { return next_.ListChunks(after_hash, limit); });
}

common::Result<meta::StorageStats> TimedMetaStore::GetStorageStats() {
  return Timed("GetStorageStats", [&] { return next_.GetStorageStats(); });
}

// --- IdentityStore ---

common::Status TimedMetaStore::CreateUser(const meta::User& user) {
  return Timed("CreateUser", [&] { return identity_.CreateUser(user); });
}

common::Result<meta::User> TimedMetaStore::GetUser(std::string_view user_id) {
  return Timed("GetUser", [&] { return identity_.GetUser(user_id); });
}

common::Result<meta::User> TimedMetaStore::GetUserByName(std::string_view name) {
  return Timed("GetUserByName", [&] { return identity_.GetUserByName(name); });
}

common::Result<std::vector<meta::User>> TimedMetaStore::ListUsers() {
  return Timed("ListUsers", [&] { return identity_.ListUsers(); });
}

common::Status TimedMetaStore::UpdateUser(const meta::User& user) {
  return Timed("UpdateUser", [&] { return identity_.UpdateUser(user); });
}

common::Status TimedMetaStore::DeleteUser(std::string_view user_id) {
  return Timed("DeleteUser", [&] { return identity_.DeleteUser(user_id); });
}

common::Status TimedMetaStore::CreateAccessKey(const meta::AccessKey& key) {
  return Timed("CreateAccessKey", [&] { return identity_.CreateAccessKey(key); });
}

common::Result<meta::AccessKey> TimedMetaStore::GetAccessKey(std::string_view access_key) {
  return Timed("GetAccessKey", [&] { return identity_.GetAccessKey(access_key); });
}

common::Result<std::vector<meta::AccessKey>> TimedMetaStore::ListAccessKeys(
    std::string_view user_id) {
  return Timed("ListAccessKeys", [&] { return identity_.ListAccessKeys(user_id); });
}

common::Status TimedMetaStore::SetAccessKeyDisabled(std::string_view access_key, bool disabled) {
  return Timed("SetAccessKeyDisabled",
               [&] { return identity_.SetAccessKeyDisabled(access_key, disabled); });
}

common::Status TimedMetaStore::DeleteAccessKey(std::string_view access_key) {
  return Timed("DeleteAccessKey", [&] { return identity_.DeleteAccessKey(access_key); });
}

common::Status TimedMetaStore::CreateGroup(const meta::Group& group) {
  return Timed("CreateGroup", [&] { return identity_.CreateGroup(group); });
}

common::Result<meta::Group> TimedMetaStore::GetGroup(std::string_view name) {
  return Timed("GetGroup", [&] { return identity_.GetGroup(name); });
}

common::Result<std::vector<meta::Group>> TimedMetaStore::ListGroups() {
  return Timed("ListGroups", [&] { return identity_.ListGroups(); });
}

common::Status TimedMetaStore::DeleteGroup(std::string_view name) {
  return Timed("DeleteGroup", [&] { return identity_.DeleteGroup(name); });
}

common::Status TimedMetaStore::AddGroupMember(std::string_view group, std::string_view user_id) {
  return Timed("AddGroupMember", [&] { return identity_.AddGroupMember(group, user_id); });
}

common::Status TimedMetaStore::RemoveGroupMember(std::string_view group, std::string_view user_id) {
  return Timed("RemoveGroupMember", [&] { return identity_.RemoveGroupMember(group, user_id); });
}

common::Result<std::vector<std::string>> TimedMetaStore::ListGroupMembers(std::string_view group) {
  return Timed("ListGroupMembers", [&] { return identity_.ListGroupMembers(group); });
}

common::Result<std::vector<std::string>> TimedMetaStore::ListUserGroups(std::string_view user_id) {
  return Timed("ListUserGroups", [&] { return identity_.ListUserGroups(user_id); });
}

common::Status TimedMetaStore::PutPolicy(const meta::StoredPolicy& policy) {
  return Timed("PutPolicy", [&] { return identity_.PutPolicy(policy); });
}

common::Result<meta::StoredPolicy> TimedMetaStore::GetPolicy(std::string_view name) {
  return Timed("GetPolicy", [&] { return identity_.GetPolicy(name); });
}

common::Result<std::vector<meta::StoredPolicy>> TimedMetaStore::ListPolicies() {
  return Timed("ListPolicies", [&] { return identity_.ListPolicies(); });
}

common::Status TimedMetaStore::DeletePolicy(std::string_view name) {
  return Timed("DeletePolicy", [&] { return identity_.DeletePolicy(name); });
}

common::Status TimedMetaStore::AttachPolicy(const meta::PolicyAttachment& attachment) {
  return Timed("AttachPolicy", [&] { return identity_.AttachPolicy(attachment); });
}

common::Status TimedMetaStore::DetachPolicy(const meta::PolicyAttachment& attachment) {
  return Timed("DetachPolicy", [&] { return identity_.DetachPolicy(attachment); });
}

common::Result<std::vector<std::string>> TimedMetaStore::ListAttachedPolicies(
    meta::PrincipalKind kind, std::string_view principal) {
  return Timed("ListAttachedPolicies",
               [&] { return identity_.ListAttachedPolicies(kind, principal); });
}

common::Result<std::vector<meta::PolicyAttachment>> TimedMetaStore::ListPolicyAttachments(
    std::string_view policy) {
  return Timed("ListPolicyAttachments", [&] { return identity_.ListPolicyAttachments(policy); });
}

common::Result<std::vector<std::string>> TimedMetaStore::EffectivePolicyNames(
    std::string_view user_id) {
  return Timed("EffectivePolicyNames", [&] { return identity_.EffectivePolicyNames(user_id); });
}

common::Status TimedMetaStore::CreateRefreshToken(const meta::RefreshToken& token) {
  return Timed("CreateRefreshToken", [&] { return identity_.CreateRefreshToken(token); });
}

common::Result<meta::RefreshToken> TimedMetaStore::SpendRefreshToken(std::string_view token_hash,
                                                                     int64_t now_ms) {
  return Timed("SpendRefreshToken",
               [&] { return identity_.SpendRefreshToken(token_hash, now_ms); });
}

common::Status TimedMetaStore::RevokeRefreshFamily(std::string_view family_id) {
  return Timed("RevokeRefreshFamily", [&] { return identity_.RevokeRefreshFamily(family_id); });
}

common::Status TimedMetaStore::RevokeUserRefreshTokens(std::string_view user_id) {
  return Timed("RevokeUserRefreshTokens",
               [&] { return identity_.RevokeUserRefreshTokens(user_id); });
}

common::Result<uint64_t> TimedMetaStore::DeleteExpiredRefreshTokens(int64_t now_ms) {
  return Timed("DeleteExpiredRefreshTokens",
               [&] { return identity_.DeleteExpiredRefreshTokens(now_ms); });
}

}  // namespace strata::obs
