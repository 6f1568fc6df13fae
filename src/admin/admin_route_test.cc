#include "admin/admin_route.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::admin {
namespace {

struct GoodCase {
  std::string method;
  std::string path;  // after kAdminPrefix, still encoded
  AdminOp op;
  std::string name = "";
  std::string member = "";
};

TEST(ParseAdminRouteTest, EveryEndpoint) {
  const GoodCase kCases[] = {
      {"POST", "login", AdminOp::kLogin},
      {"POST", "refresh", AdminOp::kRefresh},
      {"POST", "logout", AdminOp::kLogout},
      {"GET", "whoami", AdminOp::kWhoami},
      {"GET", "users", AdminOp::kListUsers},
      {"POST", "users", AdminOp::kCreateUser},
      {"GET", "users/alice", AdminOp::kGetUser, "alice"},
      {"DELETE", "users/alice", AdminOp::kDeleteUser, "alice"},
      {"POST", "users/alice/disable", AdminOp::kDisableUser, "alice"},
      {"POST", "users/alice/enable", AdminOp::kEnableUser, "alice"},
      {"PUT", "users/alice/password", AdminOp::kSetPassword, "alice"},
      {"GET", "users/alice/keys", AdminOp::kListUserKeys, "alice"},
      {"POST", "users/alice/keys", AdminOp::kCreateKey, "alice"},
      {"GET", "keys", AdminOp::kListKeys},
      {"DELETE", "keys/AKIA0123", AdminOp::kDeleteKey, "AKIA0123"},
      {"POST", "keys/AKIA0123/disable", AdminOp::kDisableKey, "AKIA0123"},
      {"POST", "keys/AKIA0123/enable", AdminOp::kEnableKey, "AKIA0123"},
      {"GET", "groups", AdminOp::kListGroups},
      {"POST", "groups", AdminOp::kCreateGroup},
      {"GET", "groups/devs", AdminOp::kGetGroup, "devs"},
      {"DELETE", "groups/devs", AdminOp::kDeleteGroup, "devs"},
      {"PUT", "groups/devs/members/alice", AdminOp::kAddGroupMember, "devs", "alice"},
      {"DELETE", "groups/devs/members/alice", AdminOp::kRemoveGroupMember, "devs", "alice"},
      {"GET", "policies", AdminOp::kListPolicies},
      {"PUT", "policies/p1", AdminOp::kPutPolicy, "p1"},
      {"GET", "policies/p1", AdminOp::kGetPolicy, "p1"},
      {"DELETE", "policies/p1", AdminOp::kDeletePolicy, "p1"},
      {"POST", "policies/p1/attach", AdminOp::kAttachPolicy, "p1"},
      {"POST", "policies/p1/detach", AdminOp::kDetachPolicy, "p1"},
      {"GET", "storage", AdminOp::kStorage},
      {"GET", "heal", AdminOp::kHealStatus},
      {"POST", "heal", AdminOp::kHealStart},
      {"POST", "gc", AdminOp::kGc},
      {"GET", "audit", AdminOp::kGetAuditLog},
      // Path parameters are percent-decoded; '+' stays a plus.
      {"GET", "users/alice%40example.com", AdminOp::kGetUser, "alice@example.com"},
      {"GET", "users/a%3Db%2Cc", AdminOp::kGetUser, "a=b,c"},
      {"GET", "users/a=b,c@d", AdminOp::kGetUser, "a=b,c@d"},
      {"GET", "users/a+b", AdminOp::kGetUser, "a+b"},
      {"GET", "users/a%2Bb", AdminOp::kGetUser, "a+b"},
      {"GET", "users/a%20b", AdminOp::kGetUser, "a b"},
      {"GET", "users/a%2Fb", AdminOp::kGetUser, "a/b"},
      {"PUT", "groups/d%40v/members/x%2By", AdminOp::kAddGroupMember, "d@v", "x+y"},
      // A parameter may spell a literal of another route.
      {"GET", "users/keys", AdminOp::kGetUser, "keys"},
      {"GET", "users/disable/keys", AdminOp::kListUserKeys, "disable"},
      // Literals are compared after decoding.
      {"GET", "%75sers", AdminOp::kListUsers},
  };
  for (const GoodCase& c : kCases) {
    auto parsed = ParseAdminRoute(c.method, c.path);
    const auto* route = std::get_if<AdminRoute>(&parsed);
    ASSERT_NE(route, nullptr) << c.method << " " << c.path << ": "
                              << std::get<ApiError>(parsed).message;
    EXPECT_EQ(route->op, c.op) << c.method << " " << c.path;
    EXPECT_EQ(route->name, c.name) << c.method << " " << c.path;
    EXPECT_EQ(route->member, c.member) << c.method << " " << c.path;
  }
}

struct BadCase {
  std::string method;
  std::string path;
  int http_status;
  std::string code;
  std::string allow = "";
};

TEST(ParseAdminRouteTest, Failures) {
  const BadCase kCases[] = {
      {"GET", "", 404, "NotFound"},
      {"GET", "nonexistent", 404, "NotFound"},
      {"GET", "storage/", 404, "NotFound"},
      {"GET", "users/", 404, "NotFound"},
      {"GET", "users//keys", 404, "NotFound"},
      {"GET", "/users", 404, "NotFound"},
      {"GET", "users/alice/", 404, "NotFound"},
      {"GET", "users/alice/keys/extra", 404, "NotFound"},
      {"PUT", "groups/devs/members/", 404, "NotFound"},
      {"GET", "Users", 404, "NotFound"},
      {"GET", "login", 405, "MethodNotAllowed", "POST"},
      {"DELETE", "storage", 405, "MethodNotAllowed", "GET"},
      {"POST", "storage", 405, "MethodNotAllowed", "GET"},
      {"GET", "gc", 405, "MethodNotAllowed", "POST"},
      {"DELETE", "audit", 405, "MethodNotAllowed", "GET"},
      {"GET", "audit/x", 404, "NotFound"},
      {"PUT", "heal", 405, "MethodNotAllowed", "GET, POST"},
      {"PUT", "users", 405, "MethodNotAllowed", "GET, POST"},
      {"POST", "users/alice", 405, "MethodNotAllowed", "GET, DELETE"},
      {"GET", "users/alice/password", 405, "MethodNotAllowed", "PUT"},
      {"POST", "policies/p1", 405, "MethodNotAllowed", "PUT, GET, DELETE"},
      {"GET", "groups/devs/members/alice", 405, "MethodNotAllowed", "PUT, DELETE"},
      {"HEAD", "whoami", 405, "MethodNotAllowed", "GET"},
      {"get", "whoami", 405, "MethodNotAllowed", "GET"},
      {"GET", "users/%zz", 400, "InvalidArgument"},
      {"GET", "users/%4", 400, "InvalidArgument"},
  };
  for (const BadCase& c : kCases) {
    auto parsed = ParseAdminRoute(c.method, c.path);
    const auto* error = std::get_if<ApiError>(&parsed);
    ASSERT_NE(error, nullptr) << c.method << " " << c.path << " parsed";
    EXPECT_EQ(error->http_status, c.http_status) << c.method << " " << c.path;
    EXPECT_EQ(error->code, c.code) << c.method << " " << c.path;
    EXPECT_EQ(error->allow, c.allow) << c.method << " " << c.path;
    EXPECT_FALSE(error->message.empty());
  }
}

TEST(ParseAdminRouteTest, Classification) {
  for (AdminOp op : {AdminOp::kStorage, AdminOp::kHealStatus, AdminOp::kHealStart, AdminOp::kGc}) {
    EXPECT_TRUE(IsStorageOp(op)) << OpName(op);
    EXPECT_FALSE(IsAuditOp(op)) << OpName(op);
    EXPECT_TRUE(NeedsCaller(op)) << OpName(op);
  }
  EXPECT_TRUE(IsAuditOp(AdminOp::kGetAuditLog));
  EXPECT_FALSE(IsStorageOp(AdminOp::kGetAuditLog));
  EXPECT_TRUE(NeedsCaller(AdminOp::kGetAuditLog));
  EXPECT_EQ(OpName(AdminOp::kGetAuditLog), "GetAuditLog");
  for (AdminOp op : {AdminOp::kLogin, AdminOp::kRefresh, AdminOp::kLogout}) {
    EXPECT_FALSE(NeedsCaller(op)) << OpName(op);
    EXPECT_FALSE(IsStorageOp(op)) << OpName(op);
  }
  EXPECT_TRUE(NeedsCaller(AdminOp::kWhoami));
  EXPECT_FALSE(IsStorageOp(AdminOp::kCreateUser));
  EXPECT_EQ(OpName(AdminOp::kCreateUser), "CreateUser");
  EXPECT_EQ(OpName(AdminOp::kGc), "GarbageCollect");
}

}  // namespace
}  // namespace strata::admin
