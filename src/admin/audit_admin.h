// The audit part of the admin API (docs/admin-api.md "Audit log"):
//   GET audit?since=&until=&user=&bucket=&action=&failures=&limit=
// answers {"records": [row...]} newest first (admin/audit_wire.h has the
// parameters and the row), for callers holding admin:GetAuditLog (the
// built-in `admin` role; not `diagnostics`: rows name users, keys, client
// addresses and object keys).
#pragma once

#include "admin/admin_route.h"
#include "auth/sigv4/verifier.h"
#include "common/byte_stream.h"
#include "common/result.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "identity/caller.h"
#include "identity/identity_service.h"
#include "meta/audit_store.h"
#include "obs/audit_trail.h"

namespace strata::admin {

// Thread-safe as far as the store and the service are.
class AuditAdmin {
 public:
  // verifier, identity, store and audit (when not null) must outlive the
  // handler. A refused read of the log is itself recorded in `audit`.
  AuditAdmin(const auth::SigV4Verifier& verifier, identity::IdentityService& identity,
             meta::AuditStore& store, obs::AuditTrail* audit = nullptr)
      : verifier_(verifier), identity_(identity), store_(store), audit_(audit) {}

  // Authenticates (401 without credentials or with a bad token, 403 for a
  // bad signature or a caller without admin:GetAuditLog), then answers 200
  // with the rows, 400 InvalidArgument for a bad query parameter or a body,
  // 503 when the store is unavailable. Rows recorded but not yet written by
  // the trail's writer (within its flush interval) are not in the answer.
  // One log line per request (LogAdminRequest).
  // REQUIRES: route came from ParseAdminRoute(request...) and
  // IsAuditOp(route.op).
  http::Response Handle(const AdminRoute& route, const http::Request& request,
                        common::ByteSource& body);

 private:
  common::Result<http::Response> Serve(const http::Request& request, common::ByteSource& body,
                                       identity::Caller& caller);

  const auth::SigV4Verifier& verifier_;
  identity::IdentityService& identity_;
  meta::AuditStore& store_;
  obs::AuditTrail* const audit_;
};

}  // namespace strata::admin
