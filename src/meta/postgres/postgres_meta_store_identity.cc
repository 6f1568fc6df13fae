// PostgresMetaStore's IdentityStore methods: users, access keys, groups,
// policies and their attachments, login sessions (identity_store.h holds the
// rules). Multi-row changes run in one SERIALIZABLE transaction each; reads
// that check an entity and then list run in one snapshot.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "meta/internal/identity_rules.h"
#include "meta/postgres/internal/connection.h"
#include "meta/postgres/internal/runner.h"
#include "meta/postgres/postgres_meta_store.h"

namespace strata::meta::postgres {
namespace {

using internal::Connection;
using internal::Params;
using internal::Rows;
using internal::TxnMode;
using meta::internal::EntityAlreadyExists;
using meta::internal::NoSuchEntity;
using meta::internal::PrincipalKindText;

constexpr std::string_view kSelectUserById =
    "SELECT id, name, password_hash, disabled, created_ms FROM users WHERE id = $1";
constexpr std::string_view kSelectUserByName =
    "SELECT id, name, password_hash, disabled, created_ms FROM users WHERE name = $1";
constexpr std::string_view kSelectUsers =
    "SELECT id, name, password_hash, disabled, created_ms FROM users ORDER BY name";
constexpr std::string_view kUserTaken = "SELECT 1 FROM users WHERE id = $1 OR name = $2";
constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, name, password_hash, disabled, created_ms) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kUpdateUser =
    "UPDATE users SET password_hash = $2, disabled = $3 WHERE id = $1";
constexpr std::string_view kUserExists = "SELECT 1 FROM users WHERE id = $1";
constexpr std::string_view kDeleteUserKeys = "DELETE FROM access_keys WHERE user_id = $1";
constexpr std::string_view kDeleteUserAttachments =
    "DELETE FROM policy_attachments WHERE principal_kind = 'user' AND principal = $1";
constexpr std::string_view kDeleteUserMemberships = "DELETE FROM group_members WHERE user_id = $1";
constexpr std::string_view kDeleteUserTokens = "DELETE FROM refresh_tokens WHERE user_id = $1";
constexpr std::string_view kDeleteUser = "DELETE FROM users WHERE id = $1";

#define STRATA_PG_KEY_COLUMNS \
  "access_key, user_id, sealed_secret, disabled, created_ms, description"
constexpr std::string_view kSelectKey =
    "SELECT " STRATA_PG_KEY_COLUMNS " FROM access_keys WHERE access_key = $1";
constexpr std::string_view kSelectUserKeys = "SELECT " STRATA_PG_KEY_COLUMNS
                                             " FROM access_keys WHERE user_id = $1"
                                             " ORDER BY created_ms, access_key";
constexpr std::string_view kSelectAllKeys =
    "SELECT " STRATA_PG_KEY_COLUMNS " FROM access_keys ORDER BY created_ms, access_key";
constexpr std::string_view kInsertKey =
    "INSERT INTO access_keys (" STRATA_PG_KEY_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6)";
#undef STRATA_PG_KEY_COLUMNS
constexpr std::string_view kKeyExists = "SELECT 1 FROM access_keys WHERE access_key = $1";
constexpr std::string_view kSetKeyDisabled =
    "UPDATE access_keys SET disabled = $2 WHERE access_key = $1";
constexpr std::string_view kDeleteKey = "DELETE FROM access_keys WHERE access_key = $1";

constexpr std::string_view kSelectGroup = "SELECT name, created_ms FROM groups WHERE name = $1";
constexpr std::string_view kSelectGroups = "SELECT name, created_ms FROM groups ORDER BY name";
constexpr std::string_view kInsertGroup = "INSERT INTO groups (name, created_ms) VALUES ($1, $2)";
constexpr std::string_view kGroupHasMembers =
    "SELECT 1 FROM group_members WHERE group_name = $1 LIMIT 1";
constexpr std::string_view kDeleteGroupAttachments =
    "DELETE FROM policy_attachments WHERE principal_kind = 'group' AND principal = $1";
constexpr std::string_view kDeleteGroup = "DELETE FROM groups WHERE name = $1";
constexpr std::string_view kAddMember =
    "INSERT INTO group_members (group_name, user_id) VALUES ($1, $2)"
    " ON CONFLICT (group_name, user_id) DO NOTHING";
constexpr std::string_view kRemoveMember =
    "DELETE FROM group_members WHERE group_name = $1 AND user_id = $2";
