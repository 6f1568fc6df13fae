// The one shape of every admin handler's Handle: serve, turn a failure into
// the error JSON (api_error.h), write the request's log line with the caller
// as far as it became known, and record it in the audit trail when
// obs::ShouldAudit picks it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "admin/admin_request.h"
#include "admin/admin_route.h"
#include "admin/api_error.h"
#include "auth/sigv4/authorization.h"
#include "http/handler.h"
#include "http/request.h"
#include "identity/caller.h"
#include "obs/audit_trail.h"

namespace strata::admin {

// The audit record of an admin request: "admin:" + OpName(route.op), the
// resource (the route's {name}, or the name a create call gave in its body),
// and the caller. A request that failed
// before a caller was known (a refused signature, a bad token) records the
// access key the request claimed, unverified. Never a body, a password, a
// token or a secret.
inline void AuditAdminRequest(obs::AuditTrail& audit, const AdminRoute& route,
                              const http::Request& request, const identity::Caller& caller,
                              std::string resource, int http_status, std::string_view error_code) {
  meta::AuditRecord record{
      .request_id = request.request_id,
      .source = std::string(http::RemoteHost(request.remote_address)),
      .user = caller.user_name,
      .access_key = caller.access_key,
      .action = "admin:" + std::string(OpName(route.op)),
      .resource = std::move(resource),
      .http_status = http_status,
      .error_code = std::string(error_code),
  };
  if (!error_code.empty() && caller.user_name.empty() && caller.access_key.empty()) {
    record.access_key = auth::ClaimedAccessKey(request);
  }
  audit.Record(std::move(record));
}

// `serve(caller, resource)` returns Result<http::Response>; it fills `caller`
// once it has authenticated the request (for login: the user name it claims,
// before the password is checked) and may replace `resource`, which starts
// as route.name, for the audit record (POST users and POST groups name what
// they create in the body). `audit` may be null.
template <typename Serve>
http::Response AnswerLogged(const AdminRoute& route, const http::Request& request,
                            obs::AuditTrail* audit, Serve&& serve) {
  const auto started = std::chrono::steady_clock::now();
  identity::Caller caller = identity::Caller::Anonymous();
  std::string resource = route.name;
  auto answer = std::forward<Serve>(serve)(caller, resource);
  http::Response response = answer.ok() ? std::move(*answer) : ErrorResponse(answer.status());
  LogAdminRequest(request, {.operation = OpName(route.op),
                            .user = caller.user_name,
                            .access_key = caller.access_key,
                            .http_status = response.status,
                            .failure = answer.status(),
                            .started = started});
  if (audit != nullptr) {
    const std::string error_code = answer.ok() ? "" : ToApiError(answer.status()).code;
    if (obs::ShouldAudit(request.method, response.status, error_code)) {
      AuditAdminRequest(*audit, route, request, caller, std::move(resource), response.status,
                        error_code);
    }
  }
  return response;
}

}  // namespace strata::admin
