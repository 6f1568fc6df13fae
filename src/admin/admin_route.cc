#include "admin/admin_route.h"

#include <initializer_list>
#include <vector>

#include "http/url.h"

namespace strata::admin {
namespace {

// "*" stands for one non-empty path parameter.
constexpr std::string_view kParam = "*";

struct RouteRow {
  std::string_view method;
  std::initializer_list<std::string_view> segments;
  AdminOp op;
  std::string_view name;
};

// docs/admin-api.md, table by table.
const RouteRow kRoutes[] = {
    {"POST", {"login"}, AdminOp::kLogin, "Login"},
    {"POST", {"refresh"}, AdminOp::kRefresh, "Refresh"},
    {"POST", {"logout"}, AdminOp::kLogout, "Logout"},
    {"GET", {"whoami"}, AdminOp::kWhoami, "Whoami"},

    {"GET", {"users"}, AdminOp::kListUsers, "ListUsers"},
    {"POST", {"users"}, AdminOp::kCreateUser, "CreateUser"},
    {"GET", {"users", kParam}, AdminOp::kGetUser, "GetUser"},
    {"DELETE", {"users", kParam}, AdminOp::kDeleteUser, "DeleteUser"},
    {"POST", {"users", kParam, "disable"}, AdminOp::kDisableUser, "DisableUser"},
    {"POST", {"users", kParam, "enable"}, AdminOp::kEnableUser, "EnableUser"},
    {"PUT", {"users", kParam, "password"}, AdminOp::kSetPassword, "SetUserPassword"},
    {"GET", {"users", kParam, "keys"}, AdminOp::kListUserKeys, "ListUserAccessKeys"},
    {"POST", {"users", kParam, "keys"}, AdminOp::kCreateKey, "CreateAccessKey"},

    {"GET", {"keys"}, AdminOp::kListKeys, "ListAccessKeys"},
    {"DELETE", {"keys", kParam}, AdminOp::kDeleteKey, "DeleteAccessKey"},
    {"POST", {"keys", kParam, "disable"}, AdminOp::kDisableKey, "DisableAccessKey"},
    {"POST", {"keys", kParam, "enable"}, AdminOp::kEnableKey, "EnableAccessKey"},

    {"GET", {"groups"}, AdminOp::kListGroups, "ListGroups"},
    {"POST", {"groups"}, AdminOp::kCreateGroup, "CreateGroup"},
    {"GET", {"groups", kParam}, AdminOp::kGetGroup, "GetGroup"},
    {"DELETE", {"groups", kParam}, AdminOp::kDeleteGroup, "DeleteGroup"},
    {"PUT", {"groups", kParam, "members", kParam}, AdminOp::kAddGroupMember, "AddGroupMember"},
    {"DELETE",
     {"groups", kParam, "members", kParam},
     AdminOp::kRemoveGroupMember,
     "RemoveGroupMember"},

    {"GET", {"policies"}, AdminOp::kListPolicies, "ListPolicies"},
    {"PUT", {"policies", kParam}, AdminOp::kPutPolicy, "PutPolicy"},
    {"GET", {"policies", kParam}, AdminOp::kGetPolicy, "GetPolicy"},
    {"DELETE", {"policies", kParam}, AdminOp::kDeletePolicy, "DeletePolicy"},
    {"POST", {"policies", kParam, "attach"}, AdminOp::kAttachPolicy, "AttachPolicy"},
    {"POST", {"policies", kParam, "detach"}, AdminOp::kDetachPolicy, "DetachPolicy"},

    {"GET", {"storage"}, AdminOp::kStorage, "StorageInfo"},
    {"GET", {"heal"}, AdminOp::kHealStatus, "HealStatus"},
    {"POST", {"heal"}, AdminOp::kHealStart, "HealStart"},
    {"POST", {"gc"}, AdminOp::kGc, "GarbageCollect"},

    {"GET", {"audit"}, AdminOp::kGetAuditLog, "GetAuditLog"},
};

// Fills the route's parameters when `segments` fit the row's pattern.
bool Matches(const RouteRow& row, const std::vector<std::string>& segments, AdminRoute& route) {
  if (row.segments.size() != segments.size()) return false;
  std::vector<const std::string*> params;
  size_t i = 0;
  for (std::string_view pattern : row.segments) {
    const std::string& segment = segments[i++];
    if (pattern == kParam) {
      if (segment.empty()) return false;
      params.push_back(&segment);
    } else if (segment != pattern) {
      return false;
    }
  }
  route.name = params.size() > 0 ? *params[0] : "";
  route.member = params.size() > 1 ? *params[1] : "";
  return true;
}

}  // namespace

std::variant<AdminRoute, ApiError> ParseAdminRoute(std::string_view method, std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string_view raw = path.substr(start, slash - start);
    // '+' is a plus in a path (user names may hold one), not a space.
    std::optional<std::string> decoded = http::PercentDecode(raw, /*plus_as_space=*/false);
    if (!decoded) {
      return ApiError{.http_status = 400,
                      .code = "InvalidArgument",
                      .message = "malformed percent-escape in the request path"};
    }
    segments.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }

  std::string allow;
  for (const RouteRow& row : kRoutes) {
    AdminRoute route;
    if (!Matches(row, segments, route)) continue;
    if (row.method == method) {
      route.op = row.op;
      return route;
    }
    if (!allow.empty()) allow += ", ";
    allow += row.method;
  }
  if (!allow.empty()) {
    return ApiError{
        .http_status = 405, .code = "MethodNotAllowed", .message = "use " + allow, .allow = allow};
  }
  return ApiError{.http_status = 404, .code = "NotFound", .message = "no such admin API endpoint"};
}

bool IsStorageOp(AdminOp op) {
  return op == AdminOp::kStorage || op == AdminOp::kHealStatus || op == AdminOp::kHealStart ||
         op == AdminOp::kGc;
}

bool IsAuditOp(AdminOp op) { return op == AdminOp::kGetAuditLog; }

bool NeedsCaller(AdminOp op) {
  return op != AdminOp::kLogin && op != AdminOp::kRefresh && op != AdminOp::kLogout;
}

std::string_view OpName(AdminOp op) {
  for (const RouteRow& row : kRoutes) {
    if (row.op == op) return row.name;
  }
  return "Unknown";
}

}  // namespace strata::admin
