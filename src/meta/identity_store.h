// IdentityStore: users, groups, access keys, policies, their attachments and
// login sessions (ARCHITECTURE.md section 6), kept in the same metadata
// database as MetaStore so one backup holds everything. Every MetaStore
// implementation also implements this interface (the contract suite,
// meta_store_contract_identity.cc, checks both); the identity service
// (identity/) holds the rules (who may do what, hashing, encryption), the store
// only keeps rows and makes the multi-row changes atomic.
//
// Errors: kNoSuchEntity for a user, group, key, policy or token that is not
// there; kEntityAlreadyExists for a name or key in use; kDeleteConflict where
// a dependent row forbids a delete. Any method may also fail with
// kUnavailable, kCorruption or kInternal as MetaStore's do.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::meta {

struct User {
  std::string id;    // stable, made by the service ("u" + random); never reused
  std::string name;  // unique; [A-Za-z0-9+=,.@_-], 1..64 (IAM's user-name rule)
  // argon2id encoded hash ("$argon2id$v=19$..."); "" for a user who cannot
  // log in with a password (access keys only).
  std::string password_hash;
  bool disabled = false;
  int64_t created_ms = 0;

  bool operator==(const User&) const = default;
};

struct AccessKey {
  std::string access_key;  // the key id clients send; unique
  std::string user_id;
  // The secret, sealed by the service under the server master key
  // (auth/secret_box.h); the store never sees it in the clear.
  std::string sealed_secret;
  bool disabled = false;
  int64_t created_ms = 0;
  std::string description;

  bool operator==(const AccessKey&) const = default;
};

struct Group {
  std::string name;  // unique; same character rule as user names
  int64_t created_ms = 0;

  bool operator==(const Group&) const = default;
};

// A customer-managed policy document (AWS policy JSON, validated by the
// service before it is stored). Built-in roles (auth/policy/managed.h) are not
// stored: their names are reserved.
struct StoredPolicy {
  std::string name;
  std::string document;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;

  bool operator==(const StoredPolicy&) const = default;
};

enum class PrincipalKind { kUser, kGroup };

// Policy `policy` (a stored or built-in name) attached to a user (by user id)
// or a group (by name).
struct PolicyAttachment {
  std::string policy;
  PrincipalKind kind = PrincipalKind::kUser;
  std::string principal;

  bool operator==(const PolicyAttachment&) const = default;
};

// One refresh token of a login session. The token itself is a random secret
// given to the client once; only its SHA-256 (hex) is stored. Each refresh
// spends the token and issues a new one in the same family; presenting a
// spent token again means it was stolen, and the whole family is revoked.
struct RefreshToken {
  std::string token_hash;  // 64 hex; unique
  std::string family_id;   // the login this token descends from
  std::string user_id;
  int64_t issued_ms = 0;
  int64_t expires_ms = 0;
  bool spent = false;
  bool revoked = false;

  bool operator==(const RefreshToken&) const = default;
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // --- Users ---
  // kEntityAlreadyExists when the name or id is taken.
  virtual common::Status CreateUser(const User& user) = 0;
  virtual common::Result<User> GetUser(std::string_view user_id) = 0;
  virtual common::Result<User> GetUserByName(std::string_view name) = 0;
  // All users in name order.
  virtual common::Result<std::vector<User>> ListUsers() = 0;
  // Replaces password_hash and disabled of the user with user.id (name, id
  // and created_ms never change).
  virtual common::Status UpdateUser(const User& user) = 0;
  // Deletes the user and, in the same transaction, its access keys, policy
  // attachments, group memberships and refresh tokens.
  virtual common::Status DeleteUser(std::string_view user_id) = 0;

  // --- Access keys ---
  // kNoSuchEntity when the user does not exist; kEntityAlreadyExists when the
  // key id is taken.
  virtual common::Status CreateAccessKey(const AccessKey& key) = 0;
  virtual common::Result<AccessKey> GetAccessKey(std::string_view access_key) = 0;
  // The user's keys in creation order (then key id); every key when user_id
  // is "".
  virtual common::Result<std::vector<AccessKey>> ListAccessKeys(std::string_view user_id) = 0;
  virtual common::Status SetAccessKeyDisabled(std::string_view access_key, bool disabled) = 0;
  virtual common::Status DeleteAccessKey(std::string_view access_key) = 0;

