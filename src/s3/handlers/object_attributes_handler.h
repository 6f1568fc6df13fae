// GetObjectAttributes: GET /bucket/key?attributes with the attributes to
// return named in x-amz-object-attributes.
#pragma once

#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

// Answers the GetObjectAttributesResponse document with the attributes
// x-amz-object-attributes names (ETag, Checksum, ObjectParts, StorageClass,
// ObjectSize; comma-separated, the header may repeat) and Last-Modified.
// ObjectParts lists a multipart object's parts after x-amz-part-number-marker,
// at most x-amz-max-parts (default and cap 1000); a single-part object has
// none. AWS authorizes the operation with both s3:GetObjectAttributes (the
// endpoint's action, checked before) and s3:GetObject, checked here.
// kInvalidArgument for a missing header, an unknown attribute name or a bad
// number; kNotImplemented for a versionId other than "null"; kNoSuchBucket,
// kNoSuchKey; kAccessDenied.
common::Status HandleGetObjectAttributes(RequestContext& ctx, Services& services,
                                         const op::GetObjectAttributes& op);

}  // namespace strata::s3
