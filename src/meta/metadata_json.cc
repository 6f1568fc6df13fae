#include "meta/metadata_json.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/status.h"

namespace strata::meta {

using common::Code;
using common::Error;
using nlohmann::json;

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte, overlong lead (C0, C1) or F5..FF
    }
    if (n - i <= static_cast<size_t>(extra)) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) return false;  // overlong
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

common::Result<std::string> EncodeMetadata(const MetadataPairs& pairs) {
  json array = json::array();
  for (const auto& [name, value] : pairs) {
    // nlohmann's dump() throws on invalid UTF-8; check first so it never can.
    if (!IsValidUtf8(name) || !IsValidUtf8(value)) {
      return Error(Code::kInvalidArgument, "metadata name or value is not valid UTF-8");
    }
    array.push_back(json::array({name, value}));
  }
  // After the check above, `replace` is never used; it only makes dump()
  // non-throwing by construction.
  return array.dump(-1, ' ', false, json::error_handler_t::replace);
}

common::Result<std::string> EncodeTags(const MetadataPairs& tags) {
  if (tags.empty()) return std::string();
  return EncodeMetadata(tags);
}

common::Result<MetadataPairs> DecodeTags(std::string_view text) {
  if (text.empty()) return MetadataPairs();
  return DecodeMetadata(text);
}

common::Result<MetadataPairs> DecodeMetadata(std::string_view text) {
  const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) {
    return Error(Code::kCorruption, "stored metadata is not a JSON array");
  }
  MetadataPairs pairs;
  pairs.reserve(parsed.size());
  for (const json& pair : parsed) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return Error(Code::kCorruption, "stored metadata entry is not a [name, value] pair");
    }
    pairs.emplace_back(pair[0].get_ref<const std::string&>(),
                       pair[1].get_ref<const std::string&>());
  }
  return pairs;
}

namespace {

// Positions in a manifest entry's array.
enum ManifestField {
  kHash,
  kLocation,
  kDataShards,
  kParityShards,
  kChunkSize,
  kOffset,
  kLength,
  kManifestFields,
};

// Why `entry` breaks ManifestEntry's rules, or "" when it keeps them.
std::string_view EntryProblem(const ManifestEntry& entry) {
  if (entry.chunk.data_shards < 0 || entry.chunk.parity_shards < 0) {
    return "negative shard count";
  }
  if (entry.length == 0) return "empty piece";
  // offset + length <= size, written so it cannot overflow.
  if (entry.offset > entry.chunk.size || entry.length > entry.chunk.size - entry.offset) {
    return "piece extends past the chunk's end";
  }
  return "";
}

// Reads a non-negative JSON integer no larger than `max`.
bool ReadUnsigned(const json& value, uint64_t max, uint64_t* out) {
  if (!value.is_number_unsigned()) return false;  // negatives, floats, others
  *out = value.get<uint64_t>();
  return *out <= max;
}

}  // namespace

common::Result<std::string> EncodeManifest(const Manifest& manifest) {
  json array = json::array();
  for (size_t i = 0; i < manifest.size(); ++i) {
    const ManifestEntry& entry = manifest[i];
    if (std::string_view problem = EntryProblem(entry); !problem.empty()) {
      return Error(Code::kInvalidArgument,
                   "manifest entry " + std::to_string(i) + ": " + std::string(problem));
    }
    // dump() would throw on invalid UTF-8, as for metadata.
    if (!IsValidUtf8(entry.chunk.hash) || !IsValidUtf8(entry.chunk.location)) {
      return Error(Code::kInvalidArgument,
                   "manifest entry " + std::to_string(i) + ": hash or location is not UTF-8");
    }
    array.push_back(json::array({entry.chunk.hash, entry.chunk.location,
                                 static_cast<uint64_t>(entry.chunk.data_shards),
                                 static_cast<uint64_t>(entry.chunk.parity_shards), entry.chunk.size,
                                 entry.offset, entry.length}));
  }
  return array.dump(-1, ' ', false, json::error_handler_t::replace);
}

common::Result<Manifest> DecodeManifest(std::string_view text) {
  const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) {
    return Error(Code::kCorruption, "stored manifest is not a JSON array");
  }
  Manifest manifest;
  manifest.reserve(parsed.size());
  for (const json& item : parsed) {
    auto bad = [&](std::string_view why) {
      return Error(Code::kCorruption, "stored manifest entry " + std::to_string(manifest.size()) +
                                          ": " + std::string(why));
    };
    if (!item.is_array() || item.size() != kManifestFields || !item[kHash].is_string() ||
        !item[kLocation].is_string()) {
      return bad("not a [hash, location, K, M, size, offset, length] array");
    }
    ManifestEntry entry;
    entry.chunk.hash = item[kHash].get<std::string>();
    entry.chunk.location = item[kLocation].get<std::string>();
    constexpr auto kMaxInt = static_cast<uint64_t>(std::numeric_limits<int>::max());
    constexpr auto kMax = std::numeric_limits<uint64_t>::max();
    uint64_t data_shards = 0;
    uint64_t parity_shards = 0;
    if (!ReadUnsigned(item[kDataShards], kMaxInt, &data_shards) ||
        !ReadUnsigned(item[kParityShards], kMaxInt, &parity_shards) ||
        !ReadUnsigned(item[kChunkSize], kMax, &entry.chunk.size) ||
        !ReadUnsigned(item[kOffset], kMax, &entry.offset) ||
        !ReadUnsigned(item[kLength], kMax, &entry.length)) {
      return bad("a number is not a non-negative integer in range");
    }
    entry.chunk.data_shards = static_cast<int>(data_shards);
    entry.chunk.parity_shards = static_cast<int>(parity_shards);
    if (std::string_view problem = EntryProblem(entry); !problem.empty()) return bad(problem);
    manifest.push_back(std::move(entry));
  }
  return manifest;
}

std::string EncodePartSizes(const std::vector<uint64_t>& part_sizes) {
  // Integers only: dump() cannot meet invalid UTF-8, so it cannot throw.
  return json(part_sizes).dump();
}

common::Result<std::vector<uint64_t>> DecodePartSizes(std::string_view text) {
  const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) {
    return Error(Code::kCorruption, "stored part sizes are not a JSON array");
  }
  std::vector<uint64_t> sizes;
  sizes.reserve(parsed.size());
  for (const json& item : parsed) {
    uint64_t size = 0;
    if (!ReadUnsigned(item, std::numeric_limits<uint64_t>::max(), &size)) {
      return Error(Code::kCorruption, "stored part size is not a non-negative integer");
    }
    sizes.push_back(size);
  }
  return sizes;
}

}  // namespace strata::meta