  // --- Groups ---
  virtual common::Status CreateGroup(const Group& group) = 0;
  virtual common::Result<Group> GetGroup(std::string_view name) = 0;
  // All groups in name order.
  virtual common::Result<std::vector<Group>> ListGroups() = 0;
  // kDeleteConflict while the group has members; its attachments go with it.
  virtual common::Status DeleteGroup(std::string_view name) = 0;
  // kNoSuchEntity when the group or user does not exist. Adding a member
  // twice is not an error.
  virtual common::Status AddGroupMember(std::string_view group, std::string_view user_id) = 0;
  // kNoSuchEntity when the user is not a member.
  virtual common::Status RemoveGroupMember(std::string_view group, std::string_view user_id) = 0;
  // Member user ids in id order.
  virtual common::Result<std::vector<std::string>> ListGroupMembers(std::string_view group) = 0;
  // Names of the groups the user is in, in name order (empty for an unknown
  // user).
  virtual common::Result<std::vector<std::string>> ListUserGroups(std::string_view user_id) = 0;

  // --- Policies ---
  // Creates or replaces (keeping created_ms, taking updated_ms).
  virtual common::Status PutPolicy(const StoredPolicy& policy) = 0;
  virtual common::Result<StoredPolicy> GetPolicy(std::string_view name) = 0;
  // All stored policies in name order.
  virtual common::Result<std::vector<StoredPolicy>> ListPolicies() = 0;
  // kDeleteConflict while the policy is attached anywhere.
  virtual common::Status DeletePolicy(std::string_view name) = 0;
  // kNoSuchEntity when the user or group does not exist. The store does not
  // check that the policy exists: built-in names are not stored, so the
  // service checks. Attaching twice is not an error.
  virtual common::Status AttachPolicy(const PolicyAttachment& attachment) = 0;
  // kNoSuchEntity when not attached.
  virtual common::Status DetachPolicy(const PolicyAttachment& attachment) = 0;
  // Policy names attached directly to one principal, in name order.
  virtual common::Result<std::vector<std::string>> ListAttachedPolicies(
      PrincipalKind kind, std::string_view principal) = 0;
  // Every attachment of the named policy, users first, then by principal.
  virtual common::Result<std::vector<PolicyAttachment>> ListPolicyAttachments(
      std::string_view policy) = 0;
  // What applies to a user: the names attached to it and to every group it
  // is in, de-duplicated, in name order. One read, for the per-request
  // authorization path.
  virtual common::Result<std::vector<std::string>> EffectivePolicyNames(
      std::string_view user_id) = 0;

  // --- Login sessions ---
  // kNoSuchEntity when the user does not exist.
  virtual common::Status CreateRefreshToken(const RefreshToken& token) = 0;
  // Spends a token, atomically:
  //   * unknown hash: kNoSuchEntity;
  //   * already spent or revoked (a replay): revokes every token of its
  //     family, then fails with kInvalidToken;
  //   * expires_ms <= now_ms: kInvalidToken, nothing changes;
  //   * otherwise marks it spent and returns it (as it was before spending).
  virtual common::Result<RefreshToken> SpendRefreshToken(std::string_view token_hash,
                                                         int64_t now_ms) = 0;
  // Revokes every token of the family (logout). Not an error when none exist.
  virtual common::Status RevokeRefreshFamily(std::string_view family_id) = 0;
  // Revokes every token of the user (password change, disable).
  virtual common::Status RevokeUserRefreshTokens(std::string_view user_id) = 0;
  // Deletes tokens expired before now_ms; returns how many.
  virtual common::Result<uint64_t> DeleteExpiredRefreshTokens(int64_t now_ms) = 0;
};

}  // namespace strata::meta
