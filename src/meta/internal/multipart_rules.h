// The multipart-upload rules that do not depend on a database: which upload
// a request may name, and how a ListParts page is cut from the rows read.
// Pure functions: no I/O, thread-safe. Private to meta/.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta::internal {

// kNoSuchUpload (store_errors.h) unless `upload` (the row read for
// `upload_id`, nullopt when there is none) is an upload of `key` in `bucket`:
// S3 answers NoSuchUpload for an id used with another bucket or key.
common::Status CheckUploadIsFor(const std::optional<MultipartUpload>& upload,
                                std::string_view upload_id, std::string_view bucket,
                                std::string_view key);

// kInvalidArgument for max_parts < 0 (ListParts).
common::Status CheckMaxParts(int max_parts);

// The ListParts page of `rows`, the parts after the marker in ascending order,
// read with a limit of max_parts + 1: one row more than the page tells that
// more follow (truncated). next_part_number_marker is the page's last part
// number, 0 for an empty page. REQUIRES: max_parts >= 1 (a max_parts of 0
// gives an empty page that is not truncated, without reading any row).
ListPartsPage PartsPage(std::vector<PartRecord> rows, int max_parts);

}  // namespace strata::meta::internal
