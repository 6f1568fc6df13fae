// IdentityService: the rules of identity and access (ARCHITECTURE.md section
// 6) over an IdentityStore — login sessions (argon2id passwords, JWT access
// tokens, rotating refresh tokens), users, access keys (secrets sealed under
// the master key), groups, policies and their attachments, and the decisions
// the S3 API and the admin API ask for.
//
// Management methods take the Caller and authorize it first (admin actions in
// identity/admin_actions.h); a caller always may read itself (Whoami), set its
// own password, and list, create and delete its own access keys. Nobody but
// root may attach a policy to itself, and handing out a policy that grants
// any admin: action also needs admin:GrantAdmin (full administrators only).
//
// The root credential (STRATA_ROOT_USER / STRATA_ROOT_PASSWORD) is not a row:
// it signs S3 requests, logs in with its access key as user name and its
// secret as password, and is allowed everything. User names cannot take the
// root user's name.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/credentials.h"
#include "auth/policy/document.h"
#include "auth/policy/evaluator.h"
#include "auth/session/jwt.h"
#include "auth/session/login_limiter.h"
#include "auth/session/master_key.h"
#include "auth/session/password.h"
#include "auth/session/secret_box.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "identity/caller.h"
#include "meta/identity_store.h"

namespace strata::identity {

struct IdentityOptions {
  int64_t access_token_ttl_s = 15 * 60;
  int64_t refresh_token_ttl_s = 7 * 24 * 3600;
  std::string issuer = "strata";
  auth::LoginLimits login_limits;
  auth::PasswordCost password_cost;  // tests lower it
};

struct Session {
  std::string access_token;   // JWT, for Authorization: Bearer
  std::string refresh_token;  // opaque; spend it once at Refresh
  int64_t expires_in_s = 0;   // of the access token
  std::string user_name;
};

struct UserInfo {
  std::string id;
  std::string name;
  bool disabled = false;
  bool root = false;
  bool has_password = false;
  int64_t created_ms = 0;
  std::vector<std::string> policies;  // attached directly, name order
  std::vector<std::string> groups;    // name order
};

struct KeyInfo {
  std::string access_key;
  std::string user_name;
  bool disabled = false;
  int64_t created_ms = 0;
  std::string description;
};

// Returned once, at creation: the only time the secret leaves the server.
struct NewKey {
  KeyInfo info;
  std::string secret_key;
};

struct GroupInfo {
  std::string name;
  int64_t created_ms = 0;
  std::vector<std::string> members;   // user names, name order
  std::vector<std::string> policies;  // attached, name order
};

struct PolicyInfo {
  std::string name;
  std::string document;  // as stored (built-ins: their JSON)
  bool builtin = false;
  int64_t created_ms = 0;  // 0 for built-ins
  int64_t updated_ms = 0;
  std::vector<std::string> users;   // attached to (names); filled by GetPolicy only
  std::vector<std::string> groups;  // filled by GetPolicy only
};

struct CreateUserRequest {
  std::string name;
  std::string password;               // "" for a keys-only user
  std::vector<std::string> policies;  // attached at creation
};

class IdentityService {
 public:
  // Everything must outlive the service. `root` is the root credential.
  IdentityService(meta::IdentityStore& store, const auth::MasterKey& master_key,
                  auth::Credential root, const common::Clock& clock, common::Random& random,
                  IdentityOptions options = {});
  ~IdentityService();

  // --- Authentication ---

  // SigV4's credential source: root, then access keys in the store (a
  // disabled key, or a key of a disabled user, is unknown). Credential::user
  // is the user name, Credential::user_id the user id ("" for root).
  auth::CredentialStore& credentials();
  // The Caller behind a credential returned by credentials().
  Caller CallerFor(const auth::Credential& credential) const;

  // Password login. `remote_address` is the client's IP address without a
  // port (the limiter counts per address). kTooManyRequests past the
  // failed-login limit (per name and per address); kAccessDenied for a wrong name or password or a
  // disabled user (one message for all, and the same time spent).
  common::Result<Session> Login(std::string_view user_name, std::string_view password,
                                std::string_view remote_address);
  // Spends the refresh token and returns a new session in the same family.
  // kInvalidToken for an unknown, expired or revoked token; a token spent
  // before revokes its whole family.
  common::Result<Session> Refresh(std::string_view refresh_token);
  // Revokes the token's family. kInvalidToken when unknown.
  common::Status Logout(std::string_view refresh_token);
  // A caller from an access token (Authorization: Bearer). kInvalidToken for
  // a bad, expired or non-access token, or a user since deleted or disabled.
  common::Result<Caller> AuthenticateBearer(std::string_view token);

