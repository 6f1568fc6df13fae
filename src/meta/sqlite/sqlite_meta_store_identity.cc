// SqliteMetaStore's IdentityStore methods (the MetaStore ones are in
// sqlite_meta_store.cc and sqlite_meta_store_multipart.cc): users, access
// keys, groups, policies and their attachments, and refresh tokens.
//
// Duplicates are found with INSERT ... ON CONFLICT DO NOTHING and a change
// count of 0, not from the constraint error: SqliteError reports every
// constraint failure as kInternal, and a failed statement would leave no way
// to tell a taken name from any other failure. Parents are checked before a
// child row is written, so a missing user is kNoSuchEntity rather than a
// foreign-key failure (the connection runs with foreign_keys=ON).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "meta/internal/identity_rules.h"
#include "meta/sqlite/internal/connection.h"
#include "meta/sqlite/internal/identity_rows.h"
#include "meta/sqlite/internal/read_pool.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::sqlite {
namespace {

using common::Code;
using common::Error;
using internal::CheckGroupExists;
using internal::CheckPrincipalExists;
using internal::CheckUserExists;
using internal::RowExists;
using internal::RunWithTexts;
using internal::SelectTexts;
using internal::Statement;
using internal::Transaction;
using meta::internal::NoSuchEntity;
using meta::internal::PrincipalKindText;

constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, name, password_hash, disabled, created_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING";
constexpr std::string_view kUpdateUser =
    "UPDATE users SET password_hash = ?2, disabled = ?3 WHERE id = ?1";
// DeleteUser's cascade, children first (their foreign keys name the user).
constexpr std::string_view kDeleteUserKeys = "DELETE FROM access_keys WHERE user_id = ?1";
constexpr std::string_view kDeleteUserMemberships = "DELETE FROM group_members WHERE user_id = ?1";
constexpr std::string_view kDeleteUserTokens = "DELETE FROM refresh_tokens WHERE user_id = ?1";
constexpr std::string_view kDeleteAttachmentsOf =
    "DELETE FROM policy_attachments WHERE principal_kind = ?1 AND principal = ?2";
constexpr std::string_view kDeleteUser = "DELETE FROM users WHERE id = ?1";

constexpr std::string_view kInsertKey =
    "INSERT INTO access_keys (access_key, user_id, sealed_secret, disabled, created_ms, "
    "description) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING";
constexpr std::string_view kSetKeyDisabled =
    "UPDATE access_keys SET disabled = ?2 WHERE access_key = ?1";
constexpr std::string_view kDeleteKey = "DELETE FROM access_keys WHERE access_key = ?1";

constexpr std::string_view kInsertGroup =
    "INSERT INTO groups (name, created_ms) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
constexpr std::string_view kGroupHasMembers = "SELECT 1 FROM group_members WHERE group_name = ?1";
constexpr std::string_view kDeleteGroup = "DELETE FROM groups WHERE name = ?1";
constexpr std::string_view kInsertMember =
    "INSERT INTO group_members (group_name, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
constexpr std::string_view kDeleteMember =
    "DELETE FROM group_members WHERE group_name = ?1 AND user_id = ?2";
// Primary-key ranges, in the orders identity_store.h promises.
constexpr std::string_view kSelectMembers =
    "SELECT user_id FROM group_members WHERE group_name = ?1 ORDER BY user_id";
constexpr std::string_view kSelectUserGroups =
    "SELECT group_name FROM group_members WHERE user_id = ?1 ORDER BY group_name";

// A replace keeps created_ms: only the document and updated_ms change.
constexpr std::string_view kUpsertPolicy =
    "INSERT INTO policies (name, document, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (name) DO UPDATE SET document = excluded.document,"
    " updated_ms = excluded.updated_ms";
constexpr std::string_view kPolicyAttached = "SELECT 1 FROM policy_attachments WHERE policy = ?1";
constexpr std::string_view kDeletePolicy = "DELETE FROM policies WHERE name = ?1";
constexpr std::string_view kInsertAttachment =
    "INSERT INTO policy_attachments (policy, principal_kind, principal) VALUES (?1, ?2, ?3)"
    " ON CONFLICT DO NOTHING";
constexpr std::string_view kDeleteAttachment =
    "DELETE FROM policy_attachments WHERE policy = ?1 AND principal_kind = ?2 AND principal = ?3";
constexpr std::string_view kSelectAttached =
    "SELECT policy FROM policy_attachments WHERE principal_kind = ?1 AND principal = ?2"
    " ORDER BY policy";
// The authorization path's one read: UNION removes the duplicates. Written
// with IN rather than a join so the plan starts from the user's memberships
// (group_members_by_user) and probes the attachments' primary key per group;
// without statistics SQLite would join the other way round, walking every
// group attachment in the database on each request.
constexpr std::string_view kSelectEffective =
    "SELECT policy FROM policy_attachments WHERE principal_kind = 'user' AND principal = ?1"
    " UNION"
    " SELECT policy FROM policy_attachments WHERE principal_kind = 'group' AND principal IN"
    " (SELECT group_name FROM group_members WHERE user_id = ?1)"
    " ORDER BY policy";

constexpr std::string_view kInsertToken =
    "INSERT INTO refresh_tokens (token_hash, family_id, user_id, issued_ms, expires_ms, spent, "
    "revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING";
constexpr std::string_view kSpendToken =
    "UPDATE refresh_tokens SET spent = 1 WHERE token_hash = ?1";
constexpr std::string_view kRevokeFamily =
    "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?1";
constexpr std::string_view kRevokeUserTokens =
    "UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?1";
constexpr std::string_view kDeleteExpiredTokens =
    "DELETE FROM refresh_tokens WHERE expires_ms < ?1";

int64_t Flag(bool value) { return value ? 1 : 0; }

}  // namespace

