#include "s3/request_authorizer.h"

#include "common/time_format.h"

namespace strata::s3 {

using common::Code;
using common::Error;

std::string ResourceArn(std::string_view bucket, std::string_view key) {
  if (bucket.empty()) return "arn:aws:s3:::*";
  std::string arn = "arn:aws:s3:::" + std::string(bucket);
  if (!key.empty()) {
    arn += '/';
    arn += key;
  }
  return arn;
}

std::string AddressWithoutPort(std::string_view remote) {
  if (remote.starts_with('[')) {
    size_t close = remote.find(']');
    if (close != std::string_view::npos) return std::string(remote.substr(1, close - 1));
    return std::string(remote);
  }
  size_t colon = remote.rfind(':');
  // One colon: IPv4 with a port. More: a bare IPv6 address.
  if (colon != std::string_view::npos && remote.find(':') == colon) {
    return std::string(remote.substr(0, colon));
  }
  return std::string(remote);
}

RequestAuthorizer::RequestAuthorizer(identity::IdentityService& identity,
                                     service::BucketService& buckets, identity::Caller caller,
                                     const http::Request& request, const http::QueryParams& query,
                                     int64_t now_ms)
    : identity_(identity), buckets_(buckets), caller_(std::move(caller)) {
  context_.Set("aws:SourceIp", AddressWithoutPort(request.remote_address));
  context_.Set("aws:SecureTransport", request.tls ? "true" : "false");
  context_.Set("aws:CurrentTime", common::FormatIso8601Millis(now_ms));
  context_.Set("aws:EpochTime", std::to_string(now_ms / 1000));
  if (const std::string* referer = request.headers.Find("referer")) {
    context_.Set("aws:Referer", *referer);
  }
  if (const std::string* agent = request.headers.Find("user-agent")) {
    context_.Set("aws:UserAgent", *agent);
  }
  // Listing keys. AWS sets them for ListBucket; a policy naming them on
  // another action sees what the query said.
  for (std::string_view name : {"prefix", "delimiter", "max-keys"}) {
    if (const std::string* value = http::FindParam(query, name)) {
      context_.Set("s3:" + std::string(name), *value);
    }
  }
}

common::Result<std::string> RequestAuthorizer::BucketPolicy(std::string_view bucket) {
  if (bucket.empty()) return std::string();
  auto cached = policies_.find(bucket);
  if (cached != policies_.end()) return cached->second;
  std::string policy;
  auto found = buckets_.Get(bucket);
  if (found.ok()) {
    policy = std::move(found->policy);
  } else if (found.status().code() != Code::kNoSuchBucket) {
    return found.status();
  }
  policies_.emplace(std::string(bucket), policy);
  return policy;
}

common::Status RequestAuthorizer::Check(std::string_view action, std::string_view bucket,
                                        std::string_view key) {
  if (caller_.is_root()) return common::Status::Ok();
  STRATA_ASSIGN_OR_RETURN(std::string policy, BucketPolicy(bucket));
  auth::policy::Request request;
  request.action = std::string(action);
  request.resource = ResourceArn(bucket, key);
  request.context = context_;
  STRATA_ASSIGN_OR_RETURN(auth::policy::Decision decision,
                          identity_.Authorize(caller_, std::move(request), policy));
  if (!decision.allowed()) return Error(Code::kAccessDenied, "Access Denied");
  return common::Status::Ok();
}

}  // namespace strata::s3
