// IdentityService: groups, policies and attachments, and the validation rules
// they share with users.
#include <algorithm>

#include "auth/policy/managed.h"
#include "auth/policy/parser.h"
#include "auth/policy/wildcard.h"
#include "identity/admin_actions.h"
#include "identity/identity_service.h"
#include "identity/internal/service_impl.h"

namespace strata::identity {

using common::Code;
using common::Error;
namespace action = admin_action;
namespace policy = auth::policy;

namespace internal {

namespace {

bool NameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '=' || c == ',' || c == '.' || c == '@' || c == '_' || c == '-';
}

bool ValidName(std::string_view name, size_t max) {
  return !name.empty() && name.size() <= max && std::all_of(name.begin(), name.end(), NameChar);
}

// Every admin action a policy could grant.
constexpr std::string_view kAdminActions[] = {
    action::kServerInfo,   action::kHeal,
    action::kGc,           action::kListUsers,
    action::kCreateUser,   action::kDeleteUser,
    action::kEnableUser,   action::kSetPassword,
    action::kListKeys,     action::kCreateKey,
    action::kDeleteKey,    action::kEnableKey,
    action::kListGroups,   action::kCreateGroup,
    action::kDeleteGroup,  action::kUpdateGroupMembers,
    action::kListPolicies, action::kCreatePolicy,
    action::kDeletePolicy, action::kAttachPolicy,
    action::kGrantAdmin,   "admin:Metrics",
    "admin:Trace",         "admin:ConsoleLog",
    "admin:Profiling",
};

}  // namespace

bool ValidPrincipalName(std::string_view name) { return ValidName(name, 64); }
bool ValidPolicyName(std::string_view name) { return ValidName(name, 128); }

bool GrantsAdmin(const policy::Policy& p) {
  for (const policy::Statement& statement : p.statements) {
    if (statement.effect != policy::Effect::kAllow) continue;
    for (std::string_view admin : kAdminActions) {
      bool listed =
          std::any_of(statement.actions.begin(), statement.actions.end(),
                      [&](const std::string& a) { return policy::MatchAction(a, admin); });
      if (listed != statement.not_action) return true;
    }
  }
  return false;
}

}  // namespace internal

namespace {

bool IsBuiltin(std::string_view name) { return policy::ManagedPolicyJson(name).has_value(); }

}  // namespace

common::Status IdentityService::Impl::CheckGrant(const Caller& caller, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<const policy::Policy> p, LoadPolicy(name));
  if (p && internal::GrantsAdmin(*p)) return Require(caller, action::kGrantAdmin);
  return common::Status::Ok();
}

// --- Groups ------------------------------------------------------------------

namespace {

common::Result<GroupInfo> Describe(meta::IdentityStore& store, const meta::Group& group) {
  GroupInfo info{.name = group.name, .created_ms = group.created_ms, .members = {}, .policies = {}};
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> ids, store.ListGroupMembers(group.name));
  for (const std::string& id : ids) {
    auto user = store.GetUser(id);
    if (user.ok()) info.members.push_back(user->name);
  }
  std::sort(info.members.begin(), info.members.end());
  STRATA_ASSIGN_OR_RETURN(info.policies,
                          store.ListAttachedPolicies(meta::PrincipalKind::kGroup, group.name));
  return info;
}

common::Status NoSuchGroup(std::string_view name) {
  return Error(Code::kNoSuchEntity, "no group named '" + std::string(name) + "'");
}

common::Result<meta::Group> FindGroup(meta::IdentityStore& store, std::string_view name) {
  if (!internal::ValidPrincipalName(name)) return NoSuchGroup(name);
  auto group = store.GetGroup(name);
  if (!group.ok() && group.status().code() == Code::kNoSuchEntity) return NoSuchGroup(name);
  return group;
}

}  // namespace

common::Result<GroupInfo> IdentityService::CreateGroup(const Caller& caller,
                                                       std::string_view name) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kCreateGroup));
  if (!internal::ValidPrincipalName(name)) {
    return Error(Code::kInvalidArgument, "a group name is 1 to 64 of A-Z a-z 0-9 + = , . @ _ -: '" +
                                             std::string(name) + "'");
  }
  meta::Group group{.name = std::string(name), .created_ms = impl.clock.NowMillis()};
  common::Status created = impl.store.CreateGroup(group);
  if (created.code() == Code::kEntityAlreadyExists) {
    return Error(Code::kEntityAlreadyExists, "a group named '" + group.name + "' exists");
  }
  STRATA_RETURN_IF_ERROR(created);
  return Describe(impl.store, group);
}

common::Result<std::vector<GroupInfo>> IdentityService::ListGroups(const Caller& caller) {
  STRATA_RETURN_IF_ERROR(impl_->Require(caller, action::kListGroups));
  STRATA_ASSIGN_OR_RETURN(std::vector<meta::Group> groups, impl_->store.ListGroups());
  std::vector<GroupInfo> out;
  for (const meta::Group& group : groups) {
    STRATA_ASSIGN_OR_RETURN(GroupInfo info, Describe(impl_->store, group));
    out.push_back(std::move(info));
  }
  return out;
}

