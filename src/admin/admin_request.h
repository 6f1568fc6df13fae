// Small request helpers the admin handlers share: reading a body under the
// admin API's limit and the request log. (The caller's network address is
// http::RemoteHost, http/request.h.)
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/byte_stream.h"
#include "common/result.h"
#include "http/request.h"

namespace strata::admin {

// The largest request body the admin API reads (docs/admin-api.md).
inline constexpr size_t kMaxBodyBytes = 64 * 1024;

// Reads a whole request body of at most kMaxBodyBytes. kInvalidArgument when
// it is longer or cut short; kAccessDenied when a verifying reader
// (auth::SigV4Verifier::VerifiedBody) finds it does not match what was
// signed; a read's own failure otherwise. Consumes body.
common::Result<std::string> ReadAdminBody(common::ByteSource& body);

// Writes the one JSON log line of an admin request, as S3Handler does for
// S3 ones: request id, remote address, method, operation, the caller's user
// name and access key ("" when there is none), the HTTP status and latency,
// and for a failure its admin error code plus, for a 5xx answer, the
// status's own message, which the caller never sees. Never a body, a
// password, a token or a secret. Thread-safe.
struct AdminLogEntry {
  std::string_view operation;   // OpName(route.op)
  std::string_view user;        // the caller's name; for login, who tried to log in
  std::string_view access_key;  // the key that signed the request
  int http_status = 0;
  common::Status failure;  // OK on success
  std::chrono::steady_clock::time_point started;
};
void LogAdminRequest(const http::Request& request, const AdminLogEntry& entry);

}  // namespace strata::admin