constexpr std::string_view kSelectMembers =
    "SELECT user_id FROM group_members WHERE group_name = $1 ORDER BY user_id";
constexpr std::string_view kSelectUserGroups =
    "SELECT group_name FROM group_members WHERE user_id = $1 ORDER BY group_name";

constexpr std::string_view kSelectPolicy =
    "SELECT name, document, created_ms, updated_ms FROM policies WHERE name = $1";
constexpr std::string_view kSelectPolicies =
    "SELECT name, document, created_ms, updated_ms FROM policies ORDER BY name";
// Replaces in place, keeping the first created_ms.
constexpr std::string_view kUpsertPolicy =
    "INSERT INTO policies (name, document, created_ms, updated_ms) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (name) DO UPDATE SET document = excluded.document,"
    " updated_ms = excluded.updated_ms";
constexpr std::string_view kPolicyAttached =
    "SELECT 1 FROM policy_attachments WHERE policy = $1 LIMIT 1";
constexpr std::string_view kDeletePolicy = "DELETE FROM policies WHERE name = $1";
constexpr std::string_view kAttach =
    "INSERT INTO policy_attachments (policy, principal_kind, principal) VALUES ($1, $2, $3)"
    " ON CONFLICT (principal_kind, principal, policy) DO NOTHING";
constexpr std::string_view kDetach =
    "DELETE FROM policy_attachments WHERE policy = $1 AND principal_kind = $2 AND principal = $3";
constexpr std::string_view kSelectAttached =
    "SELECT policy FROM policy_attachments WHERE principal_kind = $1 AND principal = $2"
    " ORDER BY policy";
// Users first, then by principal.
constexpr std::string_view kSelectAttachments =
    "SELECT principal_kind, principal FROM policy_attachments WHERE policy = $1"
    " ORDER BY CASE principal_kind WHEN 'user' THEN 0 ELSE 1 END, principal";
constexpr std::string_view kSelectEffective =
    "SELECT DISTINCT policy FROM policy_attachments"
    " WHERE (principal_kind = 'user' AND principal = $1)"
    " OR (principal_kind = 'group' AND principal IN"
    " (SELECT group_name FROM group_members WHERE user_id = $1))"
    " ORDER BY policy";

#define STRATA_PG_TOKEN_COLUMNS \
  "token_hash, family_id, user_id, issued_ms, expires_ms, spent, revoked"
constexpr std::string_view kSelectToken =
    "SELECT " STRATA_PG_TOKEN_COLUMNS " FROM refresh_tokens WHERE token_hash = $1";
constexpr std::string_view kInsertToken =
    "INSERT INTO refresh_tokens (" STRATA_PG_TOKEN_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7)";
#undef STRATA_PG_TOKEN_COLUMNS
constexpr std::string_view kTokenExists = "SELECT 1 FROM refresh_tokens WHERE token_hash = $1";
constexpr std::string_view kSpendToken =
    "UPDATE refresh_tokens SET spent = 1 WHERE token_hash = $1";
constexpr std::string_view kRevokeFamily =
    "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = $1";
constexpr std::string_view kRevokeUserTokens =
    "UPDATE refresh_tokens SET revoked = 1 WHERE user_id = $1";
constexpr std::string_view kDeleteExpiredTokens =
    "DELETE FROM refresh_tokens WHERE expires_ms < $1";

User ReadUser(const Rows& rows, int row) {
  return User{.id = std::string(rows.Bytes(row, 0)),
              .name = std::string(rows.Bytes(row, 1)),
              .password_hash = std::string(rows.Bytes(row, 2)),
              .disabled = rows.Int(row, 3) != 0,
              .created_ms = rows.Int(row, 4)};
}

AccessKey ReadKey(const Rows& rows, int row) {
  return AccessKey{.access_key = std::string(rows.Bytes(row, 0)),
                   .user_id = std::string(rows.Bytes(row, 1)),
                   .sealed_secret = std::string(rows.Bytes(row, 2)),
                   .disabled = rows.Int(row, 3) != 0,
                   .created_ms = rows.Int(row, 4),
                   .description = std::string(rows.Bytes(row, 5))};
}

StoredPolicy ReadPolicy(const Rows& rows, int row) {
  return StoredPolicy{.name = std::string(rows.Bytes(row, 0)),
                      .document = std::string(rows.Bytes(row, 1)),
                      .created_ms = rows.Int(row, 2),
                      .updated_ms = rows.Int(row, 3)};
}

