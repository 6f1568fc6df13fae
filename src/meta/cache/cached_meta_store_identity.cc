// CachedMetaStore's IdentityStore half: the four per-request reads are cached
// under the identity generation, and every write that can change one of them
// (users, keys, groups, memberships, policies, attachments) invalidates them
// all (cached_meta_store.h, "Writes").
#include "meta/cache/cached_meta_store.h"
#include "meta/cache/internal/cache_protocol.h"
#include "meta/cache/internal/value_codec.h"

namespace strata::meta::cache {

using common::Code;

// --- Users -------------------------------------------------------------------

common::Status CachedMetaStore::CreateUser(const User& user) {
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.CreateUser(user); });
}

common::Result<User> CachedMetaStore::GetUser(std::string_view user_id) {
  return ReadThrough<User>(keys_->User(user_id), Code::kNoSuchEntity, internal::EncodeUser,
                           internal::DecodeUser, [&] { return identity_.GetUser(user_id); });
}

common::Result<User> CachedMetaStore::GetUserByName(std::string_view name) {
  return identity_.GetUserByName(name);
}

common::Result<std::vector<User>> CachedMetaStore::ListUsers() { return identity_.ListUsers(); }

common::Status CachedMetaStore::UpdateUser(const User& user) {
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.UpdateUser(user); });
}

common::Status CachedMetaStore::DeleteUser(std::string_view user_id) {
  // Also deletes the user's keys, attachments and memberships: the one
  // generation covers them all.
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.DeleteUser(user_id); });
}

// --- Access keys -------------------------------------------------------------

common::Status CachedMetaStore::CreateAccessKey(const AccessKey& key) {
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.CreateAccessKey(key); });
}

common::Result<AccessKey> CachedMetaStore::GetAccessKey(std::string_view access_key) {
  return ReadThrough<AccessKey>(keys_->AccessKey(access_key), Code::kNoSuchEntity,
                                internal::EncodeAccessKey, internal::DecodeAccessKey,
                                [&] { return identity_.GetAccessKey(access_key); });
}

common::Result<std::vector<AccessKey>> CachedMetaStore::ListAccessKeys(std::string_view user_id) {
  return identity_.ListAccessKeys(user_id);
}

common::Status CachedMetaStore::SetAccessKeyDisabled(std::string_view access_key, bool disabled) {
  return Invalidating(keys_->IdentityTarget(),
                      [&] { return identity_.SetAccessKeyDisabled(access_key, disabled); });
}

common::Status CachedMetaStore::DeleteAccessKey(std::string_view access_key) {
  return Invalidating(keys_->IdentityTarget(),
                      [&] { return identity_.DeleteAccessKey(access_key); });
}

// --- Groups ------------------------------------------------------------------

common::Status CachedMetaStore::CreateGroup(const Group& group) {
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.CreateGroup(group); });
}

common::Result<Group> CachedMetaStore::GetGroup(std::string_view name) {
  return identity_.GetGroup(name);
}

common::Result<std::vector<Group>> CachedMetaStore::ListGroups() { return identity_.ListGroups(); }

common::Status CachedMetaStore::DeleteGroup(std::string_view name) {
  // Its attachments go with it: members' effective policies change.
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.DeleteGroup(name); });
}

common::Status CachedMetaStore::AddGroupMember(std::string_view group, std::string_view user_id) {
  return Invalidating(keys_->IdentityTarget(),
                      [&] { return identity_.AddGroupMember(group, user_id); });
}

common::Status CachedMetaStore::RemoveGroupMember(std::string_view group,
                                                  std::string_view user_id) {
  return Invalidating(keys_->IdentityTarget(),
                      [&] { return identity_.RemoveGroupMember(group, user_id); });
}

common::Result<std::vector<std::string>> CachedMetaStore::ListGroupMembers(std::string_view group) {
  return identity_.ListGroupMembers(group);
}

common::Result<std::vector<std::string>> CachedMetaStore::ListUserGroups(std::string_view user_id) {
  return identity_.ListUserGroups(user_id);
}

// --- Policies ----------------------------------------------------------------

common::Status CachedMetaStore::PutPolicy(const StoredPolicy& policy) {
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.PutPolicy(policy); });
}

common::Result<StoredPolicy> CachedMetaStore::GetPolicy(std::string_view name) {
  return ReadThrough<StoredPolicy>(keys_->Policy(name), Code::kNoSuchEntity, internal::EncodePolicy,
                                   internal::DecodePolicy,
                                   [&] { return identity_.GetPolicy(name); });
}

common::Result<std::vector<StoredPolicy>> CachedMetaStore::ListPolicies() {
  return identity_.ListPolicies();
}

common::Status CachedMetaStore::DeletePolicy(std::string_view name) {
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.DeletePolicy(name); });
}

common::Status CachedMetaStore::AttachPolicy(const PolicyAttachment& attachment) {
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.AttachPolicy(attachment); });
}

common::Status CachedMetaStore::DetachPolicy(const PolicyAttachment& attachment) {
  return Invalidating(keys_->IdentityTarget(), [&] { return identity_.DetachPolicy(attachment); });
}

common::Result<std::vector<std::string>> CachedMetaStore::ListAttachedPolicies(
    PrincipalKind kind, std::string_view principal) {
  return identity_.ListAttachedPolicies(kind, principal);
}

common::Result<std::vector<PolicyAttachment>> CachedMetaStore::ListPolicyAttachments(
    std::string_view policy) {
  return identity_.ListPolicyAttachments(policy);
}

common::Result<std::vector<std::string>> CachedMetaStore::EffectivePolicyNames(
    std::string_view user_id) {
  // Never "not found" (an unknown user has no policies): kOk matches no
  // failure, so only successes are cached.
  return ReadThrough<std::vector<std::string>>(
      keys_->EffectivePolicies(user_id), Code::kOk, internal::EncodeNames, internal::DecodeNames,
      [&] { return identity_.EffectivePolicyNames(user_id); });
}

// --- Login sessions (nothing cached, nothing cached depends on them) --------

common::Status CachedMetaStore::CreateRefreshToken(const RefreshToken& token) {
  return identity_.CreateRefreshToken(token);
}

common::Result<RefreshToken> CachedMetaStore::SpendRefreshToken(std::string_view token_hash,
                                                                int64_t now_ms) {
  return identity_.SpendRefreshToken(token_hash, now_ms);
}

common::Status CachedMetaStore::RevokeRefreshFamily(std::string_view family_id) {
  return identity_.RevokeRefreshFamily(family_id);
}

common::Status CachedMetaStore::RevokeUserRefreshTokens(std::string_view user_id) {
  return identity_.RevokeUserRefreshTokens(user_id);
}

common::Result<uint64_t> CachedMetaStore::DeleteExpiredRefreshTokens(int64_t now_ms) {
  return identity_.DeleteExpiredRefreshTokens(now_ms);
}

}  // namespace strata::meta::cache
