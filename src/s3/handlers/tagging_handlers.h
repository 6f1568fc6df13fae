// GetObjectTagging, PutObjectTagging, DeleteObjectTagging, GetBucketTagging,
// PutBucketTagging, DeleteBucketTagging; and the x-amz-tagging request header
// of PutObject, CreateMultipartUpload and CopyObject.
#pragma once

#include "meta/meta_store.h"
#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

common::Status HandleGetObjectTagging(RequestContext& ctx, Services& services,
                                      const op::GetObjectTagging& op);
common::Status HandlePutObjectTagging(RequestContext& ctx, Services& services,
                                      const op::PutObjectTagging& op);
common::Status HandleDeleteObjectTagging(RequestContext& ctx, Services& services,
                                         const op::DeleteObjectTagging& op);
common::Status HandleGetBucketTagging(RequestContext& ctx, Services& services,
                                      const op::GetBucketTagging& op);
common::Status HandlePutBucketTagging(RequestContext& ctx, Services& services,
                                      const op::PutBucketTagging& op);
common::Status HandleDeleteBucketTagging(RequestContext& ctx, Services& services,
                                         const op::DeleteBucketTagging& op);

// The tags of a write's x-amz-tagging header (none when absent), parsed and
// checked (s3/tagging.h: kInvalidArgument, kInvalidTag, kBadRequest). Tags
// are a second permission in AWS: a request that sets some must also be
// allowed s3:PutObjectTagging on (bucket, key) (kAccessDenied).
common::Result<meta::MetadataPairs> ReadTaggingHeader(RequestContext& ctx, std::string_view bucket,
                                                      std::string_view key);

}  // namespace strata::s3