RefreshToken ReadToken(const Rows& rows, int row) {
  return RefreshToken{.token_hash = std::string(rows.Bytes(row, 0)),
                      .family_id = std::string(rows.Bytes(row, 1)),
                      .user_id = std::string(rows.Bytes(row, 2)),
                      .issued_ms = rows.Int(row, 3),
                      .expires_ms = rows.Int(row, 4),
                      .spent = rows.Int(row, 5) != 0,
                      .revoked = rows.Int(row, 6) != 0};
}

// The first column of every row, as strings.
std::vector<std::string> FirstColumn(const Rows& rows) {
  std::vector<std::string> values;
  values.reserve(rows.size());
  for (int row = 0; row < rows.size(); ++row) values.emplace_back(rows.Bytes(row, 0));
  return values;
}

// Whether `sql` (one $1 parameter) returns a row.
common::Result<bool> Exists(Connection& connection, std::string_view sql, std::string_view id) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(sql, Params().Text(id)));
  return !rows.empty();
}

common::Status CheckUser(Connection& connection, std::string_view user_id) {
  STRATA_ASSIGN_OR_RETURN(bool found, Exists(connection, kUserExists, user_id));
  if (!found) return NoSuchEntity("user", user_id);
  return common::Status::Ok();
}

common::Status CheckGroup(Connection& connection, std::string_view group) {
  STRATA_ASSIGN_OR_RETURN(bool found, Exists(connection, kSelectGroup, group));
  if (!found) return NoSuchEntity("group", group);
  return common::Status::Ok();
}

// Runs a single-row change; kNoSuchEntity naming `what` when no row matched.
common::Status ChangeOne(Connection& connection, std::string_view sql, const Params& params,
                         std::string_view what, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(int64_t changed, connection.Execute(sql, params));
  if (changed == 0) return NoSuchEntity(what, name);
  return common::Status::Ok();
}

}  // namespace

// --- Users -------------------------------------------------------------------

common::Status PostgresMetaStore::CreateUser(const User& user) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(Rows taken,
                            connection.Query(kUserTaken, Params().Text(user.id).Text(user.name)));
    if (!taken.empty()) return EntityAlreadyExists("user", user.name);
    return connection
        .Execute(kInsertUser, Params()
                                  .Text(user.id)
                                  .Text(user.name)
                                  .Text(user.password_hash)
                                  .Int(user.disabled ? 1 : 0)
                                  .Int(user.created_ms))
        .status();
  });
}

common::Result<User> PostgresMetaStore::GetUser(std::string_view user_id) {
  return runner_->Run(TxnMode::kStatement, [&](Connection& connection) -> common::Result<User> {
    STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectUserById, Params().Text(user_id)));
    if (rows.empty()) return NoSuchEntity("user", user_id);
    return ReadUser(rows, 0);
  });
}

common::Result<User> PostgresMetaStore::GetUserByName(std::string_view name) {
  return runner_->Run(TxnMode::kStatement, [&](Connection& connection) -> common::Result<User> {
    STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectUserByName, Params().Text(name)));
    if (rows.empty()) return NoSuchEntity("user", name);
    return ReadUser(rows, 0);
  });
}

common::Result<std::vector<User>> PostgresMetaStore::ListUsers() {
  return runner_->Run(TxnMode::kStatement,
                      [&](Connection& connection) -> common::Result<std::vector<User>> {
                        STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectUsers));
                        std::vector<User> users;
                        for (int row = 0; row < rows.size(); ++row) {
                          users.push_back(ReadUser(rows, row));
                        }
                        return users;
                      });
}

common::Status PostgresMetaStore::UpdateUser(const User& user) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) {
    return ChangeOne(connection, kUpdateUser,
                     Params().Text(user.id).Text(user.password_hash).Int(user.disabled ? 1 : 0),
                     "user", user.id);
  });
}

common::Status PostgresMetaStore::DeleteUser(std::string_view user_id) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_RETURN_IF_ERROR(CheckUser(connection, user_id));
    // Everything that names the user goes in the same transaction.
    for (std::string_view sql : {kDeleteUserKeys, kDeleteUserAttachments, kDeleteUserMemberships,
                                 kDeleteUserTokens, kDeleteUser}) {
      STRATA_RETURN_IF_ERROR(connection.Execute(sql, Params().Text(user_id)).status());
    }
    return common::Status::Ok();
  });
}

// --- Access keys -------------------------------------------------------------

