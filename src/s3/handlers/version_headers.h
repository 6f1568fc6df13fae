// The versioning parts of object requests and answers (docs/versioning.md):
// ?versionId= in, x-amz-version-id and x-amz-delete-marker out.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/headers.h"
#include "http/url.h"
#include "meta/meta_store.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

// The request's ?versionId= in store naming ("null" becomes "", the null
// version); nullopt when absent. kInvalidArgument "Invalid version id
// specified" when it is malformed (service/version_id.h).
common::Result<std::optional<std::string>> QueryVersionId(const http::QueryParams& query);

// Sets x-amz-version-id for a version of an object in `bucket` as S3 does:
// its id, or "null" for the null version of a bucket whose versioning was
// ever set; no header in a bucket that never had versioning. Looks the
// bucket up only for the null version. kNoSuchBucket; store errors.
common::Status SetVersionIdHeader(Services& services, std::string_view bucket,
                                  std::string_view version_id, http::Headers& headers);

// x-amz-delete-marker: true and x-amz-version-id of a delete marker, with
// its Last-Modified when with_last_modified (the 405 of GET ?versionId=).
void SetDeleteMarkerHeaders(const meta::ObjectRecord& marker, bool with_last_modified,
                            http::Headers& headers);

}  // namespace strata::s3