// --- Users -----------------------------------------------------------------

common::Status SqliteMetaStore::CreateUser(const User& user) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement insert, writer_->Prepare(kInsertUser));
    insert.Bind(1, user.id);
    insert.Bind(2, user.name);
    insert.Bind(3, user.password_hash);
    insert.Bind(4, Flag(user.disabled));
    insert.Bind(5, user.created_ms);
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  if (writer_->Changes() == 0) {
    return Error(Code::kEntityAlreadyExists,
                 "a user named '" + user.name + "' or with id '" + user.id + "' already exists");
  }
  return txn.Commit();
}

common::Result<User> SqliteMetaStore::GetUser(std::string_view user_id) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(std::optional<User> user, internal::FindUser(*reader, user_id));
  if (!user) return NoSuchEntity("user", user_id);
  return *std::move(user);
}

common::Result<User> SqliteMetaStore::GetUserByName(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(std::optional<User> user, internal::FindUserByName(*reader, name));
  if (!user) return NoSuchEntity("user named", name);
  return *std::move(user);
}

common::Result<std::vector<User>> SqliteMetaStore::ListUsers() {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return internal::SelectUsers(*reader);
}

common::Status SqliteMetaStore::UpdateUser(const User& user) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement update, writer_->Prepare(kUpdateUser));
    update.Bind(1, user.id);
    update.Bind(2, user.password_hash);
    update.Bind(3, Flag(user.disabled));
    STRATA_RETURN_IF_ERROR(update.Run());
  }
  if (writer_->Changes() == 0) return NoSuchEntity("user", user.id);
  return txn.Commit();
}

common::Status SqliteMetaStore::DeleteUser(std::string_view user_id) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckUserExists(*writer_, user_id));
  // Everything that names the user goes in this transaction: no key,
  // session, membership or attachment outlives it.
  for (std::string_view sql : {kDeleteUserKeys, kDeleteUserMemberships, kDeleteUserTokens}) {
    STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, sql, {user_id}).status());
  }
  STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kDeleteAttachmentsOf,
                                      {PrincipalKindText(PrincipalKind::kUser), user_id})
                             .status());
  STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kDeleteUser, {user_id}).status());
  return txn.Commit();
}

// --- Access keys -----------------------------------------------------------

common::Status SqliteMetaStore::CreateAccessKey(const AccessKey& key) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckUserExists(*writer_, key.user_id));
  {
    STRATA_ASSIGN_OR_RETURN(Statement insert, writer_->Prepare(kInsertKey));
    insert.Bind(1, key.access_key);
    insert.Bind(2, key.user_id);
    insert.Bind(3, key.sealed_secret);
    insert.Bind(4, Flag(key.disabled));
    insert.Bind(5, key.created_ms);
    insert.Bind(6, key.description);
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  if (writer_->Changes() == 0) {
    return meta::internal::EntityAlreadyExists("access key", key.access_key);
  }
  return txn.Commit();
}

common::Result<AccessKey> SqliteMetaStore::GetAccessKey(std::string_view access_key) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(std::optional<AccessKey> key,
                          internal::FindAccessKey(*reader, access_key));
  if (!key) return NoSuchEntity("access key", access_key);
  return *std::move(key);
}

