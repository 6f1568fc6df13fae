#include "meta/internal/version_rules.h"

#include <string>

#include "meta/internal/record_checks.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using common::Error;

constexpr std::string_view kEnabledText = "Enabled";
constexpr std::string_view kSuspendedText = "Suspended";

// What a new version does to the key's existing ones. Shared by puts and
// delete markers: S3 treats a marker as one more version.
VersionPlan PlanNewVersion(Versioning versioning, std::string version_id,
                           const std::optional<std::string>& current_version_id) {
  VersionPlan plan{.version_id = std::move(version_id)};
  switch (versioning) {
    case Versioning::kUnversioned:
      plan.replace_current = current_version_id.has_value();
      break;
    case Versioning::kEnabled:
      plan.archive_current = current_version_id.has_value();
      break;
    case Versioning::kSuspended:
      // The new version is the null version, so the old one goes, wherever it
      // lives; a current version with an id is kept (AWS: "suspending
      // versioning does not change existing versions").
      if (current_version_id == "") {
        plan.replace_current = true;
      } else {
        plan.archive_current = current_version_id.has_value();
        plan.remove_null_version = true;
      }
      break;
  }
  return plan;
}

}  // namespace

std::string_view VersioningText(Versioning versioning) {
  switch (versioning) {
    case Versioning::kUnversioned:
      return "";
    case Versioning::kEnabled:
      return kEnabledText;
    case Versioning::kSuspended:
      return kSuspendedText;
  }
  return "";
}

common::Result<Versioning> ParseVersioning(std::string_view bucket, std::string_view text) {
  if (text.empty()) return Versioning::kUnversioned;
  if (text == kEnabledText) return Versioning::kEnabled;
  if (text == kSuspendedText) return Versioning::kSuspended;
  return Error(Code::kCorruption, "bucket '" + std::string(bucket) +
                                      "' has an unknown versioning state '" + std::string(text) +
                                      "'");
}

common::Status CheckVersioningChange(Versioning versioning) {
  if (versioning == Versioning::kUnversioned) {
    return Error(Code::kInvalidArgument, "versioning can only be enabled or suspended");
  }
  return common::Status::Ok();
}

common::Result<VersionPlan> PlanPut(Versioning versioning, std::string_view requested_id,
                                    const std::optional<std::string>& current_version_id) {
  std::string version_id;
  if (versioning == Versioning::kEnabled) {
    STRATA_RETURN_IF_ERROR(CheckVersionId(requested_id));
    version_id = requested_id;
  }
  return PlanNewVersion(versioning, std::move(version_id), current_version_id);
}

common::Result<VersionPlan> PlanDeleteLatest(Versioning versioning,
                                             std::string_view marker_version_id,
                                             const std::optional<std::string>& current_version_id) {
  if (versioning == Versioning::kUnversioned) {
    return VersionPlan{.new_version = false, .replace_current = current_version_id.has_value()};
  }
  return PlanPut(versioning, marker_version_id, current_version_id);
}

ObjectRecord MakeDeleteMarker(std::string_view bucket, std::string_view key,
                              std::string_view version_id, int64_t now_ms) {
  ObjectRecord marker;
  marker.bucket = bucket;
  marker.key = key;
  marker.last_modified_ms = now_ms;
  marker.version_id = version_id;
  marker.delete_marker = true;
  return marker;
}

bool PromoteNewest(bool has_current, std::optional<bool> newest_is_delete_marker) {
  return !has_current && newest_is_delete_marker == false;
}

common::Status NoSuchVersion(std::string_view key, std::string_view version_id) {
  return Error(Code::kNoSuchVersion, "version '" + VersionMarker(version_id) + "' of key '" +
                                         std::string(key) + "' does not exist");
}

common::Status VersionIdInUse(std::string_view key, std::string_view version_id) {
  return Error(Code::kInvalidArgument, "key '" + std::string(key) + "' already has version '" +
                                           std::string(version_id) + "'");
}

common::Status VersionIsDeleteMarker(std::string_view key, std::string_view version_id) {
  return Error(Code::kMethodNotAllowed, "version '" + VersionMarker(version_id) + "' of key '" +
                                            std::string(key) + "' is a delete marker");
}

std::string VersionMarker(std::string_view version_id) {
  if (version_id.empty()) return std::string(kNullVersionMarker);
  return std::string(version_id);
}

std::string VersionIdFromMarker(std::string_view marker) {
  if (marker == kNullVersionMarker) return "";
  return std::string(marker);
}

}  // namespace strata::meta::internal
