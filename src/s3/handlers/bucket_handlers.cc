#include "s3/handlers/bucket_handlers.h"

#include "s3/xml/bucket_location.h"
#include "s3/xml/list_buckets.h"

namespace strata::s3 {

common::Status HandleListBuckets(RequestContext& ctx, Services& services, const op::ListBuckets&) {
  // s3:ListAllMyBuckets shows every bucket. Without it a caller sees the
  // buckets it may list (s3:ListBucket), as MinIO does, so a bucket-scoped
  // user's client finds its bucket and nothing else.
  common::Status all = ctx.authorizer->Check("s3:ListAllMyBuckets", "", "");
  if (!all.ok() && all.code() != common::Code::kAccessDenied) return all;
  if (!all.ok() && ctx.authorizer->caller().anonymous()) return all;
  STRATA_ASSIGN_OR_RETURN(auto buckets, services.buckets.List());
  xml::ListAllMyBucketsResult result;
  result.owner = {OwnerId(ctx.user), ctx.user};
  result.buckets.reserve(buckets.size());
  for (const auto& b : buckets) {
    if (!all.ok()) {
      common::Status listable = ctx.authorizer->Check("s3:ListBucket", b.name, "");
      if (listable.code() == common::Code::kAccessDenied) continue;
      STRATA_RETURN_IF_ERROR(listable);
    }
    result.buckets.push_back({b.name, b.created_ms});
  }
  return ReplyXml(ctx, xml::WriteListAllMyBucketsResult(result));
}

common::Status HandleCreateBucket(RequestContext& ctx, Services& services,
                                  const op::CreateBucket& op) {
  STRATA_ASSIGN_OR_RETURN(std::string body, ReadXmlBody(ctx, 64 * 1024));
  STRATA_ASSIGN_OR_RETURN(std::string location, xml::ParseCreateBucketConfiguration(body));
  STRATA_RETURN_IF_ERROR(services.buckets.Create(op.bucket, location, ctx.user));
  http::Headers headers;
  headers.Set("Location", "/" + op.bucket);
  return Reply(ctx, 200, std::move(headers));
}

common::Status HandleHeadBucket(RequestContext& ctx, Services& services, const op::HeadBucket& op) {
  STRATA_ASSIGN_OR_RETURN(meta::Bucket bucket, services.buckets.Get(op.bucket));
  http::Headers headers;
  headers.Set("x-amz-bucket-region", bucket.region.empty() ? services.region : bucket.region);
  return Reply(ctx, 200, std::move(headers));
}

common::Status HandleDeleteBucket(RequestContext& ctx, Services& services,
                                  const op::DeleteBucket& op) {
  STRATA_RETURN_IF_ERROR(services.buckets.Delete(op.bucket));
  return Reply(ctx, 204);
}

common::Status HandleGetBucketLocation(RequestContext& ctx, Services& services,
                                       const op::GetBucketLocation& op) {
  STRATA_ASSIGN_OR_RETURN(meta::Bucket bucket, services.buckets.Get(op.bucket));
  // S3 reports us-east-1 as an empty LocationConstraint.
  std::string region = bucket.region.empty() ? services.region : bucket.region;
  if (region == "us-east-1") region.clear();
  return ReplyXml(ctx, xml::WriteLocationConstraint(region));
}

}  // namespace strata::s3