common::Result<std::vector<AccessKey>> SqliteMetaStore::ListAccessKeys(std::string_view user_id) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return internal::SelectAccessKeys(*reader, user_id);
}

common::Status SqliteMetaStore::SetAccessKeyDisabled(std::string_view access_key, bool disabled) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement update, writer_->Prepare(kSetKeyDisabled));
    update.Bind(1, access_key);
    update.Bind(2, Flag(disabled));
    STRATA_RETURN_IF_ERROR(update.Run());
  }
  if (writer_->Changes() == 0) return NoSuchEntity("access key", access_key);
  return txn.Commit();
}

common::Status SqliteMetaStore::DeleteAccessKey(std::string_view access_key) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(int64_t deleted, RunWithTexts(*writer_, kDeleteKey, {access_key}));
  if (deleted == 0) return NoSuchEntity("access key", access_key);
  return txn.Commit();
}

// --- Groups ----------------------------------------------------------------

common::Status SqliteMetaStore::CreateGroup(const Group& group) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement insert, writer_->Prepare(kInsertGroup));
    insert.Bind(1, group.name);
    insert.Bind(2, group.created_ms);
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  if (writer_->Changes() == 0) return meta::internal::EntityAlreadyExists("group", group.name);
  return txn.Commit();
}

common::Result<Group> SqliteMetaStore::GetGroup(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(std::optional<Group> group, internal::FindGroup(*reader, name));
  if (!group) return NoSuchEntity("group", name);
  return *std::move(group);
}

common::Result<std::vector<Group>> SqliteMetaStore::ListGroups() {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return internal::SelectGroups(*reader);
}

common::Status SqliteMetaStore::DeleteGroup(std::string_view name) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckGroupExists(*writer_, name));
  STRATA_ASSIGN_OR_RETURN(bool has_members, RowExists(*writer_, kGroupHasMembers, {name}));
  if (has_members) return meta::internal::GroupHasMembers(name);
  STRATA_RETURN_IF_ERROR(
      RunWithTexts(*writer_, kDeleteAttachmentsOf, {PrincipalKindText(PrincipalKind::kGroup), name})
          .status());
  STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kDeleteGroup, {name}).status());
  return txn.Commit();
}

common::Status SqliteMetaStore::AddGroupMember(std::string_view group, std::string_view user_id) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckGroupExists(*writer_, group));
  STRATA_RETURN_IF_ERROR(CheckUserExists(*writer_, user_id));
  // Already a member: no change, and no error.
  STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kInsertMember, {group, user_id}).status());
  return txn.Commit();
}

common::Status SqliteMetaStore::RemoveGroupMember(std::string_view group,
                                                  std::string_view user_id) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(int64_t deleted, RunWithTexts(*writer_, kDeleteMember, {group, user_id}));
  if (deleted == 0) return meta::internal::NotAGroupMember(group, user_id);
  return txn.Commit();
}

common::Result<std::vector<std::string>> SqliteMetaStore::ListGroupMembers(std::string_view group) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot: the group cannot vanish between the check and the list.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_RETURN_IF_ERROR(CheckGroupExists(*reader, group));
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> members,
                          SelectTexts(*reader, kSelectMembers, {group}));
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return members;
}

common::Result<std::vector<std::string>> SqliteMetaStore::ListUserGroups(std::string_view user_id) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return SelectTexts(*reader, kSelectUserGroups, {user_id});
}

// --- Policies --------------------------------------------------------------

common::Status SqliteMetaStore::PutPolicy(const StoredPolicy& policy) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement upsert, writer_->Prepare(kUpsertPolicy));
    upsert.Bind(1, policy.name);
    upsert.Bind(2, policy.document);
    upsert.Bind(3, policy.created_ms);
    upsert.Bind(4, policy.updated_ms);
    STRATA_RETURN_IF_ERROR(upsert.Run());
  }
  return txn.Commit();
}

common::Result<StoredPolicy> SqliteMetaStore::GetPolicy(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(std::optional<StoredPolicy> policy, internal::FindPolicy(*reader, name));
  if (!policy) return NoSuchEntity("policy", name);
  return *std::move(policy);
}

common::Result<std::vector<StoredPolicy>> SqliteMetaStore::ListPolicies() {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return internal::SelectPolicies(*reader);
}

