// IdentityService: users and access keys.
#include <algorithm>

#include "auth/session/password.h"
#include "common/random.h"
#include "identity/admin_actions.h"
#include "identity/identity_service.h"
#include "identity/internal/service_impl.h"

namespace strata::identity {

using common::Code;
using common::Error;
namespace action = admin_action;

namespace {

constexpr size_t kMinPassword = 8;
constexpr size_t kMaxPassword = 1024;

common::Status CheckPassword(std::string_view password) {
  if (password.size() < kMinPassword) {
    return Error(Code::kInvalidArgument, "a password needs at least 8 characters");
  }
  if (password.size() > kMaxPassword) {
    return Error(Code::kInvalidArgument, "a password may have at most 1024 bytes");
  }
  return common::Status::Ok();
}

bool IsSelf(const Caller& caller, const meta::User& user) {
  return caller.kind == Caller::Kind::kUser && caller.user_id == user.id;
}

// 20 characters of [A-Z0-9], as AWS access key ids look.
std::string NewAccessKeyId(common::Random& random) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string bytes = random.Bytes(20);
  std::string id = "SK";
  for (size_t i = 2; i < 20; ++i) {
    // 256 is not a multiple of 36: the bias (< 1 %) costs nothing here, the
    // id is not a secret.
    id += kAlphabet[static_cast<unsigned char>(bytes[i]) % kAlphabet.size()];
  }
  return id;
}

}  // namespace

common::Result<meta::User> IdentityService::Impl::FindUser(std::string_view name) {
  if (!internal::ValidPrincipalName(name)) {
    return Error(Code::kNoSuchEntity, "no user named '" + std::string(name) + "'");
  }
  auto user = store.GetUserByName(name);
  if (!user.ok() && user.status().code() == Code::kNoSuchEntity) {
    return Error(Code::kNoSuchEntity, "no user named '" + std::string(name) + "'");
  }
  return user;
}

common::Result<UserInfo> IdentityService::Impl::DescribeUser(const meta::User& user) {
  UserInfo info{.id = user.id,
                .name = user.name,
                .disabled = user.disabled,
                .root = false,
                .has_password = !user.password_hash.empty(),
                .created_ms = user.created_ms,
                .policies = {},
                .groups = {}};
  STRATA_ASSIGN_OR_RETURN(info.policies,
                          store.ListAttachedPolicies(meta::PrincipalKind::kUser, user.id));
  STRATA_ASSIGN_OR_RETURN(info.groups, store.ListUserGroups(user.id));
  return info;
}

// --- Users -------------------------------------------------------------------

common::Result<UserInfo> IdentityService::Whoami(const Caller& caller) {
  if (caller.is_root()) {
    return UserInfo{.id = "",
                    .name = impl_->root.access_key,
                    .disabled = false,
                    .root = true,
                    .has_password = true,
                    .created_ms = 0,
                    .policies = {"admin"},
                    .groups = {}};
  }
  if (caller.anonymous()) return Error(Code::kAccessDenied, "authentication required");
  STRATA_ASSIGN_OR_RETURN(meta::User user, impl_->store.GetUser(caller.user_id));
  return impl_->DescribeUser(user);
}

common::Result<UserInfo> IdentityService::CreateUser(const Caller& caller,
                                                     const CreateUserRequest& request) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kCreateUser));
  if (!internal::ValidPrincipalName(request.name)) {
    return Error(Code::kInvalidArgument,
                 "a user name is 1 to 64 of A-Z a-z 0-9 + = , . @ _ -: '" + request.name + "'");
  }
  if (request.name == impl.root.access_key) {
    return Error(Code::kInvalidArgument, "the root user's name is taken");
  }
  if (!request.password.empty()) STRATA_RETURN_IF_ERROR(CheckPassword(request.password));
  if (!request.policies.empty())
    STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kAttachPolicy));
  for (const std::string& name : request.policies) {
    STRATA_RETURN_IF_ERROR(impl.CheckGrant(caller, name));
  }
  std::string hash;
  if (!request.password.empty()) {
    STRATA_ASSIGN_OR_RETURN(
        hash, auth::HashPassword(request.password, impl.random, impl.options.password_cost));
  }
  meta::User user{.id = impl.NewId("u"),
                  .name = request.name,
                  .password_hash = std::move(hash),
                  .disabled = false,
                  .created_ms = impl.clock.NowMillis()};
  common::Status created = impl.store.CreateUser(user);
  if (created.code() == Code::kEntityAlreadyExists) {
    return Error(Code::kEntityAlreadyExists, "a user named '" + request.name + "' exists");
  }
  STRATA_RETURN_IF_ERROR(created);
  for (const std::string& name : request.policies) {
    STRATA_RETURN_IF_ERROR(impl.store.AttachPolicy(
        {.policy = name, .kind = meta::PrincipalKind::kUser, .principal = user.id}));
  }
  return impl.DescribeUser(user);
}

common::Result<std::vector<UserInfo>> IdentityService::ListUsers(const Caller& caller) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kListUsers));
  STRATA_ASSIGN_OR_RETURN(std::vector<meta::User> users, impl.store.ListUsers());
  std::vector<UserInfo> out;
  for (const meta::User& user : users) {
    if (user.id == internal::kRootUserId) continue;
    STRATA_ASSIGN_OR_RETURN(UserInfo info, impl.DescribeUser(user));
    out.push_back(std::move(info));
  }
  return out;
}

common::Result<UserInfo> IdentityService::GetUser(const Caller& caller, std::string_view name) {
  Impl& impl = *impl_;
  if (caller.kind == Caller::Kind::kUser && caller.user_name == name) return Whoami(caller);
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kListUsers));
  STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(name));
  return impl.DescribeUser(user);
}