common::Status PostgresMetaStore::CreateAccessKey(const AccessKey& key) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_RETURN_IF_ERROR(CheckUser(connection, key.user_id));
    STRATA_ASSIGN_OR_RETURN(bool taken, Exists(connection, kKeyExists, key.access_key));
    if (taken) return EntityAlreadyExists("access key", key.access_key);
    return connection
        .Execute(kInsertKey, Params()
                                 .Text(key.access_key)
                                 .Text(key.user_id)
                                 .Text(key.sealed_secret)
                                 .Int(key.disabled ? 1 : 0)
                                 .Int(key.created_ms)
                                 .Text(key.description))
        .status();
  });
}

common::Result<AccessKey> PostgresMetaStore::GetAccessKey(std::string_view access_key) {
  return runner_->Run(
      TxnMode::kStatement, [&](Connection& connection) -> common::Result<AccessKey> {
        STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectKey, Params().Text(access_key)));
        if (rows.empty()) return NoSuchEntity("access key", access_key);
        return ReadKey(rows, 0);
      });
}

common::Result<std::vector<AccessKey>> PostgresMetaStore::ListAccessKeys(std::string_view user_id) {
  return runner_->Run(
      TxnMode::kStatement, [&](Connection& connection) -> common::Result<std::vector<AccessKey>> {
        STRATA_ASSIGN_OR_RETURN(
            Rows rows, user_id.empty() ? connection.Query(kSelectAllKeys)
                                       : connection.Query(kSelectUserKeys, Params().Text(user_id)));
        std::vector<AccessKey> keys;
        for (int row = 0; row < rows.size(); ++row) {
          keys.push_back(ReadKey(rows, row));
        }
        return keys;
      });
}

common::Status PostgresMetaStore::SetAccessKeyDisabled(std::string_view access_key, bool disabled) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) {
    return ChangeOne(connection, kSetKeyDisabled, Params().Text(access_key).Int(disabled ? 1 : 0),
                     "access key", access_key);
  });
}

common::Status PostgresMetaStore::DeleteAccessKey(std::string_view access_key) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) {
    return ChangeOne(connection, kDeleteKey, Params().Text(access_key), "access key", access_key);
  });
}

// --- Groups ------------------------------------------------------------------

common::Status PostgresMetaStore::CreateGroup(const Group& group) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(bool taken, Exists(connection, kSelectGroup, group.name));
    if (taken) return EntityAlreadyExists("group", group.name);
    return connection.Execute(kInsertGroup, Params().Text(group.name).Int(group.created_ms))
        .status();
  });
}

common::Result<Group> PostgresMetaStore::GetGroup(std::string_view name) {
  return runner_->Run(TxnMode::kStatement, [&](Connection& connection) -> common::Result<Group> {
    STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectGroup, Params().Text(name)));
    if (rows.empty()) return NoSuchEntity("group", name);
    return Group{.name = std::string(rows.Bytes(0, 0)), .created_ms = rows.Int(0, 1)};
  });
}

common::Result<std::vector<Group>> PostgresMetaStore::ListGroups() {
  return runner_->Run(
      TxnMode::kStatement, [&](Connection& connection) -> common::Result<std::vector<Group>> {
        STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectGroups));
        std::vector<Group> groups;
        for (int row = 0; row < rows.size(); ++row) {
          groups.push_back(
              Group{.name = std::string(rows.Bytes(row, 0)), .created_ms = rows.Int(row, 1)});
        }
        return groups;
      });
}

common::Status PostgresMetaStore::DeleteGroup(std::string_view name) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_RETURN_IF_ERROR(CheckGroup(connection, name));
    STRATA_ASSIGN_OR_RETURN(bool has_members, Exists(connection, kGroupHasMembers, name));
    if (has_members) return meta::internal::GroupHasMembers(name);
    STRATA_RETURN_IF_ERROR(
        connection.Execute(kDeleteGroupAttachments, Params().Text(name)).status());
    return connection.Execute(kDeleteGroup, Params().Text(name)).status();
  });
}

common::Status PostgresMetaStore::AddGroupMember(std::string_view group, std::string_view user_id) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_RETURN_IF_ERROR(CheckGroup(connection, group));
    STRATA_RETURN_IF_ERROR(CheckUser(connection, user_id));
    return connection.Execute(kAddMember, Params().Text(group).Text(user_id)).status();
  });
}

common::Status PostgresMetaStore::RemoveGroupMember(std::string_view group,
                                                    std::string_view user_id) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(int64_t removed,
                            connection.Execute(kRemoveMember, Params().Text(group).Text(user_id)));
    if (removed == 0) return meta::internal::NotAGroupMember(group, user_id);
    return common::Status::Ok();
  });
}

