// Routing of the admin API (docs/admin-api.md): a pure function from a
// request's method and path to one operation and its path parameters, or the
// error to answer, before any authentication or I/O (STYLE.md rule 4).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "admin/api_error.h"

namespace strata::admin {

// Every path of the admin API starts with this.
inline constexpr std::string_view kAdminPrefix = "/_strata/admin/v1/";

enum class AdminOp {
  // Sessions: no caller needed.
  kLogin,
  kRefresh,
  kLogout,
  // Everything below needs an authenticated caller.
  kWhoami,
  kListUsers,
  kCreateUser,
  kGetUser,
  kDeleteUser,
  kDisableUser,
  kEnableUser,
  kSetPassword,
  kListUserKeys,
  kCreateKey,
  kListKeys,
  kDeleteKey,
  kDisableKey,
  kEnableKey,
  kListGroups,
  kCreateGroup,
  kGetGroup,
  kDeleteGroup,
  kAddGroupMember,
  kRemoveGroupMember,
  kListPolicies,
  kPutPolicy,
  kGetPolicy,
  kDeletePolicy,
  kAttachPolicy,
  kDetachPolicy,
  // Storage (StorageAdmin).
  kStorage,
  kHealStatus,
  kHealStart,
  kGc,
  // The audit trail (AuditAdmin).
  kGetAuditLog,
};

struct AdminRoute {
  AdminOp op = AdminOp::kWhoami;
  // The {name} or {access_key} segment, percent-decoded; "" when the path
  // has none.
  std::string name;
  // groups/{name}/members/{user}: the user, percent-decoded; "" otherwise.
  std::string member;
};

// `path` is the request path after kAdminPrefix, still percent-encoded
// ("users/alice%40example.com/keys"). Segments are percent-decoded ('+'
// stays '+'); an empty segment (a trailing or doubled '/') matches nothing.
// Returns the route, or the error to answer:
//   404 NotFound          no endpoint has this path;
//   405 MethodNotAllowed  the path exists with other methods (the error's
//                         `allow` lists them);
//   400 InvalidArgument   a malformed %-escape.
// The query string is not looked at.
std::variant<AdminRoute, ApiError> ParseAdminRoute(std::string_view method, std::string_view path);

// Storage endpoints go to StorageAdmin, the audit log to AuditAdmin, the
// rest to IdentityAdmin.
bool IsStorageOp(AdminOp op);
bool IsAuditOp(AdminOp op);
// Whether the operation needs an authenticated caller (all but the three
// session calls).
bool NeedsCaller(AdminOp op);
// The operation's name for logs ("CreateUser").
std::string_view OpName(AdminOp op);

}  // namespace strata::admin
