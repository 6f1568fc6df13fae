// The one shape of every admin handler's Handle: serve, turn a failure into
// the error JSON (api_error.h), and write the request's log line with the
// caller as far as it became known.
#pragma once

#include <chrono>
#include <utility>

#include "admin/admin_request.h"
#include "admin/admin_route.h"
#include "admin/api_error.h"
#include "http/handler.h"
#include "identity/caller.h"

namespace strata::admin {

// `serve(caller)` returns Result<http::Response> and fills `caller` once it
// has authenticated the request.
template <typename Serve>
http::Response AnswerLogged(const AdminRoute& route, const http::Request& request, Serve&& serve) {
  const auto started = std::chrono::steady_clock::now();
  identity::Caller caller = identity::Caller::Anonymous();
  auto answer = std::forward<Serve>(serve)(caller);
  http::Response response = answer.ok() ? std::move(*answer) : ErrorResponse(answer.status());
  LogAdminRequest(request, {.operation = OpName(route.op),
                            .user = caller.user_name,
                            .access_key = caller.access_key,
                            .http_status = response.status,
                            .failure = answer.status(),
                            .started = started});
  return response;
}

}  // namespace strata::admin
