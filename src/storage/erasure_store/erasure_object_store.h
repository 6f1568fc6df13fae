// ErasureObjectStore: an ObjectStore that cuts each object into fixed-size
// chunks and stores every chunk as K data + M parity Reed-Solomon shards, one
// shard file each, spread over the drives (ARCHITECTURE.md sections 3-4;
// layout and data_ref format in docs/storage-format.md section 3).
//
// Write streams the body chunk by chunk (memory: about 3.5 x chunk_size per
// write: the ChunkStream's read-ahead and chunk copy plus the K + M encoded
// shards), writes each chunk's shards through the durable recipe and needs
// write_quorum of them durable per chunk. Read serves a range from the data
// shards' covering blocks and rebuilds from parity when a data shard is
// missing or corrupt. No dedup yet: every object owns its shard files, and
// Delete removes them.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "common/random.h"
#include "storage/chunker/chunker.h"
#include "storage/erasure/codec.h"
#include "storage/erasure_store/manifest.h"
#include "storage/object_store.h"

namespace strata::storage {

struct ErasureStoreOptions {
  int data_shards = 4;    // K
  int parity_shards = 2;  // M
  // Fixed chunker size; 0 < chunk_size <= kMaxChunkSize.
  size_t chunk_size = size_t{4} << 20;
  // Shards per chunk that must be durable for a write to succeed.
  // 0 means the default: K, or K + 1 when K == M (as MinIO). Otherwise
  // K <= write_quorum <= K + M.
  int write_quorum = 0;
};

class ErasureObjectStore : public ObjectStore {
 public:
  // Creates each drive's layout (shards/, tmp/) when missing and clears the
  // temporary files a crash left in tmp/ (they were never committed).
  // Fewer drives than K + M is allowed: shards then share drives round-robin,
  // and losing one drive loses several shards of a chunk (with fewer than
  // (K + M) / M drives a single lost drive can make data unreadable).
  // The drive list's count and order are part of the stored format (see
  // layout.h): reopen with the same list.
  // Errors: kInvalidArgument for no drives or bad options; kUnavailable when
  // a drive's layout cannot be created.
  // random must outlive the store; it is used under the store's mutex.
  static common::Result<std::unique_ptr<ErasureObjectStore>> Open(
      std::vector<std::filesystem::path> drives, common::Random& random,
      ErasureStoreOptions options = {});

  // See ObjectStore::Write. Shards are written one after another (no
  // parallel drive I/O yet). Every shard's result is collected; a chunk
  // with fewer than write_quorum durable shards fails the write with
  // kUnavailable. Body errors pass through (kIncompleteBody, ...), plus
  // kIncompleteBody / kInvalidRequest against expected_size. On any failure
  // the object's shard directories are removed from every drive.
  // Thread-safe.
  common::Result<WrittenData> Write(common::ByteSource& source,
                                    std::optional<uint64_t> expected_size) override;

  // See ObjectStore::Read. Reads the first chunk of the range before
  // returning, so an unreadable object fails here rather than after a
  // response has started; later chunks are read as the source is drained
  // (holding one chunk's piece at a time) and may fail from its Read.
  // Errors: kCorruption for a malformed data_ref or unrecoverable chunk,
  // kUnavailable when too many shards are absent, kInvalidArgument when the
  // range extends past the object. The returned source refers to this store,
  // which must outlive it. Thread-safe.
  common::Result<std::unique_ptr<common::ByteSource>> Read(std::string_view data_ref,
                                                           uint64_t offset,
                                                           uint64_t length) override;

  // Removes the object's shard directory on every drive; already gone is
  // fine. kCorruption for a malformed data_ref; kUnavailable when a drive
  // refuses the removal (the other drives are still cleaned). Thread-safe.
  common::Status Delete(std::string_view data_ref) override;

  // Chunks rebuilt from parity by reads since Open, for metrics.
  uint64_t reconstructions() const { return reconstructions_.load(std::memory_order_relaxed); }
  int write_quorum() const { return write_quorum_; }

 private:
  ErasureObjectStore(std::vector<std::filesystem::path> drives, common::Random& random,
                     ErasureCodec codec, std::unique_ptr<Chunker> chunker, size_t chunk_size,
                     int write_quorum)
      : drives_(std::move(drives)),
        random_(random),
        codec_(std::move(codec)),
        chunker_(std::move(chunker)),
        chunk_size_(chunk_size),
        write_quorum_(write_quorum) {}

  std::string NewId();
  // Write without the cleanup; Write removes the id's files when this fails.
  common::Result<WrittenData> WriteShards(const std::string& id, common::ByteSource& source,
                                          std::optional<uint64_t> expected_size);
  // Encodes one chunk and writes its K + M shards; fails below the quorum.
  common::Status WriteChunk(const std::string& id, uint64_t chunk_index, std::string_view data,
                            const std::string& sha256, std::vector<std::vector<uint8_t>>& shards);
  // Removes <drive>/shards/<id[0:2]>/<id> everywhere; returns the first error.
  common::Status RemoveObject(std::string_view id);
  // The codec for a manifest's K and M (the store's own when they match).
  common::Result<ErasureCodec> CodecFor(const ErasureManifest& manifest) const;

  const std::vector<std::filesystem::path> drives_;
  std::mutex random_mutex_;
  common::Random& random_;  // GUARDED_BY(random_mutex_)
  const ErasureCodec codec_;
  const std::unique_ptr<Chunker> chunker_;
  const size_t chunk_size_;
  const int write_quorum_;
  std::atomic<uint64_t> reconstructions_{0};
};

}  // namespace strata::storage