  // --- Authorization ---

  // The decision for `request` (action, resource and context filled by the
  // caller; the principal is set here) under the caller's identity policies
  // (direct and through groups) and `bucket_policy` (a stored bucket policy's
  // JSON, "" for none). Root is always allowed; anonymous callers have only
  // the bucket policy. kUnavailable/kInternal when the store fails; a stored
  // policy that no longer parses counts as absent (and is logged).
  common::Result<auth::policy::Decision> Authorize(const Caller& caller,
                                                   auth::policy::Request request,
                                                   std::string_view bucket_policy);
  // OK when `caller` may perform admin `action` (on "*"); kAccessDenied
  // otherwise.
  common::Status RequireAdmin(const Caller& caller, std::string_view action);

  // --- Users ---
  common::Result<UserInfo> Whoami(const Caller& caller);
  // kInvalidArgument for a bad name (IAM's rule: [A-Za-z0-9+=,.@_-]{1,64}),
  // the root user's name, or a password shorter than 8 bytes;
  // kEntityAlreadyExists; kNoSuchEntity for an unknown policy.
  common::Result<UserInfo> CreateUser(const Caller& caller, const CreateUserRequest& request);
  common::Result<std::vector<UserInfo>> ListUsers(const Caller& caller);
  common::Result<UserInfo> GetUser(const Caller& caller, std::string_view name);
  // Deletes the user with its keys, attachments, memberships and sessions.
  common::Status DeleteUser(const Caller& caller, std::string_view name);
  // Disabling also ends the user's sessions; its keys stop working at once.
  common::Status SetUserDisabled(const Caller& caller, std::string_view name, bool disabled);
  // Ends the user's sessions: refresh tokens are revoked, and access tokens
  // issued before the change stop working (they carry a digest of the
  // password hash).
  common::Status SetPassword(const Caller& caller, std::string_view name,
                             std::string_view password);

  // --- Access keys ---
  // A new key for user `user_name` (20 upper-case letters and digits) and
  // secret (40 characters).
  common::Result<NewKey> CreateAccessKey(const Caller& caller, std::string_view user_name,
                                         std::string_view description);
  // One user's keys, or every key when user_name is "".
  common::Result<std::vector<KeyInfo>> ListAccessKeys(const Caller& caller,
                                                      std::string_view user_name);
  common::Status DeleteAccessKey(const Caller& caller, std::string_view access_key);
  common::Status SetAccessKeyDisabled(const Caller& caller, std::string_view access_key,
                                      bool disabled);

  // --- Groups ---
  common::Result<GroupInfo> CreateGroup(const Caller& caller, std::string_view name);
  common::Result<std::vector<GroupInfo>> ListGroups(const Caller& caller);
  common::Result<GroupInfo> GetGroup(const Caller& caller, std::string_view name);
  // kDeleteConflict while it has members.
  common::Status DeleteGroup(const Caller& caller, std::string_view name);
  common::Status AddGroupMember(const Caller& caller, std::string_view group,
                                std::string_view user_name);
  common::Status RemoveGroupMember(const Caller& caller, std::string_view group,
                                   std::string_view user_name);

  // --- Policies ---
  // Creates or replaces a policy. kMalformedPolicy (message says where) for
  // a document that does not parse as an identity policy; kInvalidArgument
  // for a bad name or a built-in's name. A document that grants any admin:
  // action needs admin:GrantAdmin.
  common::Result<PolicyInfo> PutPolicy(const Caller& caller, std::string_view name,
                                       std::string_view document);
  // Built-ins first (in ManagedPolicyNames order), then stored ones by name.
  common::Result<std::vector<PolicyInfo>> ListPolicies(const Caller& caller);
  common::Result<PolicyInfo> GetPolicy(const Caller& caller, std::string_view name);
  // kDeleteConflict while attached; kInvalidArgument for a built-in.
  common::Status DeletePolicy(const Caller& caller, std::string_view name);
  // Exactly one of user_name and group_name is non-empty.
  common::Status AttachPolicy(const Caller& caller, std::string_view policy,
                              std::string_view user_name, std::string_view group_name);
  common::Status DetachPolicy(const Caller& caller, std::string_view policy,
                              std::string_view user_name, std::string_view group_name);

  // Implementation detail (identity/internal/service_impl.h), public only so
  // the service's source files can share helpers.
  struct Impl;

 private:
  class KeyCredentials;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::identity
