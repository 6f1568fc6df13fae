#include "admin/admin_request.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "admin/api_error.h"

namespace strata::admin {

using common::Code;
using common::Error;

common::Result<std::string> ReadAdminBody(common::ByteSource& body) {
  auto text = common::ReadAll(body, kMaxBodyBytes);
  if (text.ok()) return text;
  switch (text.status().code()) {
    case Code::kEntityTooLarge:
      return Error(Code::kInvalidArgument, "the request body is larger than 64 KiB");
    case Code::kIncompleteBody:
    case Code::kMissingContentLength:
    case Code::kInvalidRequest:
      return Error(Code::kInvalidArgument, text.status().message());
    // The body did not match its signed digest or chunk signatures.
    case Code::kContentSha256Mismatch:
    case Code::kSignatureDoesNotMatch:
      return Error(Code::kAccessDenied, text.status().message());
    default:
      return text.status();
  }
}

void LogAdminRequest(const http::Request& request, const AdminLogEntry& entry) {
  const std::chrono::duration<double, std::milli> took =
      std::chrono::steady_clock::now() - entry.started;
  nlohmann::json line = {{"request_id", request.request_id},
                         {"remote", request.remote_address},
                         {"method", request.method},
                         {"operation", entry.operation},
                         {"user", entry.user},
                         {"access_key", entry.access_key},
                         {"status", entry.http_status},
                         {"latency_ms", took.count()}};
  if (!entry.failure.ok()) {
    const ApiError error = ToApiError(entry.failure);
    line["error"] = error.code;
    if (error.http_status >= 500) line["detail"] = entry.failure.ToString();
  }
  spdlog::info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace strata::admin
