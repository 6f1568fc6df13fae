// The cached forms of what CachedMetaStore keeps in Redis: a compact,
// binary-safe encoding (inline object bodies hold any bytes) of each cached
// answer, found or not found. Private to meta/cache.
//
// A payload is one tag byte, then:
//   '+' a format-version byte (kFormatVersion) and the record's fields, in
//       declaration order: strings and byte strings as a varint length and
//       the bytes, unsigned integers as varints, signed ones zigzag-encoded,
//       bools as one byte 0/1, vectors as a varint count and the elements;
//   '-' the not-found Status's message (its code is implied by the entry:
//       kNoSuchBucket, kNoSuchKey or kNoSuchEntity).
// The Lua scripts (cache_protocol.cc) read only the tag byte.
//
// Decode* fail with kCorruption for anything Encode* cannot produce (another
// format version, a short or overlong buffer, a bad varint or bool), never
// crash on hostile input. Thread-compatible, pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "meta/identity_store.h"
#include "meta/meta_store.h"

namespace strata::meta::cache::internal {

inline constexpr char kFoundTag = '+';
inline constexpr char kNotFoundTag = '-';
// Bump when a record's layout changes: entries in the old layout then decode
// as kCorruption and are read from the store instead (and the key prefix can
// be changed for a clean cut-over).
// 2: Bucket::cors and Bucket::tagging, ObjectRecord::tags (migration 0006).
// 3: Bucket::versioning, ObjectRecord::version_id (migration 0008). A cached
//    object is always the current one: delete_marker false, is_latest true.
inline constexpr uint8_t kFormatVersion = 3;

std::string EncodeBucket(const Bucket& bucket);
common::Result<Bucket> DecodeBucket(std::string_view payload);

std::string EncodeObject(const ObjectRecord& object);
common::Result<ObjectRecord> DecodeObject(std::string_view payload);

std::string EncodeUser(const User& user);
common::Result<User> DecodeUser(std::string_view payload);

std::string EncodeAccessKey(const AccessKey& key);
common::Result<AccessKey> DecodeAccessKey(std::string_view payload);

std::string EncodePolicy(const StoredPolicy& policy);
common::Result<StoredPolicy> DecodePolicy(std::string_view payload);

std::string EncodeNames(const std::vector<std::string>& names);
common::Result<std::vector<std::string>> DecodeNames(std::string_view payload);

// '-' + message.
std::string EncodeNotFound(std::string_view message);
// True when `payload` is a not-found entry; then `*message` is its message.
bool IsNotFound(std::string_view payload, std::string* message);

}  // namespace strata::meta::cache::internal
