// The orphan scan's listing for ErasureChunkStore::ForEachLocation: every
// chunk location directory on the drives, each once, with its newest
// modification time. Private to storage/chunk_store.
#pragma once

#include <functional>
#include <span>

#include "common/status.h"
#include "storage/chunk_store.h"
#include "storage/chunk_store/drive_health.h"
#include "storage/drive/drive.h"

namespace strata::storage::chunk_internal {

// Calls visit once per chunks/<xx>/<loc> directory name found on any online
// drive of drives (names that are not a valid prefix or location are
// ignored), with modified_ms = the newest mtime of those directories and
// their files. Goes one prefix at a time, so only one prefix's locations are
// held. Visits all it can; returns kUnavailable afterwards when some drive
// was offline or could not be listed (that drive also goes offline).
// REQUIRES: drives.size() == health.size(), health tracking drives in order.
common::Status ScanLocations(std::span<Drive* const> drives, DriveHealth& health,
                             const std::function<void(const StoredLocation&)>& visit);

}  // namespace strata::storage::chunk_internal
