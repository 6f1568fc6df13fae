// The stored form of ObjectRecord metadata (user_metadata, system_metadata):
// JSON text, shared by every MetaStore implementation so a database can move
// between them.
#pragma once

#include <string>
#include <string_view>

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

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF). NUL is allowed.
bool IsValidUtf8(std::string_view text);

}  // namespace strata::meta
