// The stored forms of ObjectRecord's metadata (user_metadata,
// system_metadata), manifest and part sizes: JSON text, shared by every MetaStore
// implementation so a database can move between them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "meta/meta_store.h"

namespace strata::meta {

// Encodes pairs as a JSON array of two-string arrays, [["name","value"],...].
// An array (not an object) keeps the caller's order and any repeated name, so
// Decode(Encode(p)) == p exactly. Empty pairs encode as "[]".
// kInvalidArgument when a name or value is not valid UTF-8 (JSON text cannot
// hold it; callers encode such header values first, as AWS does with RFC 2047).
common::Result<std::string> EncodeMetadata(const MetadataPairs& pairs);

// Inverse of EncodeMetadata. kCorruption when `json` is not such an array.
common::Result<MetadataPairs> DecodeMetadata(std::string_view json);

// Tag sets (ObjectRecord::tags, MultipartUpload::tags, Bucket::tagging): ""
// for none, which is also what rows written before tags existed hold,
// otherwise EncodeMetadata's form. kInvalidArgument as EncodeMetadata.
common::Result<std::string> EncodeTags(const MetadataPairs& tags);

// Inverse of EncodeTags: "" is no tags. kCorruption as DecodeMetadata.
common::Result<MetadataPairs> DecodeTags(std::string_view text);

// Encodes a manifest as a compact JSON array with one array per entry:
//   [[hash, location, data_shards, parity_shards, chunk_size, offset, length], ...]
// (strings, then non-negative integers). Positional arrays keep a manifest of
// thousands of entries small. Empty encodes as "[]". kInvalidArgument when an
// entry breaks ManifestEntry's rules (length >= 1, offset + length <=
// chunk.size), has negative shard counts, or a hash or location that is not
// valid UTF-8. Decode(Encode(m)) == m whenever Encode succeeds.
common::Result<std::string> EncodeManifest(const Manifest& manifest);

// Inverse of EncodeManifest. Strict: kCorruption for anything EncodeManifest
// cannot produce (another shape, a wrong type, a float, a negative or
// out-of-range number, an entry breaking the rules above). The strings'
// contents (hex) are not checked.
common::Result<Manifest> DecodeManifest(std::string_view json);

// Encodes ObjectRecord::part_sizes as a JSON array of integers, "[12,7]";
// empty encodes as "[]". Cannot fail.
std::string EncodePartSizes(const std::vector<uint64_t>& part_sizes);

// Inverse of EncodePartSizes. kCorruption for anything else (another shape,
// a negative, float or out-of-range number).
common::Result<std::vector<uint64_t>> DecodePartSizes(std::string_view json);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF). NUL is allowed.
bool IsValidUtf8(std::string_view text);

}  // namespace strata::meta