common::Result<GroupInfo> IdentityService::GetGroup(const Caller& caller, std::string_view name) {
  STRATA_RETURN_IF_ERROR(impl_->Require(caller, action::kListGroups));
  STRATA_ASSIGN_OR_RETURN(meta::Group group, FindGroup(impl_->store, name));
  return Describe(impl_->store, group);
}

common::Status IdentityService::DeleteGroup(const Caller& caller, std::string_view name) {
  STRATA_RETURN_IF_ERROR(impl_->Require(caller, action::kDeleteGroup));
  STRATA_ASSIGN_OR_RETURN(meta::Group group, FindGroup(impl_->store, name));
  common::Status deleted = impl_->store.DeleteGroup(group.name);
  if (deleted.code() == Code::kDeleteConflict) {
    return Error(Code::kDeleteConflict,
                 "group '" + group.name + "' still has members; remove them first");
  }
  return deleted;
}

common::Status IdentityService::AddGroupMember(const Caller& caller, std::string_view group_name,
                                               std::string_view user_name) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kUpdateGroupMembers));
  STRATA_ASSIGN_OR_RETURN(meta::Group group, FindGroup(impl.store, group_name));
  STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(user_name));
  // Joining a group is gaining its policies: the same rules as attaching.
  if (caller.kind == Caller::Kind::kUser && caller.user_id == user.id) {
    return Error(Code::kAccessDenied, "a user cannot add itself to a group");
  }
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> held,
                          impl.store.ListAttachedPolicies(meta::PrincipalKind::kGroup, group.name));
  for (const std::string& name : held) {
    common::Status grant = impl.CheckGrant(caller, name);
    if (!grant.ok() && grant.code() != Code::kNoSuchEntity) return grant;
  }
  return impl.store.AddGroupMember(group.name, user.id);
}

common::Status IdentityService::RemoveGroupMember(const Caller& caller, std::string_view group_name,
                                                  std::string_view user_name) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kUpdateGroupMembers));
  STRATA_ASSIGN_OR_RETURN(meta::Group group, FindGroup(impl.store, group_name));
  STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(user_name));
  common::Status removed = impl.store.RemoveGroupMember(group.name, user.id);
  if (removed.code() == Code::kNoSuchEntity) {
    return Error(Code::kNoSuchEntity,
                 "'" + user.name + "' is not a member of group '" + group.name + "'");
  }
  return removed;
}

// --- Policies ----------------------------------------------------------------

namespace {

PolicyInfo Builtin(std::string_view name) {
  return PolicyInfo{.name = std::string(name),
                    .document = std::string(*policy::ManagedPolicyJson(name)),
                    .builtin = true};
}

PolicyInfo FromStored(const meta::StoredPolicy& stored) {
  return PolicyInfo{.name = stored.name,
                    .document = stored.document,
                    .builtin = false,
                    .created_ms = stored.created_ms,
                    .updated_ms = stored.updated_ms};
}

common::Status NoSuchPolicy(std::string_view name) {
  return Error(Code::kNoSuchEntity, "no policy named '" + std::string(name) + "'");
}

}  // namespace

common::Result<PolicyInfo> IdentityService::PutPolicy(const Caller& caller, std::string_view name,
                                                      std::string_view document) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kCreatePolicy));
  if (!internal::ValidPolicyName(name)) {
    return Error(Code::kInvalidArgument, "a policy name is 1 to 128 of A-Z a-z 0-9 + = , . @ _ -");
  }
  if (IsBuiltin(name)) {
    return Error(Code::kInvalidArgument,
                 "'" + std::string(name) + "' is a built-in policy and cannot be replaced");
  }
  STRATA_ASSIGN_OR_RETURN(policy::Policy parsed,
                          policy::ParsePolicy(document, {.kind = policy::PolicyKind::kIdentity}));
  if (internal::GrantsAdmin(parsed)) {
    STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kGrantAdmin));
  }
  const int64_t now_ms = impl.clock.NowMillis();
  meta::StoredPolicy stored{.name = std::string(name),
                            .document = std::string(document),
                            .created_ms = now_ms,
                            .updated_ms = now_ms};
  STRATA_RETURN_IF_ERROR(impl.store.PutPolicy(stored));
  STRATA_ASSIGN_OR_RETURN(meta::StoredPolicy saved, impl.store.GetPolicy(name));
  return FromStored(saved);
}

common::Result<std::vector<PolicyInfo>> IdentityService::ListPolicies(const Caller& caller) {
  STRATA_RETURN_IF_ERROR(impl_->Require(caller, action::kListPolicies));
  std::vector<PolicyInfo> out;
  for (std::string_view name : policy::ManagedPolicyNames()) out.push_back(Builtin(name));
  STRATA_ASSIGN_OR_RETURN(std::vector<meta::StoredPolicy> stored, impl_->store.ListPolicies());
  for (const meta::StoredPolicy& p : stored) out.push_back(FromStored(p));
  return out;
}

