#include "admin/identity_admin.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "admin/admin_caller.h"
#include "admin/admin_request.h"
#include "admin/api_error.h"
#include "admin/identity_wire.h"
#include "admin/logged_answer.h"

namespace strata::admin {
namespace {

using nlohmann::json;

template <typename T, typename F>
json ListJson(const std::vector<T>& items, F&& encode) {
  json out = json::array();
  for (const T& item : items) out.push_back(encode(item));
  return out;
}

}  // namespace

http::Response IdentityAdmin::Handle(const AdminRoute& route, const http::Request& request,
                                     common::ByteSource& body) {
  return AnswerLogged(route, request, audit_, [&](identity::Caller& caller, std::string& resource) {
    return Serve(route, request, body, caller, resource);
  });
}

common::Result<http::Response> IdentityAdmin::Serve(const AdminRoute& route,
                                                    const http::Request& request,
                                                    common::ByteSource& raw_body,
                                                    identity::Caller& caller,
                                                    std::string& resource) {
  // The caller first: nothing about the request is looked at before it is
  // known, except for the three session calls, which need none.
  std::string body;
  if (NeedsCaller(route.op)) {
    STRATA_ASSIGN_OR_RETURN(caller,
                            AuthenticateAdmin(request, raw_body, verifier_, identity_, &body));
  } else {
    STRATA_ASSIGN_OR_RETURN(body, ReadAdminBody(raw_body));
  }

  identity::IdentityService& id = identity_;
  const std::string& name = route.name;
  switch (route.op) {
    // --- Sessions ---
    case AdminOp::kLogin: {
      STRATA_ASSIGN_OR_RETURN(LoginBody login, ParseLoginBody(body));
      // Who tries to log in, for the log line and the audit record (a
      // failed login is recorded under the name it claimed).
      caller.user_name = login.user;
      STRATA_ASSIGN_OR_RETURN(
          identity::Session session,
          id.Login(login.user, login.password, http::RemoteHost(request.remote_address)));
      caller.user_name = session.user_name;  // for the log line
      return JsonResponse(200, SessionJson(session));
    }
    case AdminOp::kRefresh: {
      STRATA_ASSIGN_OR_RETURN(std::string token, ParseRefreshTokenBody(body));
      STRATA_ASSIGN_OR_RETURN(identity::Session session, id.Refresh(token));
      caller.user_name = session.user_name;  // for the log line and the audit record
      return JsonResponse(200, SessionJson(session));
    }
    case AdminOp::kLogout: {
      STRATA_ASSIGN_OR_RETURN(std::string token, ParseRefreshTokenBody(body));
      STRATA_RETURN_IF_ERROR(id.Logout(token));
      return NoContentResponse();
    }
    case AdminOp::kWhoami: {
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_ASSIGN_OR_RETURN(identity::UserInfo user, id.Whoami(caller));
      return JsonResponse(200, WhoamiJson(user, caller.access_key));
    }

    // --- Users ---
    case AdminOp::kListUsers: {
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_ASSIGN_OR_RETURN(std::vector<identity::UserInfo> users, id.ListUsers(caller));
      return JsonResponse(200, {{"users", ListJson(users, UserJson)}});
    }
    case AdminOp::kCreateUser: {
      STRATA_ASSIGN_OR_RETURN(identity::CreateUserRequest create, ParseCreateUserBody(body));
      resource = create.name;
      STRATA_ASSIGN_OR_RETURN(identity::UserInfo user, id.CreateUser(caller, create));
      return JsonResponse(201, UserJson(user));
    }
    case AdminOp::kGetUser: {
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_ASSIGN_OR_RETURN(identity::UserInfo user, id.GetUser(caller, name));
      return JsonResponse(200, UserJson(user));
    }
    case AdminOp::kDeleteUser:
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_RETURN_IF_ERROR(id.DeleteUser(caller, name));
      return NoContentResponse();
    case AdminOp::kDisableUser:
    case AdminOp::kEnableUser:
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_RETURN_IF_ERROR(id.SetUserDisabled(caller, name, route.op == AdminOp::kDisableUser));
      return NoContentResponse();
    case AdminOp::kSetPassword: {
      STRATA_ASSIGN_OR_RETURN(std::string password, ParsePasswordBody(body));
      STRATA_RETURN_IF_ERROR(id.SetPassword(caller, name, password));
      return NoContentResponse();
    }

    // --- Access keys ---
    case AdminOp::kListUserKeys:
    case AdminOp::kListKeys: {
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      // GET keys lists every key: the service reads "" as "all users".
      STRATA_ASSIGN_OR_RETURN(std::vector<identity::KeyInfo> keys, id.ListAccessKeys(caller, name));
      return JsonResponse(200, {{"keys", ListJson(keys, KeyJson)}});
    }
    case AdminOp::kCreateKey: {
      STRATA_ASSIGN_OR_RETURN(std::string description, ParseCreateKeyBody(body));
      STRATA_ASSIGN_OR_RETURN(identity::NewKey key, id.CreateAccessKey(caller, name, description));
      return JsonResponse(201, NewKeyJson(key));
    }
    case AdminOp::kDeleteKey:
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_RETURN_IF_ERROR(id.DeleteAccessKey(caller, name));
      return NoContentResponse();
    case AdminOp::kDisableKey:
    case AdminOp::kEnableKey:
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_RETURN_IF_ERROR(
          id.SetAccessKeyDisabled(caller, name, route.op == AdminOp::kDisableKey));
      return NoContentResponse();

    // --- Groups ---
    case AdminOp::kListGroups: {
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_ASSIGN_OR_RETURN(std::vector<identity::GroupInfo> groups, id.ListGroups(caller));
      return JsonResponse(200, {{"groups", ListJson(groups, GroupJson)}});
    }
    case AdminOp::kCreateGroup: {
      STRATA_ASSIGN_OR_RETURN(std::string group_name, ParseCreateGroupBody(body));
      resource = group_name;
      STRATA_ASSIGN_OR_RETURN(identity::GroupInfo group, id.CreateGroup(caller, group_name));
      return JsonResponse(201, GroupJson(group));
    }
    case AdminOp::kGetGroup: {
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_ASSIGN_OR_RETURN(identity::GroupInfo group, id.GetGroup(caller, name));
      return JsonResponse(200, GroupJson(group));
    }
    case AdminOp::kDeleteGroup:
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_RETURN_IF_ERROR(id.DeleteGroup(caller, name));
      return NoContentResponse();
    case AdminOp::kAddGroupMember:
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_RETURN_IF_ERROR(id.AddGroupMember(caller, name, route.member));
      return NoContentResponse();
    case AdminOp::kRemoveGroupMember:
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_RETURN_IF_ERROR(id.RemoveGroupMember(caller, name, route.member));
      return NoContentResponse();

    // --- Policies ---
    case AdminOp::kListPolicies: {
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_ASSIGN_OR_RETURN(std::vector<identity::PolicyInfo> policies, id.ListPolicies(caller));
      return JsonResponse(200, {{"policies", ListJson(policies, [](const auto& p) {
                                   return PolicyJson(p, /*with_attachments=*/false);
                                 })}});
    }
    case AdminOp::kPutPolicy: {
      // The body is the policy document itself; the service parses it and
      // says where it is wrong (MalformedPolicy).
      STRATA_ASSIGN_OR_RETURN(identity::PolicyInfo policy, id.PutPolicy(caller, name, body));
      return JsonResponse(200, PolicyJson(policy, /*with_attachments=*/false));
    }
    case AdminOp::kGetPolicy: {
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_ASSIGN_OR_RETURN(identity::PolicyInfo policy, id.GetPolicy(caller, name));
      return JsonResponse(200, PolicyJson(policy, /*with_attachments=*/true));
    }
    case AdminOp::kDeletePolicy:
      STRATA_RETURN_IF_ERROR(ExpectNoBody(body));
      STRATA_RETURN_IF_ERROR(id.DeletePolicy(caller, name));
      return NoContentResponse();
    case AdminOp::kAttachPolicy:
    case AdminOp::kDetachPolicy: {
      STRATA_ASSIGN_OR_RETURN(AttachTarget target, ParseAttachBody(body));
      if (route.op == AdminOp::kAttachPolicy) {
        STRATA_RETURN_IF_ERROR(id.AttachPolicy(caller, name, target.user, target.group));
      } else {
        STRATA_RETURN_IF_ERROR(id.DetachPolicy(caller, name, target.user, target.group));
      }
      return NoContentResponse();
    }

    // StorageAdmin's: the router never sends them here.
    case AdminOp::kStorage:
    case AdminOp::kHealStatus:
    case AdminOp::kHealStart:
    case AdminOp::kGc:
    // AuditAdmin's.
    case AdminOp::kGetAuditLog:
      break;
  }
  return common::Error(common::Code::kInternal,
                       "identity admin asked to serve " + std::string(OpName(route.op)));
}

}  // namespace strata::admin
