#include "storage/erasure_store/manifest.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "storage/chunker/chunker.h"
#include "storage/erasure/codec.h"

namespace strata::storage {
namespace {

constexpr size_t kIdLength = 32;
constexpr size_t kFieldCount = 7;

common::Status Malformed(std::string_view data_ref, std::string_view why) {
  return common::Error(
      common::Code::kCorruption,
      "malformed data reference \"" + std::string(data_ref) + "\": " + std::string(why));
}

// Decimal digits only: no sign, no spaces, no leading zeros ("0" itself is
// fine), so every value has exactly one spelling.
bool ParseNumber(std::string_view text, uint64_t& value) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool IsHexId(std::string_view id) {
  return id.size() == kIdLength && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

uint64_t ErasureManifest::ChunkCount() const {
  return chunk_size == 0 ? 0 : (object_size + chunk_size - 1) / chunk_size;
}

uint64_t ErasureManifest::ChunkBytes(uint64_t chunk) const {
  const uint64_t start = chunk * chunk_size;
  return std::min(chunk_size, object_size - start);
}

std::string EncodeErasureManifest(const ErasureManifest& manifest) {
  std::string out(kErasureManifestPrefix);
  for (const std::string& field :
       {manifest.id, std::to_string(manifest.data_shards), std::to_string(manifest.parity_shards),
        std::to_string(manifest.chunk_size), std::to_string(manifest.object_size),
        std::to_string(manifest.ChunkCount())}) {
    out += ';';
    out += field;
  }
  return out;
}

common::Result<ErasureManifest> ParseErasureManifest(std::string_view data_ref) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    size_t semicolon = data_ref.find(';', start);
    fields.push_back(data_ref.substr(start, semicolon - start));
    if (semicolon == std::string_view::npos) break;
    start = semicolon + 1;
    if (fields.size() > kFieldCount) break;
  }
  if (fields.size() != kFieldCount) return Malformed(data_ref, "wrong number of fields");
  if (fields[0] != kErasureManifestPrefix) return Malformed(data_ref, "unknown format");
  if (!IsHexId(fields[1])) return Malformed(data_ref, "bad object id");
  uint64_t k = 0, m = 0, chunk_size = 0, object_size = 0, chunk_count = 0;
  if (!ParseNumber(fields[2], k) || !ParseNumber(fields[3], m) ||
      !ParseNumber(fields[4], chunk_size) || !ParseNumber(fields[5], object_size) ||
      !ParseNumber(fields[6], chunk_count)) {
    return Malformed(data_ref, "bad number");
  }
  if (k < 1 || m > static_cast<uint64_t>(ErasureCodec::kMaxTotalShards) ||
      k + m > static_cast<uint64_t>(ErasureCodec::kMaxTotalShards)) {
    return Malformed(data_ref, "bad shard counts");
  }
  if (chunk_size < 1 || chunk_size > kMaxChunkSize) return Malformed(data_ref, "bad chunk size");
  ErasureManifest manifest{std::string(fields[1]), static_cast<int>(k), static_cast<int>(m),
                           chunk_size, object_size};
  if (manifest.ChunkCount() != chunk_count) return Malformed(data_ref, "chunk count mismatch");
  return manifest;
}

}  // namespace strata::storage
