#include "app/root_handler.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <variant>

#include "admin/admin_route.h"
#include "admin/api_error.h"
#include "app/readiness.h"
#include "common/hash.h"
#include "s3/errors.h"

namespace strata::app {
namespace {

constexpr std::string_view kReservedPrefix = "/_strata/";
constexpr std::string_view kBearer = "Bearer ";

http::Response Json(int status, const nlohmann::json& body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.headers.Set("Cache-Control", "no-store");
  r.body = body.dump() + "\n";
  return r;
}

}  // namespace

void RootHandler::Handle(const http::Request& request, common::ByteSource& body,
                         http::ResponseWriter& response) {
  if (!request.path.starts_with(kReservedPrefix)) return parts_.s3.Handle(request, body, response);
  const auto started = std::chrono::steady_clock::now();
  common::CountingSource counted(body);
  http::Response answer =
      request.path.starts_with(admin::kAdminPrefix) ? Admin(request, counted) : Reserved(request);
  (void)http::WriteResponse(response, answer);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  parts_.metrics.RecordRequest({.operation = "Reserved",
                                .status = answer.status,
                                .duration_seconds = took.count(),
                                .received_bytes = counted.bytes(),
                                .sent_bytes = answer.body.size()});
}

bool RootHandler::TryHandleInline(const http::Request& request, http::ResponseWriter& response) {
  return !request.path.starts_with(kReservedPrefix) && parts_.s3.TryHandleInline(request, response);
}

http::Response RootHandler::Reject(const http::Request& request, const common::Status& reason) {
  // Turned away before parsing (limits, a full server): no operation known.
  http::Response answer = parts_.s3.Reject(request, reason);
  parts_.metrics.RecordRequest({.operation = "Unknown",
                                .status = answer.status,
                                .sent_bytes = answer.body.size(),
                                .error_code = s3::ToS3Error(reason.code()).code});
  return answer;
}

http::Response RootHandler::Reserved(const http::Request& request) {
  if (request.path == "/_strata/metrics") return Metrics(request);
  if (request.method != "GET" && request.method != "HEAD") {
    return Json(405, {{"error", "method not allowed"}});
  }
  if (request.path == "/_strata/health/live") return Json(200, {{"status", "live"}});
  if (request.path == "/_strata/health/ready") {
    Readiness ready =
        CheckReadiness(parts_.meta, parts_.chunks.DriveStatuses(), options_.drives_needed);
    if (!ready.ready) return Json(503, {{"status", "not ready"}, {"reason", ready.reason}});
    return Json(200, {{"status", "ready"}});
  }
  return Json(404, {{"error", "no such reserved path"}, {"path", request.path}});
}

http::Response RootHandler::Admin(const http::Request& request, common::ByteSource& body) {
  auto parsed = admin::ParseAdminRoute(
      request.method, std::string_view(request.path).substr(admin::kAdminPrefix.size()));
  if (const auto* error = std::get_if<admin::ApiError>(&parsed)) {
    return admin::ErrorResponse(*error);
  }
  const auto& route = std::get<admin::AdminRoute>(parsed);
  if (admin::IsStorageOp(route.op)) return parts_.admin.Handle(route, request, body);
  if (admin::IsAuditOp(route.op)) return parts_.audit_admin.Handle(route, request, body);
  return parts_.identity_admin.Handle(route, request, body);
}

http::Response RootHandler::Metrics(const http::Request& request) {
  if (request.method != "GET") return Json(405, {{"error", "use GET"}});
  if (!options_.metrics_token.empty()) {
    const std::string_view auth = request.headers.Get("Authorization");
    // The token is compared in constant time; the scheme is public.
    if (!auth.starts_with(kBearer) ||
        !common::ConstantTimeEquals(auth.substr(kBearer.size()), options_.metrics_token)) {
      http::Response r = Json(401, {{"error", "metrics need Authorization: Bearer <token>"}});
      r.headers.Set("WWW-Authenticate", "Bearer realm=\"strata-metrics\"");
      return r;
    }
  }
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", std::string(obs::Metrics::kContentType));
  r.headers.Set("Cache-Control", "no-store");
  r.body = parts_.metrics.Scrape();
  return r;
}

}  // namespace strata::app
