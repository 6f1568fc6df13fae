// Who is calling the admin API (docs/admin-api.md "Authentication"): a
// bearer access token from POST login, or a SigV4 signature by any access
// key (root's or a user's), checked like an S3 request's.
#pragma once

#include <string>
#include <string_view>

#include "admin/admin_request.h"
#include "auth/sigv4/verifier.h"
#include "common/byte_stream.h"
#include "common/result.h"
#include "http/request.h"
#include "identity/caller.h"
#include "identity/identity_service.h"

namespace strata::admin {

// Authenticates `request` and reads its body (at most kMaxBodyBytes,
// admin/admin_request.h), so that a SigV4 request's body is verified whole
// against what was signed before anything acts on it.
//   - "Authorization: Bearer <token>": IdentityService::AuthenticateBearer;
//     the body is read as is.
//   - otherwise SigV4 (header or presigned URL), then
//     IdentityService::CallerFor the signing credential; the body is read
//     through the verifier's checking reader.
// When body_out is non-null it receives the body.
//
// Errors: kInvalidToken for no credentials at all ("authentication
// required") or a bad, expired or revoked bearer token; kAccessDenied for a
// SigV4 request that does not verify (unknown or disabled key, bad
// signature, skewed clock, body not matching its signed digest; the message
// says which); kInvalidArgument for a body over the limit or cut short;
// kUnavailable / kInternal when the credential lookup fails.
//
// Thread-safe as far as the verifier and the service are. body is read
// (consumed) here.
common::Result<identity::Caller> AuthenticateAdmin(const http::Request& request,
                                                   common::ByteSource& body,
                                                   const auth::SigV4Verifier& verifier,
                                                   identity::IdentityService& service,
                                                   std::string* body_out = nullptr);

}  // namespace strata::admin
