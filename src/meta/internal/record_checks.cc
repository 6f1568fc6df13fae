#include "meta/internal/record_checks.h"

#include <limits>

namespace strata::meta::internal {
namespace {

using common::Code;
using common::Error;

constexpr auto kMaxSize = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// The sum of value(item) over `range`, or nullopt when it overflows.
template <typename Range, typename Value>
std::optional<uint64_t> Sum(const Range& range, Value value) {
  uint64_t total = 0;
  for (const auto& item : range) {
    const uint64_t v = value(item);
    if (v > std::numeric_limits<uint64_t>::max() - total) return std::nullopt;
    total += v;
  }
  return total;
}

uint64_t LengthOf(const ManifestEntry& entry) { return entry.length; }

}  // namespace

std::optional<uint64_t> BodySize(const ObjectRecord& record) {
  if (record.manifest.empty()) return record.inline_data.size();
  if (!record.inline_data.empty()) return std::nullopt;
  return Sum(record.manifest, LengthOf);
}

common::Status CheckObjectRecord(const ObjectRecord& object) {
  if (object.size > kMaxSize) {
    return Error(Code::kInvalidArgument, "object size does not fit in 63 bits");
  }
  if (BodySize(object) != object.size) {
    return Error(Code::kInvalidArgument,
                 "object body (inline data or manifest pieces) does not match its size");
  }
  if (!object.part_sizes.empty() &&
      Sum(object.part_sizes, [](uint64_t size) { return size; }) != object.size) {
    return Error(Code::kInvalidArgument, "object part sizes do not add up to its size");
  }
  return common::Status::Ok();
}

common::Status CheckPartRecord(const PartRecord& part) {
  if (part.part_number < 1 || part.part_number > kMaxPartNumber) {
    return Error(Code::kInvalidArgument, "part number must be 1 .. 10000");
  }
  if (part.size > kMaxSize) {
    return Error(Code::kInvalidArgument, "part size does not fit in 63 bits");
  }
  // The lengths never decrease a partial sum, so it passes part.size exactly
  // when the whole sum (or an overflowing one) does.
  const std::optional<uint64_t> total = Sum(part.manifest, LengthOf);
  if (!total || *total > part.size) {
    return Error(Code::kInvalidArgument, "part manifest pieces exceed its size");
  }
  if (*total != part.size) {
    return Error(Code::kInvalidArgument, "part manifest pieces do not add up to its size");
  }
  return common::Status::Ok();
}

common::Status CheckVersionId(std::string_view version_id) {
  if (version_id.empty() || version_id.size() > kMaxVersionIdBytes) {
    return Error(Code::kInvalidArgument, "a version id must be 1 .. 64 bytes");
  }
  if (version_id == kNullVersionMarker) {
    return Error(Code::kInvalidArgument, "\"null\" names the null version, not a new one");
  }
  for (const char c : version_id) {
    // Spelled out rather than <cctype>: the rule is ASCII whatever the locale.
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return Error(Code::kInvalidArgument, "a version id may hold only [A-Za-z0-9._-]");
  }
  return common::Status::Ok();
}

common::Status CheckWrittenChunks(const std::vector<ChunkInfo>& written_chunks) {
  for (const ChunkInfo& chunk : written_chunks) {
    if (chunk.data_shards < 0 || chunk.parity_shards < 0 || chunk.size > kMaxSize) {
      return Error(Code::kInvalidArgument, "written chunk " + chunk.hash + " is malformed");
    }
  }
  return common::Status::Ok();
}

common::Status CheckCondition(const WriteCondition& condition,
                              const std::optional<ObjectRecord>& current) {
  switch (condition.kind) {
    case WriteCondition::Kind::kNone:
      return common::Status::Ok();
    case WriteCondition::Kind::kIfNoneMatchAny:
      if (current) return Error(Code::kPreconditionFailed, "the object already exists");
      return common::Status::Ok();
    case WriteCondition::Kind::kIfMatch:
      if (!current) return Error(Code::kPreconditionFailed, "the object does not exist");
      if (current->etag != condition.etag) {
        return Error(Code::kPreconditionFailed, "the object's ETag does not match");
      }
      return common::Status::Ok();
  }
  return Error(Code::kInternal, "unknown write condition");
}

}  // namespace strata::meta::internal