common::Status SqliteMetaStore::DeletePolicy(std::string_view name) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(std::optional<StoredPolicy> policy, internal::FindPolicy(*writer_, name));
  if (!policy) return NoSuchEntity("policy", name);
  STRATA_ASSIGN_OR_RETURN(bool attached, RowExists(*writer_, kPolicyAttached, {name}));
  if (attached) return meta::internal::PolicyStillAttached(name);
  STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kDeletePolicy, {name}).status());
  return txn.Commit();
}

common::Status SqliteMetaStore::AttachPolicy(const PolicyAttachment& attachment) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckPrincipalExists(*writer_, attachment.kind, attachment.principal));
  // Already attached: no change, and no error.
  STRATA_RETURN_IF_ERROR(
      RunWithTexts(*writer_, kInsertAttachment,
                   {attachment.policy, PrincipalKindText(attachment.kind), attachment.principal})
          .status());
  return txn.Commit();
}

common::Status SqliteMetaStore::DetachPolicy(const PolicyAttachment& attachment) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(
      int64_t deleted,
      RunWithTexts(*writer_, kDeleteAttachment,
                   {attachment.policy, PrincipalKindText(attachment.kind), attachment.principal}));
  if (deleted == 0) return meta::internal::NotAttached(attachment);
  return txn.Commit();
}

common::Result<std::vector<std::string>> SqliteMetaStore::ListAttachedPolicies(
    PrincipalKind kind, std::string_view principal) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return SelectTexts(*reader, kSelectAttached, {PrincipalKindText(kind), principal});
}

common::Result<std::vector<PolicyAttachment>> SqliteMetaStore::ListPolicyAttachments(
    std::string_view policy) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return internal::SelectPolicyAttachments(*reader, policy);
}

common::Result<std::vector<std::string>> SqliteMetaStore::EffectivePolicyNames(
    std::string_view user_id) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return SelectTexts(*reader, kSelectEffective, {user_id});
}

// --- Login sessions --------------------------------------------------------

common::Status SqliteMetaStore::CreateRefreshToken(const RefreshToken& token) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckUserExists(*writer_, token.user_id));
  {
    STRATA_ASSIGN_OR_RETURN(Statement insert, writer_->Prepare(kInsertToken));
    insert.Bind(1, token.token_hash);
    insert.Bind(2, token.family_id);
    insert.Bind(3, token.user_id);
    insert.Bind(4, token.issued_ms);
    insert.Bind(5, token.expires_ms);
    insert.Bind(6, Flag(token.spent));
    insert.Bind(7, Flag(token.revoked));
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  if (writer_->Changes() == 0) {
    return Error(Code::kEntityAlreadyExists, "refresh token already exists");
  }
  return txn.Commit();
}

common::Result<RefreshToken> SqliteMetaStore::SpendRefreshToken(std::string_view token_hash,
                                                                int64_t now_ms) {
  std::lock_guard lock(write_mu_);
  // IMMEDIATE: the check and the spend hold one write lock, so of two
  // requests presenting the same token exactly one gets it; the other is a
  // replay and revokes the family.
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(std::optional<RefreshToken> token,
                          internal::FindRefreshToken(*writer_, token_hash));
  if (!token) return Error(Code::kNoSuchEntity, "refresh token does not exist");
  const meta::internal::RefreshTokenUse use = meta::internal::ClassifyRefreshToken(*token, now_ms);
  if (use == meta::internal::RefreshTokenUse::kReplay) {
    // The revocation commits although the call fails.
    STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kRevokeFamily, {token->family_id}).status());
    STRATA_RETURN_IF_ERROR(txn.Commit());
  }
  if (use != meta::internal::RefreshTokenUse::kSpend) {
    return meta::internal::RefusedRefreshToken(use);
  }
  STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kSpendToken, {token_hash}).status());
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return *std::move(token);
}

common::Status SqliteMetaStore::RevokeRefreshFamily(std::string_view family_id) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kRevokeFamily, {family_id}).status());
  return txn.Commit();
}

common::Status SqliteMetaStore::RevokeUserRefreshTokens(std::string_view user_id) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(RunWithTexts(*writer_, kRevokeUserTokens, {user_id}).status());
  return txn.Commit();
}

common::Result<uint64_t> SqliteMetaStore::DeleteExpiredRefreshTokens(int64_t now_ms) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement del, writer_->Prepare(kDeleteExpiredTokens));
    del.Bind(1, now_ms);
    STRATA_RETURN_IF_ERROR(del.Run());
  }
  const auto deleted = static_cast<uint64_t>(writer_->Changes());
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return deleted;
}

}  // namespace strata::meta::sqlite