common::Status IdentityService::DeleteUser(const Caller& caller, std::string_view name) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kDeleteUser));
  STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(name));
  if (IsSelf(caller, user)) return Error(Code::kInvalidArgument, "a user cannot delete itself");
  return impl.store.DeleteUser(user.id);
}

common::Status IdentityService::SetUserDisabled(const Caller& caller, std::string_view name,
                                                bool disabled) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kEnableUser));
  STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(name));
  if (IsSelf(caller, user)) {
    return Error(Code::kInvalidArgument, "a user cannot enable or disable itself");
  }
  user.disabled = disabled;
  STRATA_RETURN_IF_ERROR(impl.store.UpdateUser(user));
  if (disabled) STRATA_RETURN_IF_ERROR(impl.store.RevokeUserRefreshTokens(user.id));
  return common::Status::Ok();
}

common::Status IdentityService::SetPassword(const Caller& caller, std::string_view name,
                                            std::string_view password) {
  Impl& impl = *impl_;
  const bool self = caller.kind == Caller::Kind::kUser && caller.user_name == name;
  if (!self) STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kSetPassword));
  STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(name));
  STRATA_RETURN_IF_ERROR(CheckPassword(password));
  STRATA_ASSIGN_OR_RETURN(user.password_hash,
                          auth::HashPassword(password, impl.random, impl.options.password_cost));
  STRATA_RETURN_IF_ERROR(impl.store.UpdateUser(user));
  // Whoever held the old password may hold a session: end them all.
  return impl.store.RevokeUserRefreshTokens(user.id);
}

// --- Access keys -------------------------------------------------------------

common::Result<NewKey> IdentityService::CreateAccessKey(const Caller& caller,
                                                        std::string_view user_name,
                                                        std::string_view description) {
  Impl& impl = *impl_;
  const bool self = caller.kind == Caller::Kind::kUser && caller.user_name == user_name;
  if (!self) STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kCreateKey));
  if (description.size() > 256) {
    return Error(Code::kInvalidArgument, "a key description may have at most 256 bytes");
  }
  STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(user_name));
  std::string secret = common::RandomAlnum(impl.random, 40);
  meta::AccessKey key{.access_key = NewAccessKeyId(impl.random),
                      .user_id = user.id,
                      .sealed_secret = "",
                      .disabled = false,
                      .created_ms = impl.clock.NowMillis(),
                      .description = std::string(description)};
  key.sealed_secret = impl.secret_box.Seal(secret, key.access_key, impl.random);
  STRATA_RETURN_IF_ERROR(impl.store.CreateAccessKey(key));
  return NewKey{.info = KeyInfo{.access_key = key.access_key,
                                .user_name = user.name,
                                .disabled = false,
                                .created_ms = key.created_ms,
                                .description = key.description},
                .secret_key = std::move(secret)};
}

common::Result<std::vector<KeyInfo>> IdentityService::ListAccessKeys(const Caller& caller,
                                                                     std::string_view user_name) {
  Impl& impl = *impl_;
  const bool self = caller.kind == Caller::Kind::kUser && caller.user_name == user_name;
  if (!self) STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kListKeys));
  std::vector<KeyInfo> out;
  if (!user_name.empty()) {
    STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(user_name));
    STRATA_ASSIGN_OR_RETURN(std::vector<meta::AccessKey> keys, impl.store.ListAccessKeys(user.id));
    for (const meta::AccessKey& key : keys) {
      out.push_back({key.access_key, user.name, key.disabled, key.created_ms, key.description});
    }
    return out;
  }
  STRATA_ASSIGN_OR_RETURN(std::vector<meta::User> users, impl.store.ListUsers());
  for (const meta::User& user : users) {
    STRATA_ASSIGN_OR_RETURN(std::vector<meta::AccessKey> keys, impl.store.ListAccessKeys(user.id));
    for (const meta::AccessKey& key : keys) {
      out.push_back({key.access_key, user.name, key.disabled, key.created_ms, key.description});
    }
  }
  return out;
}

namespace {

// The key, if the caller may manage it: its own, or any with `required`.
// Callers without `required` learn nothing about other users' keys.
common::Result<meta::AccessKey> KeyFor(IdentityService::Impl& impl, const Caller& caller,
                                       std::string_view access_key, std::string_view required) {
  common::Status allowed = impl.Require(caller, required);
  if (!allowed.ok() && allowed.code() != Code::kAccessDenied) return allowed;
  auto key = impl.store.GetAccessKey(access_key);
  if (!allowed.ok()) {
    if (key.ok() && caller.kind == Caller::Kind::kUser && key->user_id == caller.user_id) {
      return key;
    }
    if (!key.ok() && key.status().code() != Code::kNoSuchEntity) return key.status();
    return allowed;
  }
  if (!key.ok() && key.status().code() == Code::kNoSuchEntity) {
    return Error(Code::kNoSuchEntity, "no access key '" + std::string(access_key) + "'");
  }
  return key;
}

}  // namespace

common::Status IdentityService::DeleteAccessKey(const Caller& caller, std::string_view access_key) {
  STRATA_ASSIGN_OR_RETURN(meta::AccessKey key,
                          KeyFor(*impl_, caller, access_key, action::kDeleteKey));
  return impl_->store.DeleteAccessKey(key.access_key);
}

common::Status IdentityService::SetAccessKeyDisabled(const Caller& caller,
                                                     std::string_view access_key, bool disabled) {
  STRATA_ASSIGN_OR_RETURN(meta::AccessKey key,
                          KeyFor(*impl_, caller, access_key, action::kEnableKey));
  return impl_->store.SetAccessKeyDisabled(key.access_key, disabled);
}

}  // namespace strata::identity
