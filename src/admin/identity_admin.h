// The identity part of the admin API (/_strata/admin/v1/, JSON; see
// docs/admin-api.md): login sessions, users, access keys, groups and
// policies. A thin layer: it authenticates the caller (admin/admin_caller.h),
// parses and checks the body (admin/identity_wire.h), calls IdentityService,
// which authorizes and does the work, and maps its Status through the admin
// table (admin/api_error.h).
#pragma once

#include <string>

#include "admin/admin_route.h"
#include "auth/sigv4/verifier.h"
#include "common/byte_stream.h"
#include "common/result.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "identity/caller.h"
#include "identity/identity_service.h"
#include "obs/audit_trail.h"

namespace strata::admin {

// Thread-safe: holds no state of its own.
class IdentityAdmin {
 public:
  // verifier, identity and audit (when not null) must outlive the handler.
  // With an audit trail, requests obs::ShouldAudit picks are recorded there
  // (AnswerLogged, admin/logged_answer.h), failed logins with the user name
  // they claimed.
  IdentityAdmin(const auth::SigV4Verifier& verifier, identity::IdentityService& identity,
                obs::AuditTrail* audit = nullptr)
      : verifier_(verifier), identity_(identity), audit_(audit) {}

  // Answers one identity endpoint. login, refresh and logout need no caller;
  // every other operation authenticates first (401/403 before anything
  // else) and then lets the service authorize it. Answers 200/201/204 as the
  // document says, or an error as admin/api_error.h maps it. Writes one log
  // line per request (LogAdminRequest), where 5xx details go instead of the
  // answer.
  // REQUIRES: route came from ParseAdminRoute(request...) and
  // !IsStorageOp(route.op).
  http::Response Handle(const AdminRoute& route, const http::Request& request,
                        common::ByteSource& body);

 private:
  // Authenticates (except for the session calls; `caller` is set once
  // known, for the log line), reads the body and performs the operation.
  // `resource` is the audit record's (AnswerLogged): set to the name a
  // create call gives in its body.
  common::Result<http::Response> Serve(const AdminRoute& route, const http::Request& request,
                                       common::ByteSource& raw_body, identity::Caller& caller,
                                       std::string& resource);

  const auth::SigV4Verifier& verifier_;
  identity::IdentityService& identity_;
  obs::AuditTrail* const audit_;
};

}  // namespace strata::admin
