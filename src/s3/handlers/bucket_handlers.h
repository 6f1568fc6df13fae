// ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.
#pragma once

#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

common::Status HandleListBuckets(RequestContext& ctx, Services& services,
                                 const op::ListBuckets& op);
common::Status HandleCreateBucket(RequestContext& ctx, Services& services,
                                  const op::CreateBucket& op);
common::Status HandleHeadBucket(RequestContext& ctx, Services& services, const op::HeadBucket& op);
common::Status HandleDeleteBucket(RequestContext& ctx, Services& services,
                                  const op::DeleteBucket& op);
common::Status HandleGetBucketLocation(RequestContext& ctx, Services& services,
                                       const op::GetBucketLocation& op);

}  // namespace strata::s3
