// POST Object: a browser-based upload, POST /bucket with a
// multipart/form-data body whose fields (key, policy, the SigV4 signature of
// the policy, Content-Type, x-amz-meta-*, success_action_*...) precede the
// file. Unlike every other operation the caller's identity is in the body,
// so this handler authenticates and authorizes itself, through the same
// verifier and RequestAuthorizer as the S3Handler uses for the others.
#pragma once

#include <string>

#include "auth/sigv4/verifier.h"
#include "common/byte_stream.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "http/url.h"
#include "identity/identity_service.h"
#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

// What the POST handler needs besides the request; everything outlives the
// call.
struct PostObjectDeps {
  const auth::SigV4Verifier& verifier;
  identity::IdentityService& identity;
  Services& services;
};

// What the request log and the audit record learn as the upload goes.
struct PostObjectProgress {
  std::string user;
  std::string access_key;
  std::string key;            // after ${filename} substitution
  bool auth_refused = false;  // the form's signature did not verify
};

// Reads the fields (at most 20 KiB of them, headers included, before the
// file: kMaxPostPreDataLengthExceeded past that), verifies the signature and
// the policy, authorizes s3:PutObject on bucket/key, then streams the file
// part into the object write path: the file never sits in memory, and fields
// after it are never read (AWS ignores them). A form without any signature
// field is anonymous: allowed only where a bucket policy lets anonymous
// callers s3:PutObject.
//
// Answers 204 (default), 200, 201 with a PostResponse document
// (success_action_status; any other value means 204, as AWS does), or 303
// to success_action_redirect (or redirect) with bucket, key and etag added to
// its query. Errors: kMalformedPostRequest (no boundary, a broken body),
// kInvalidArgument (no key or no file, a signature field missing, an invalid
// acl, a field given twice), kInvalidRequest (SigV2 fields), kMalformedXml /
// kInvalidTag / kBadRequest for a bad tagging document (the Tagging XML of
// PutObjectTagging; it also needs s3:PutObjectTagging),
// kInvalidPolicyDocument, kAccessDenied (policy expired, a condition failed,
// a field no condition names, or the caller may not write), kEntityTooLarge /
// kEntityTooSmall (content-length-range, or over 5 GiB), the verifier's
// codes, and the object write path's.
common::Status HandlePostObject(const http::Request& request, const http::QueryParams& query,
                                common::ByteSource& body, http::ResponseWriter& response,
                                const PostObjectDeps& deps, const op::PostObject& op,
                                PostObjectProgress& progress);

}  // namespace strata::s3
