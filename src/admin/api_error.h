// The admin API's error answers and its one table from common::Code to them
// (docs/admin-api.md "Errors"): {"error": "<Code>", "message": "..."} with
// the HTTP status, plus WWW-Authenticate on 401, Retry-After on 429 and
// Allow on 405. Also the JSON and 204 answers every admin handler shares.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/response_writer.h"

namespace strata::admin {

struct ApiError {
  int http_status = 500;
  std::string code;     // "NoSuchEntity"
  std::string message;  // safe to show the caller
  // 429: seconds the caller should wait (Retry-After).
  std::optional<int64_t> retry_after_s;
  // 405: the methods the path takes ("GET, POST").
  std::string allow;
};

// The admin table (the S3 API has its own in s3/errors.cc):
//   kInvalidArgument      400 InvalidArgument
//   kMalformedXml         400 MalformedJSON (a request body that is not a
//                             JSON object: the admin API's documents are JSON)
//   kMalformedPolicy      400 MalformedPolicy
//   kInvalidToken         401 InvalidToken (+ WWW-Authenticate: Bearer)
//   kAccessDenied         403 AccessDenied
//   kNoSuchEntity         404 NoSuchEntity
//   kMethodNotAllowed     405 MethodNotAllowed
//   kEntityAlreadyExists  409 EntityAlreadyExists
//   kDeleteConflict       409 DeleteConflict
//   kTooManyRequests      429 TooManyRequests (+ Retry-After, read from the
//                             message's "retry in N s", else 60)
//   kUnavailable, kSlowDown, kTimeout  503 ServiceUnavailable, generic message
//   anything else         500 InternalError, generic message
// Messages of 4xx answers are the status's own (the service words them for
// callers); 5xx answers never carry the status's message, which may name
// files, SQL or other internals: LogAdminRequest (admin/admin_request.h)
// logs it.
// REQUIRES: !status.ok().
ApiError ToApiError(const common::Status& status);

// The answer for an error.
http::Response ErrorResponse(const ApiError& error);
// Shorthand: ErrorResponse(ToApiError(status)).
http::Response ErrorResponse(const common::Status& status);

// A JSON answer (Content-Type: application/json, Cache-Control: no-store).
// Strings that are not valid UTF-8 are written with U+FFFD in place of the
// bad bytes rather than failing.
http::Response JsonResponse(int http_status, const nlohmann::json& body);
// 204 with no body.
http::Response NoContentResponse();

}  // namespace strata::admin
