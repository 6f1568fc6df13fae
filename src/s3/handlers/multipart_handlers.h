// CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, ListMultipartUploads.
#pragma once

#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

common::Status HandleCreateMultipartUpload(RequestContext& ctx, Services& services,
                                           const op::CreateMultipartUpload& op);
common::Status HandleUploadPart(RequestContext& ctx, Services& services, const op::UploadPart& op);
common::Status HandleUploadPartCopy(RequestContext& ctx, Services& services,
                                    const op::UploadPartCopy& op);
common::Status HandleCompleteMultipartUpload(RequestContext& ctx, Services& services,
                                             const op::CompleteMultipartUpload& op);
common::Status HandleAbortMultipartUpload(RequestContext& ctx, Services& services,
                                          const op::AbortMultipartUpload& op);
common::Status HandleListParts(RequestContext& ctx, Services& services, const op::ListParts& op);
common::Status HandleListMultipartUploads(RequestContext& ctx, Services& services,
                                          const op::ListMultipartUploads& op);

}  // namespace strata::s3
