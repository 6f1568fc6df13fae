// Bucket versioning: GetBucketVersioning, PutBucketVersioning and
// ListObjectVersions (docs/versioning.md). The versionId arguments of object
// operations are handled with those operations (version_headers.h).
#pragma once

#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

// <VersioningConfiguration/> without Status for a bucket never versioned.
// kNoSuchBucket.
common::Status HandleGetBucketVersioning(RequestContext& ctx, Services& services,
                                         const op::GetBucketVersioning& op);
// kNoSuchBucket, kMalformedXml (xml/versioning.h), kNotImplemented for
// MfaDelete Enabled (Strata has no MFA).
common::Status HandlePutBucketVersioning(RequestContext& ctx, Services& services,
                                         const op::PutBucketVersioning& op);
// max-keys is capped at 1000. kNoSuchBucket; kInvalidArgument for a
// malformed version-id-marker (ParseEndpoint checked the rest).
common::Status HandleListObjectVersions(RequestContext& ctx, Services& services,
                                        const op::ListObjectVersions& op);

}  // namespace strata::s3
