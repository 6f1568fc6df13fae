// ListObjects (V1) and ListObjectsV2.
#pragma once

#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

common::Status HandleListObjects(RequestContext& ctx, Services& services,
                                 const op::ListObjects& op);
common::Status HandleListObjectsV2(RequestContext& ctx, Services& services,
                                   const op::ListObjectsV2& op);

}  // namespace strata::s3
