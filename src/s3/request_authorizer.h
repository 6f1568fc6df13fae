// Authorization of one S3 request (ARCHITECTURE.md section 6): the caller's
// identity policies and the bucket's policy, evaluated by the identity
// service with the request's condition keys (docs/policies.md lists them).
// Runs right after authentication and before any existence check or
// conditional header, so a denied caller learns nothing about what exists;
// handlers that touch a second resource (CopyObject's source, each key of
// DeleteObjects) check it here too.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "auth/policy/request.h"
#include "common/result.h"
#include "http/request.h"
#include "http/url.h"
#include "identity/caller.h"
#include "identity/identity_service.h"
#include "service/bucket_service.h"

namespace strata::s3 {

// "arn:aws:s3:::*" without a bucket, "arn:aws:s3:::bucket" without a key,
// "arn:aws:s3:::bucket/key" otherwise.
std::string ResourceArn(std::string_view bucket, std::string_view key);

// "10.0.0.1" from "10.0.0.1:53112", "::1" from "[::1]:53112".
std::string AddressWithoutPort(std::string_view remote_address);

// Not thread-safe: one per request.
class RequestAuthorizer {
 public:
  // Everything must outlive the authorizer.
  RequestAuthorizer(identity::IdentityService& identity, service::BucketService& buckets,
                    identity::Caller caller, const http::Request& request,
                    const http::QueryParams& query, int64_t now_ms);

  // OK when the caller may perform `action` on the bucket (and key);
  // kAccessDenied when not; kUnavailable or kInternal when a store failed.
  common::Status Check(std::string_view action, std::string_view bucket, std::string_view key);

  const identity::Caller& caller() const { return caller_; }

 private:
  // The bucket's policy text, "" when it has none or does not exist.
  common::Result<std::string> BucketPolicy(std::string_view bucket);

  identity::IdentityService& identity_;
  service::BucketService& buckets_;
  identity::Caller caller_;
  auth::policy::Context context_;
  std::map<std::string, std::string, std::less<>> policies_;  // by bucket
};

}  // namespace strata::s3