common::Result<std::vector<std::string>> PostgresMetaStore::ListGroupMembers(
    std::string_view group) {
  return runner_->Run(
      TxnMode::kSnapshot, [&](Connection& connection) -> common::Result<std::vector<std::string>> {
        STRATA_RETURN_IF_ERROR(CheckGroup(connection, group));
        STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectMembers, Params().Text(group)));
        return FirstColumn(rows);
      });
}

common::Result<std::vector<std::string>> PostgresMetaStore::ListUserGroups(
    std::string_view user_id) {
  return runner_->Run(TxnMode::kStatement,
                      [&](Connection& connection) -> common::Result<std::vector<std::string>> {
                        STRATA_ASSIGN_OR_RETURN(
                            Rows rows, connection.Query(kSelectUserGroups, Params().Text(user_id)));
                        return FirstColumn(rows);
                      });
}

// --- Policies ----------------------------------------------------------------

common::Status PostgresMetaStore::PutPolicy(const StoredPolicy& policy) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) {
    return connection
        .Execute(kUpsertPolicy, Params()
                                    .Text(policy.name)
                                    .Text(policy.document)
                                    .Int(policy.created_ms)
                                    .Int(policy.updated_ms))
        .status();
  });
}

common::Result<StoredPolicy> PostgresMetaStore::GetPolicy(std::string_view name) {
  return runner_->Run(
      TxnMode::kStatement, [&](Connection& connection) -> common::Result<StoredPolicy> {
        STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectPolicy, Params().Text(name)));
        if (rows.empty()) return NoSuchEntity("policy", name);
        return ReadPolicy(rows, 0);
      });
}

common::Result<std::vector<StoredPolicy>> PostgresMetaStore::ListPolicies() {
  return runner_->Run(TxnMode::kStatement,
                      [&](Connection& connection) -> common::Result<std::vector<StoredPolicy>> {
                        STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectPolicies));
                        std::vector<StoredPolicy> policies;
                        for (int row = 0; row < rows.size(); ++row) {
                          policies.push_back(ReadPolicy(rows, row));
                        }
                        return policies;
                      });
}

common::Status PostgresMetaStore::DeletePolicy(std::string_view name) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(bool found, Exists(connection, kSelectPolicy, name));
    if (!found) return NoSuchEntity("policy", name);
    STRATA_ASSIGN_OR_RETURN(bool attached, Exists(connection, kPolicyAttached, name));
    if (attached) return meta::internal::PolicyStillAttached(name);
    return connection.Execute(kDeletePolicy, Params().Text(name)).status();
  });
}

common::Status PostgresMetaStore::AttachPolicy(const PolicyAttachment& attachment) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    if (attachment.kind == PrincipalKind::kUser) {
      STRATA_RETURN_IF_ERROR(CheckUser(connection, attachment.principal));
    } else {
      STRATA_RETURN_IF_ERROR(CheckGroup(connection, attachment.principal));
    }
    return connection
        .Execute(kAttach, Params()
                              .Text(attachment.policy)
                              .Text(PrincipalKindText(attachment.kind))
                              .Text(attachment.principal))
        .status();
  });
}

common::Status PostgresMetaStore::DetachPolicy(const PolicyAttachment& attachment) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(
        int64_t removed, connection.Execute(kDetach, Params()
                                                         .Text(attachment.policy)
                                                         .Text(PrincipalKindText(attachment.kind))
                                                         .Text(attachment.principal)));
    if (removed == 0) return meta::internal::NotAttached(attachment);
    return common::Status::Ok();
  });
}

common::Result<std::vector<std::string>> PostgresMetaStore::ListAttachedPolicies(
    PrincipalKind kind, std::string_view principal) {
  return runner_->Run(
      TxnMode::kStatement, [&](Connection& connection) -> common::Result<std::vector<std::string>> {
        STRATA_ASSIGN_OR_RETURN(
            Rows rows, connection.Query(kSelectAttached,
                                        Params().Text(PrincipalKindText(kind)).Text(principal)));
        return FirstColumn(rows);
      });
}

