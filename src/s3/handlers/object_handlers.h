// PutObject, GetObject, HeadObject, DeleteObject, CopyObject.
#pragma once

#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

common::Status HandlePutObject(RequestContext& ctx, Services& services, const op::PutObject& op);
common::Status HandleGetObject(RequestContext& ctx, Services& services, const op::GetObject& op);
common::Status HandleHeadObject(RequestContext& ctx, Services& services, const op::HeadObject& op);
common::Status HandleDeleteObject(RequestContext& ctx, Services& services,
                                  const op::DeleteObject& op);
common::Status HandleCopyObject(RequestContext& ctx, Services& services, const op::CopyObject& op);

}  // namespace strata::s3
