#include "service/version_id.h"

#include <cstdio>

namespace strata::service {

std::string VersionIdGenerator::Next() {
  // Time first, so a key's ids made on one node roughly sort by age (handy
  // when reading logs; nothing depends on it).
  char time_hex[13];
  std::snprintf(time_hex, sizeof(time_hex), "%012llx",
                static_cast<unsigned long long>(clock_.NowMillis()) & 0xffffffffffffULL);
  std::lock_guard lock(mutex_);
  return std::string(time_hex) + common::RandomHexId(random_, 10);
}

bool IsValidVersionId(std::string_view id) {
  if (id == kNullVersionId) return true;
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

common::Result<std::string> ParseVersionId(std::string_view id) {
  if (!IsValidVersionId(id)) {
    return common::Error(common::Code::kInvalidArgument, "Invalid version id specified");
  }
  if (id == kNullVersionId) return std::string();
  return std::string(id);
}

std::string PrintedVersionId(std::string_view version_id) {
  return version_id.empty() ? std::string(kNullVersionId) : std::string(version_id);
}

common::Result<meta::ObjectRecord> ReadCopySource(meta::MetaStore& meta, std::string_view bucket,
                                                  std::string_view key,
                                                  const std::optional<std::string>& version_id) {
  if (!version_id) return meta.GetObject(bucket, key);
  STRATA_ASSIGN_OR_RETURN(meta::ObjectRecord source,
                          meta.GetObjectVersion(bucket, key, *version_id));
  if (source.delete_marker) {
    return common::Error(common::Code::kInvalidRequest,
                         "The source of a copy request may not specifically refer to a delete "
                         "marker by version id.");
  }
  return source;
}

}  // namespace strata::service
