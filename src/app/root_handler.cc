#include "app/root_handler.h"

#include <nlohmann/json.hpp>

namespace strata::app {
namespace {

constexpr std::string_view kReservedPrefix = "/_strata/";

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
  if (!request.path.starts_with(kReservedPrefix)) return s3_.Handle(request, body, response);
  if (request.path.starts_with(admin::kAdminPrefix)) {
    (void)http::WriteResponse(response, admin_.Handle(request, body));
    return;
  }
  (void)http::WriteResponse(response, Reserved(request));
}

http::Response RootHandler::Reserved(const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return Json(405, {{"error", "method not allowed"}});
  }
  if (request.path == "/_strata/health/live") return Json(200, {{"status", "live"}});
  if (request.path == "/_strata/health/ready") {
    // Ready when the metadata store answers a query.
    auto buckets = meta_.ListBuckets();
    if (!buckets.ok()) {
      return Json(503, {{"status", "not ready"}, {"reason", buckets.status().ToString()}});
    }
    return Json(200, {{"status", "ready"}});
  }
  return Json(404, {{"error", "no such reserved path"}, {"path", request.path}});
}

}  // namespace strata::app