common::Result<std::vector<PolicyAttachment>> PostgresMetaStore::ListPolicyAttachments(
    std::string_view policy) {
  return runner_->Run(
      TxnMode::kStatement,
      [&](Connection& connection) -> common::Result<std::vector<PolicyAttachment>> {
        STRATA_ASSIGN_OR_RETURN(Rows rows,
                                connection.Query(kSelectAttachments, Params().Text(policy)));
        std::vector<PolicyAttachment> attachments;
        for (int row = 0; row < rows.size(); ++row) {
          // The column's CHECK allows only the two kinds; anything else is
          // a damaged row, as in the SQLite store.
          const std::optional<PrincipalKind> kind =
              meta::internal::ParsePrincipalKind(rows.Bytes(row, 0));
          if (!kind) return meta::internal::UnknownPrincipalKind(policy, rows.Bytes(row, 0));
          attachments.push_back(PolicyAttachment{.policy = std::string(policy),
                                                 .kind = *kind,
                                                 .principal = std::string(rows.Bytes(row, 1))});
        }
        return attachments;
      });
}

common::Result<std::vector<std::string>> PostgresMetaStore::EffectivePolicyNames(
    std::string_view user_id) {
  // One statement: the per-request authorization path.
  return runner_->Run(TxnMode::kStatement,
                      [&](Connection& connection) -> common::Result<std::vector<std::string>> {
                        STRATA_ASSIGN_OR_RETURN(
                            Rows rows, connection.Query(kSelectEffective, Params().Text(user_id)));
                        return FirstColumn(rows);
                      });
}

// --- Login sessions ----------------------------------------------------------

common::Status PostgresMetaStore::CreateRefreshToken(const RefreshToken& token) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_RETURN_IF_ERROR(CheckUser(connection, token.user_id));
    STRATA_ASSIGN_OR_RETURN(bool taken, Exists(connection, kTokenExists, token.token_hash));
    // The hash stays out of messages: it names a live session.
    if (taken) {
      return common::Error(common::Code::kEntityAlreadyExists, "refresh token already exists");
    }
    return connection
        .Execute(kInsertToken, Params()
                                   .Text(token.token_hash)
                                   .Text(token.family_id)
                                   .Text(token.user_id)
                                   .Int(token.issued_ms)
                                   .Int(token.expires_ms)
                                   .Int(token.spent ? 1 : 0)
                                   .Int(token.revoked ? 1 : 0))
        .status();
  });
}

common::Result<RefreshToken> PostgresMetaStore::SpendRefreshToken(std::string_view token_hash,
                                                                  int64_t now_ms) {
  // A replay must revoke the family *and* fail, so the transaction commits
  // and the outcome travels beside the token.
  struct Spent {
    RefreshToken token;
    common::Status outcome;
  };
  STRATA_ASSIGN_OR_RETURN(
      Spent spent,
      runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<Spent> {
        STRATA_ASSIGN_OR_RETURN(Rows rows,
                                connection.Query(kSelectToken, Params().Text(token_hash)));
        if (rows.empty()) {
          return common::Error(common::Code::kNoSuchEntity, "refresh token does not exist");
        }
        Spent result{.token = ReadToken(rows, 0), .outcome = common::Status::Ok()};
        const meta::internal::RefreshTokenUse use =
            meta::internal::ClassifyRefreshToken(result.token, now_ms);
        if (use == meta::internal::RefreshTokenUse::kReplay) {
          STRATA_RETURN_IF_ERROR(
              connection.Execute(kRevokeFamily, Params().Text(result.token.family_id)).status());
        }
        if (use != meta::internal::RefreshTokenUse::kSpend) {
          result.outcome = meta::internal::RefusedRefreshToken(use);
          return result;
        }
        STRATA_RETURN_IF_ERROR(connection.Execute(kSpendToken, Params().Text(token_hash)).status());
        return result;
      }));
  if (!spent.outcome.ok()) return spent.outcome;
  return std::move(spent.token);
}

common::Status PostgresMetaStore::RevokeRefreshFamily(std::string_view family_id) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) {
    return connection.Execute(kRevokeFamily, Params().Text(family_id)).status();
  });
}

common::Status PostgresMetaStore::RevokeUserRefreshTokens(std::string_view user_id) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) {
    return connection.Execute(kRevokeUserTokens, Params().Text(user_id)).status();
  });
}

common::Result<uint64_t> PostgresMetaStore::DeleteExpiredRefreshTokens(int64_t now_ms) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<uint64_t> {
    STRATA_ASSIGN_OR_RETURN(int64_t deleted,
                            connection.Execute(kDeleteExpiredTokens, Params().Int(now_ms)));
    return static_cast<uint64_t>(deleted);
  });
}

}  // namespace strata::meta::postgres
