#include "s3/handlers/version_headers.h"

#include "common/time_format.h"
#include "service/version_id.h"

namespace strata::s3 {

common::Result<std::optional<std::string>> QueryVersionId(const http::QueryParams& query) {
  const std::string* text = http::FindParam(query, "versionId");
  if (text == nullptr) return std::optional<std::string>();
  STRATA_ASSIGN_OR_RETURN(std::string id, service::ParseVersionId(*text));
  return std::optional<std::string>(std::move(id));
}

common::Status SetVersionIdHeader(Services& services, std::string_view bucket,
                                  std::string_view version_id, http::Headers& headers) {
  if (version_id.empty()) {
    STRATA_ASSIGN_OR_RETURN(meta::Bucket found, services.buckets.Get(bucket));
    if (found.versioning == meta::Versioning::kUnversioned) return common::Status::Ok();
  }
  headers.Set("x-amz-version-id", service::PrintedVersionId(version_id));
  return common::Status::Ok();
}

void SetDeleteMarkerHeaders(const meta::ObjectRecord& marker, bool with_last_modified,
                            http::Headers& headers) {
  headers.Set("x-amz-delete-marker", "true");
  headers.Set("x-amz-version-id", service::PrintedVersionId(marker.version_id));
  if (with_last_modified) {
    headers.Set("Last-Modified", common::FormatHttpDate(marker.last_modified_ms / 1000));
  }
}

}  // namespace strata::s3