common::Result<PolicyInfo> IdentityService::GetPolicy(const Caller& caller, std::string_view name) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kListPolicies));
  PolicyInfo info;
  if (IsBuiltin(name)) {
    info = Builtin(name);
  } else {
    if (!internal::ValidPolicyName(name)) return NoSuchPolicy(name);
    auto stored = impl.store.GetPolicy(name);
    if (!stored.ok()) {
      if (stored.status().code() == Code::kNoSuchEntity) return NoSuchPolicy(name);
      return stored.status();
    }
    info = FromStored(*stored);
  }
  STRATA_ASSIGN_OR_RETURN(std::vector<meta::PolicyAttachment> attachments,
                          impl.store.ListPolicyAttachments(name));
  for (const meta::PolicyAttachment& a : attachments) {
    if (a.kind == meta::PrincipalKind::kGroup) {
      info.groups.push_back(a.principal);
    } else if (auto user = impl.store.GetUser(a.principal); user.ok()) {
      info.users.push_back(user->name);
    }
  }
  std::sort(info.users.begin(), info.users.end());
  return info;
}

common::Status IdentityService::DeletePolicy(const Caller& caller, std::string_view name) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kDeletePolicy));
  if (IsBuiltin(name)) {
    return Error(Code::kInvalidArgument,
                 "'" + std::string(name) + "' is a built-in policy and cannot be deleted");
  }
  if (!internal::ValidPolicyName(name)) return NoSuchPolicy(name);
  common::Status deleted = impl.store.DeletePolicy(name);
  if (deleted.code() == Code::kNoSuchEntity) return NoSuchPolicy(name);
  if (deleted.code() == Code::kDeleteConflict) {
    return Error(Code::kDeleteConflict,
                 "policy '" + std::string(name) + "' is attached; detach it first");
  }
  return deleted;
}

namespace {

struct Target {
  meta::PolicyAttachment attachment;
  bool includes_caller = false;  // the caller is the user, or a member of the group
};

common::Result<Target> ResolveTarget(IdentityService::Impl& impl, const Caller& caller,
                                     std::string_view policy_name, std::string_view user_name,
                                     std::string_view group_name) {
  if (user_name.empty() == group_name.empty()) {
    return Error(Code::kInvalidArgument, "name exactly one of a user and a group");
  }
  Target target;
  target.attachment.policy = std::string(policy_name);
  if (!user_name.empty()) {
    STRATA_ASSIGN_OR_RETURN(meta::User user, impl.FindUser(user_name));
    target.attachment.kind = meta::PrincipalKind::kUser;
    target.attachment.principal = user.id;
    target.includes_caller = caller.kind == Caller::Kind::kUser && caller.user_id == user.id;
  } else {
    STRATA_ASSIGN_OR_RETURN(meta::Group group, FindGroup(impl.store, group_name));
    target.attachment.kind = meta::PrincipalKind::kGroup;
    target.attachment.principal = group.name;
    if (caller.kind == Caller::Kind::kUser) {
      STRATA_ASSIGN_OR_RETURN(std::vector<std::string> groups,
                              impl.store.ListUserGroups(caller.user_id));
      target.includes_caller = std::find(groups.begin(), groups.end(), group.name) != groups.end();
    }
  }
  return target;
}

}  // namespace

common::Status IdentityService::AttachPolicy(const Caller& caller, std::string_view policy_name,
                                             std::string_view user_name,
                                             std::string_view group_name) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kAttachPolicy));
  STRATA_ASSIGN_OR_RETURN(Target target,
                          ResolveTarget(impl, caller, policy_name, user_name, group_name));
  if (target.includes_caller) {
    return Error(Code::kAccessDenied, "a user cannot attach a policy to itself or its groups");
  }
  common::Status grant = impl.CheckGrant(caller, policy_name);
  if (grant.code() == Code::kNoSuchEntity) return NoSuchPolicy(policy_name);
  STRATA_RETURN_IF_ERROR(grant);
  return impl.store.AttachPolicy(target.attachment);
}

common::Status IdentityService::DetachPolicy(const Caller& caller, std::string_view policy_name,
                                             std::string_view user_name,
                                             std::string_view group_name) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.Require(caller, action::kAttachPolicy));
  STRATA_ASSIGN_OR_RETURN(Target target,
                          ResolveTarget(impl, caller, policy_name, user_name, group_name));
  common::Status detached = impl.store.DetachPolicy(target.attachment);
  if (detached.code() == Code::kNoSuchEntity) {
    return Error(Code::kNoSuchEntity, "policy '" + std::string(policy_name) + "' is not attached");
  }
  return detached;
}

}  // namespace strata::identity
