#include "meta/internal/multipart_rules.h"

#include <utility>

#include "meta/internal/store_errors.h"

namespace strata::meta::internal {

common::Status CheckUploadIsFor(const std::optional<MultipartUpload>& upload,
                                std::string_view upload_id, std::string_view bucket,
                                std::string_view key) {
  if (!upload || upload->bucket != bucket || upload->key != key) return NoSuchUpload(upload_id);
  return common::Status::Ok();
}

common::Status CheckMaxParts(int max_parts) {
  if (max_parts < 0) return common::Error(common::Code::kInvalidArgument, "max_parts must be >= 0");
  return common::Status::Ok();
}

ListPartsPage PartsPage(std::vector<PartRecord> rows, int max_parts) {
  ListPartsPage page{.parts = std::move(rows)};
  if (page.parts.size() > static_cast<size_t>(max_parts)) {
    page.parts.resize(static_cast<size_t>(max_parts));
    page.truncated = true;
  }
  if (!page.parts.empty()) page.next_part_number_marker = page.parts.back().part_number;
  return page;
}

}  // namespace strata::meta::internal
