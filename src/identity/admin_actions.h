// The admin API's IAM actions (policy "Action" values; the built-in `admin`
// role holds admin:*, `diagnostics` the read-only ones it names in
// auth/policy/managed.h). Every admin endpoint requires exactly one.
#pragma once

#include <string_view>

namespace strata::identity::admin_action {

inline constexpr std::string_view kServerInfo = "admin:ServerInfo";  // storage figures
inline constexpr std::string_view kHeal = "admin:Heal";              // heal status, start a pass
inline constexpr std::string_view kGc = "admin:GarbageCollect";      // run a GC pass
inline constexpr std::string_view kListUsers = "admin:ListUsers";    // list and get users
inline constexpr std::string_view kCreateUser = "admin:CreateUser";
inline constexpr std::string_view kDeleteUser = "admin:DeleteUser";
inline constexpr std::string_view kEnableUser = "admin:EnableUser";  // enable and disable
inline constexpr std::string_view kSetPassword = "admin:SetUserPassword";
inline constexpr std::string_view kListKeys = "admin:ListAccessKeys";
inline constexpr std::string_view kCreateKey = "admin:CreateAccessKey";
inline constexpr std::string_view kDeleteKey = "admin:DeleteAccessKey";
inline constexpr std::string_view kEnableKey = "admin:EnableAccessKey";  // enable and disable
inline constexpr std::string_view kListGroups = "admin:ListGroups";
inline constexpr std::string_view kCreateGroup = "admin:CreateGroup";
inline constexpr std::string_view kDeleteGroup = "admin:DeleteGroup";
inline constexpr std::string_view kUpdateGroupMembers = "admin:UpdateGroupMembers";
inline constexpr std::string_view kListPolicies = "admin:ListPolicies";  // list and get
inline constexpr std::string_view kCreatePolicy = "admin:CreatePolicy";  // create and replace
inline constexpr std::string_view kDeletePolicy = "admin:DeletePolicy";
inline constexpr std::string_view kAttachPolicy = "admin:AttachPolicy";  // attach and detach
// Read the audit trail (GET audit). Only in admin:*, not in `diagnostics`:
// its rows name users, access keys, client addresses and object keys.
inline constexpr std::string_view kGetAuditLog = "admin:GetAuditLog";
// Not an endpoint: held only by full administrators (admin:*), and required
// on top of kCreateUser/kAttachPolicy to hand out any policy that grants an
// admin: action, so a user manager cannot mint administrators.
inline constexpr std::string_view kGrantAdmin = "admin:GrantAdmin";

}  // namespace strata::identity::admin_action
