// GetBucketPolicy, PutBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus.
#pragma once

#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

common::Status HandleGetBucketPolicy(RequestContext& ctx, Services& services,
                                     const op::GetBucketPolicy& op);
common::Status HandlePutBucketPolicy(RequestContext& ctx, Services& services,
                                     const op::PutBucketPolicy& op);
common::Status HandleDeleteBucketPolicy(RequestContext& ctx, Services& services,
                                        const op::DeleteBucketPolicy& op);
common::Status HandleGetBucketPolicyStatus(RequestContext& ctx, Services& services,
                                           const op::GetBucketPolicyStatus& op);

}  // namespace strata::s3
