#include "s3/handlers/policy_handlers.h"

#include "s3/xml/policy_status.h"

namespace strata::s3 {

using common::Code;
using common::Error;

namespace {

// AWS's limit for a bucket policy document.
constexpr size_t kMaxPolicyBytes = 20 * 1024;

}  // namespace

common::Status HandleGetBucketPolicy(RequestContext& ctx, Services& services,
                                     const op::GetBucketPolicy& op) {
  STRATA_ASSIGN_OR_RETURN(std::string policy, services.buckets.GetPolicy(op.bucket));
  http::Headers headers;
  headers.Set("Content-Type", "application/json");
  return Reply(ctx, 200, std::move(headers), std::move(policy));
}

common::Status HandlePutBucketPolicy(RequestContext& ctx, Services& services,
                                     const op::PutBucketPolicy& op) {
  auto body = common::ReadAll(ctx.body, kMaxPolicyBytes);
  if (!body.ok() && body.status().code() == Code::kEntityTooLarge) {
    return Error(Code::kMalformedPolicy, "Policies must be no more than 20480 bytes");
  }
  STRATA_RETURN_IF_ERROR(body.status());
  STRATA_RETURN_IF_ERROR(CheckContentMd5(ctx, *body));
  if (body->empty()) return Error(Code::kMalformedPolicy, "Policies must be valid JSON");
  STRATA_RETURN_IF_ERROR(services.buckets.PutPolicy(op.bucket, *body));
  return Reply(ctx, 204);
}

common::Status HandleDeleteBucketPolicy(RequestContext& ctx, Services& services,
                                        const op::DeleteBucketPolicy& op) {
  STRATA_RETURN_IF_ERROR(services.buckets.DeletePolicy(op.bucket));
  return Reply(ctx, 204);
}

common::Status HandleGetBucketPolicyStatus(RequestContext& ctx, Services& services,
                                           const op::GetBucketPolicyStatus& op) {
  STRATA_ASSIGN_OR_RETURN(bool is_public, services.buckets.PolicyIsPublic(op.bucket));
  return ReplyXml(ctx, xml::WritePolicyStatus(is_public));
}

}  // namespace strata::s3
