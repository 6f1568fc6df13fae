// Readiness (/_strata/health/ready): whether this server can serve writes
// now. Liveness only says the process answers; readiness is what a load
// balancer or Kubernetes uses to send traffic here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "meta/meta_store.h"
#include "storage/chunk_store/drive_health.h"

namespace strata::app {

// How many of drive_count drives must be online so that every chunk write
// still reaches write_quorum shards, whichever drives the offline ones are.
//
// Shards go to consecutive drives (docs/storage-format.md, placement): with
// n >= K + M drives each drive holds at most one shard of a chunk, so a chunk
// whose K + M drives include all the offline ones loses one shard per
// offline drive; with fewer drives, ceil((K + M) / n) shards share a drive.
// The rule takes the worst case: the offline drives are the ones holding the
// most shards of some chunk. For n == K + M this is exactly write_quorum
// drives (4 of 6 for 4+2); for n > K + M it is n - (K + M) + write_quorum;
// for n < K + M it counts shards per drive.
// REQUIRES: drive_count > 0, 1 <= write_quorum <= shards_per_chunk.
size_t DrivesNeededForWrites(size_t drive_count, int shards_per_chunk, int write_quorum);

struct Readiness {
  bool ready = false;
  std::string reason;  // why not, for the 503 body; "" when ready
};

// Ready when the metadata store answers a query (a single index lookup that
// the cache never answers, so a PostgreSQL that is down or unreachable makes
// the server not ready, with the store's error as the reason) AND at least
// drives_needed drives are online. A drive is online as DriveHealth sees it: it goes
// offline when its I/O fails and is retried after an interval, so a dead
// drive shows as offline once a read or write has touched it.
// Thread-safe when meta is.
Readiness CheckReadiness(meta::MetaStore& meta, const std::vector<storage::DriveStatus>& drives,
                         size_t drives_needed);

}  // namespace strata::app
