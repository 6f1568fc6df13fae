// The rules a MetaStore checks on what callers hand it before anything is
// written (sqlite/sqlite_meta_store.h lists them; every backend enforces the
// same), and the conditional-write check. Pure functions: no I/O, thread-safe.
// Private to meta/.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta::internal {

// The highest part number S3 allows; parts are 1 .. kMaxPartNumber.
inline constexpr int kMaxPartNumber = 10000;

// The body size ObjectRecord's rules give: inline_data's size, or the sum of
// the manifest's lengths. nullopt when the record has both inline_data and a
// manifest, or when the sum overflows.
std::optional<uint64_t> BodySize(const ObjectRecord& record);

// PutObject's rules for `object` (kInvalidArgument, naming the rule): a size
// that fits in 63 bits (what the databases' BIGINT holds), a body (BodySize)
// equal to it, and part_sizes empty or adding up to it. ManifestEntry's own
// rules and metadata UTF-8 are checked where they are encoded
// (meta/metadata_json.h).
common::Status CheckObjectRecord(const ObjectRecord& object);

// PutPart's rules for `part` (kInvalidArgument, naming the rule): a part
// number in 1 .. kMaxPartNumber, a size that fits in 63 bits, and manifest
// lengths adding up to it.
common::Status CheckPartRecord(const PartRecord& part);

// The longest version id a MetaStore stores (meta_store.h).
inline constexpr size_t kMaxVersionIdBytes = 64;

// The rule for an id a new version gets when versioning is enabled
// (kInvalidArgument otherwise): 1 .. kMaxVersionIdBytes bytes of
// [A-Za-z0-9._-], and not "null" (kNullVersionMarker, the null version's
// printed name).
common::Status CheckVersionId(std::string_view version_id);

// kInvalidArgument when a written chunk has a negative shard count or a size
// above INT64_MAX (what the chunks table's columns hold).
common::Status CheckWrittenChunks(const std::vector<ChunkInfo>& written_chunks);

// kPreconditionFailed unless `condition` holds for `current`, the object the
// write would replace (nullopt when there is none). REQUIRES: `current` was
// read in the same transaction as the write, so two conditional writes racing
// on one key cannot both pass.
common::Status CheckCondition(const WriteCondition& condition,
                              const std::optional<ObjectRecord>& current);

}  // namespace strata::meta::internal
