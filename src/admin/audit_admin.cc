#include "admin/audit_admin.h"

#include <nlohmann/json.hpp>

#include "admin/admin_caller.h"
#include "admin/api_error.h"
#include "admin/audit_wire.h"
#include "admin/logged_answer.h"
#include "identity/admin_actions.h"

namespace strata::admin {

http::Response AuditAdmin::Handle(const AdminRoute& route, const http::Request& request,
                                  common::ByteSource& body) {
  return AnswerLogged(route, request, audit_, [&](identity::Caller& caller, std::string&) {
    return Serve(request, body, caller);
  });
}

common::Result<http::Response> AuditAdmin::Serve(const http::Request& request,
                                                 common::ByteSource& body,
                                                 identity::Caller& caller) {
  std::string text;
  STRATA_ASSIGN_OR_RETURN(caller, AuthenticateAdmin(request, body, verifier_, identity_, &text));
  STRATA_RETURN_IF_ERROR(identity_.RequireAdmin(caller, identity::admin_action::kGetAuditLog));
  if (!text.empty()) {
    return common::Error(common::Code::kInvalidArgument, "this request takes no body");
  }
  STRATA_ASSIGN_OR_RETURN(meta::AuditQuery query, ParseAuditQuery(request.query));
  STRATA_ASSIGN_OR_RETURN(std::vector<meta::AuditRecord> rows, store_.QueryAudit(query));
  nlohmann::json records = nlohmann::json::array();
  for (const meta::AuditRecord& row : rows) records.push_back(AuditRecordJson(row));
  return JsonResponse(200, {{"records", std::move(records)}});
}

}  // namespace strata::admin
