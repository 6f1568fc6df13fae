// IdentityService's state and the helpers its three source files share
// (identity_service.cc: authentication, sessions, authorization;
// identity_users.cc: users and keys; identity_policies.cc: groups and
// policies).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/credentials.h"
#include "auth/policy/document.h"
#include "auth/policy/evaluator.h"
#include "auth/policy/request.h"
#include "auth/session/jwt.h"
#include "auth/session/login_limiter.h"
#include "auth/session/master_key.h"
#include "auth/session/secret_box.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "identity/caller.h"
#include "identity/identity_service.h"
#include "meta/identity_store.h"

namespace strata::identity::internal {

// The root user's sessions need a users row (refresh tokens name a user). It
// has this id and a name no real user can take (user names cannot hold '(');
// listings skip it.
inline constexpr std::string_view kRootUserId = "root";
inline constexpr std::string_view kRootRowName = "(root)";

// Parsed policy documents by their text: the per-request path parses each
// distinct document once. Bounded: cleared when it reaches kMaxEntries.
class PolicyCache {
 public:
  // Null (and logs) when the text does not parse: a stored document that
  // no longer parses grants nothing.
  std::shared_ptr<const auth::policy::Policy> Get(std::string_view text,
                                                  auth::policy::PolicyKind kind);

 private:
  static constexpr size_t kMaxEntries = 1024;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const auth::policy::Policy>> identity_;
  std::unordered_map<std::string, std::shared_ptr<const auth::policy::Policy>> bucket_;
};

// A short digest of a password hash, carried in access tokens: a password
// change voids the tokens issued before it.
std::string CredentialTag(std::string_view password_hash);

// Validation rules shared by users, groups and policies.
// IAM's user and group names: [A-Za-z0-9+=,.@_-]{1,64}.
bool ValidPrincipalName(std::string_view name);
// IAM's policy names: [A-Za-z0-9+=,.@_-]{1,128}.
bool ValidPolicyName(std::string_view name);
// Whether any Allow statement of `policy` can grant an admin: action
// (NotAction counts as granting everything it does not list).
bool GrantsAdmin(const auth::policy::Policy& policy);

}  // namespace strata::identity::internal

namespace strata::identity {

struct IdentityService::Impl {
  Impl(meta::IdentityStore& store, const auth::MasterKey& master_key, auth::Credential root,
       const common::Clock& clock, common::Random& random, IdentityOptions options);

  // IdentityService::Authorize.
  common::Result<auth::policy::Decision> Authorize(const Caller& caller,
                                                   auth::policy::Request request,
                                                   std::string_view bucket_policy);
  // OK when the caller may perform admin `action` (on "*"); kAccessDenied
  // otherwise.
  common::Status Require(const Caller& caller, std::string_view action);
  // The user named `name` (never the root row); kNoSuchEntity.
  common::Result<meta::User> FindUser(std::string_view name);
  // Built-in or stored policy by name; kNoSuchEntity.
  common::Result<std::shared_ptr<const auth::policy::Policy>> LoadPolicy(std::string_view name);
  // Requires admin:GrantAdmin when `policy` names a policy granting admin.
  common::Status CheckGrant(const Caller& caller, std::string_view policy);
  common::Result<UserInfo> DescribeUser(const meta::User& user);
  // credential_tag: CredentialTag of the user's password hash ("" for root).
  common::Result<Session> IssueSession(std::string_view user_id, std::string_view user_name,
                                       std::string_view family_id, std::string_view credential_tag);
  // Spends a refresh token; kInvalidToken for a bad, unknown, expired or
  // replayed one (a replay revokes its family).
  common::Result<meta::RefreshToken> Spend(std::string_view refresh_token);
  // A fresh id: prefix + 24 hex characters.
  std::string NewId(std::string_view prefix);

  meta::IdentityStore& store;
  auth::SecretBox secret_box;
  auth::JwtSigner jwt;
  auth::Credential root;
  const common::Clock& clock;
  common::Random& random;
  IdentityOptions options;
  auth::LoginLimiter limiter;
  internal::PolicyCache policies;
  std::unique_ptr<KeyCredentials> credentials;
};

}  // namespace strata::identity
