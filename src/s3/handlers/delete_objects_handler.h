// DeleteObjects: up to 1000 keys in one request, a result per key.
#pragma once

#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

common::Status HandleDeleteObjects(RequestContext& ctx, Services& services,
                                   const op::DeleteObjects& op);

}  // namespace strata::s3
