// Records to and from the JSON columns their rows store (metadata_json.h
// gives the forms): encoding checks a record against the write rules first
// (record_checks.h), decoding decides what a row that cannot be decoded
// means. The same for every backend, so a database can move between them and
// a damaged row is treated alike everywhere. Pure functions: no I/O,
// thread-safe. Private to meta/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta::internal {

// How a row's metadata, manifest or part sizes that cannot be decoded are
// treated.
enum class OnBadMetadata {
  kFail,  // kCorruption: reads must not return a record that lies
  // Empty metadata, manifest and part sizes: a damaged row must stay
  // replaceable and removable. A lost manifest cannot release its chunks'
  // references, so they leak, which is the safe way round (no chunk in use is
  // ever collected).
  kDrop,
};

// An ObjectRecord's JSON columns.
struct EncodedObject {
  std::string user_metadata;
  std::string system_metadata;
  std::string manifest;
  std::string part_sizes;
  std::string tags;  // EncodeTags: "" for none
};

// `object` checked against PutObject's rules (CheckObjectRecord), and
// `written_chunks` against CheckWrittenChunks, then its JSON columns encoded.
// kInvalidArgument, naming the rule, for a record or written chunk that
// breaks one, metadata that is not valid UTF-8 or a manifest entry that
// breaks ManifestEntry's rules.
common::Result<EncodedObject> EncodeObject(const ObjectRecord& object,
                                           const std::vector<ChunkInfo>& written_chunks);

// `part` checked against PutPart's rules (CheckPartRecord), and
// `written_chunks` against CheckWrittenChunks, then its manifest encoded.
// kInvalidArgument as EncodeObject.
common::Result<std::string> EncodePart(const PartRecord& part,
                                       const std::vector<ChunkInfo>& written_chunks);

// An upload's JSON columns.
struct EncodedUpload {
  std::string user_metadata;
  std::string system_metadata;
  std::string tags;  // EncodeTags: "" for none
};

// kInvalidArgument for metadata that is not valid UTF-8.
common::Result<EncodedUpload> EncodeUpload(const MultipartUpload& upload);

// The JSON columns of an objects row, as read. The views need only outlive
// the call.
struct ObjectJson {
  std::string_view user_metadata;
  std::string_view system_metadata;
  std::string_view manifest;
  std::string_view part_sizes;
  std::string_view tags;
};

// Decodes `json` into record.user_metadata, system_metadata, part_sizes,
// manifest and tags. With kFail, kCorruption naming record.key when a column cannot be
// decoded or the body does not add up to record.size (BodySize); with kDrop
// what cannot be decoded is left empty and the size is not checked.
// REQUIRES: record.key, record.size and record.inline_data are already set.
common::Status DecodeObjectJson(const ObjectJson& json, OnBadMetadata on_bad_metadata,
                                ObjectRecord& record);

// Decodes an uploads row's metadata and tags columns into `upload`. With
// kFail, kCorruption naming upload.upload_id when one cannot be decoded; with
// kDrop they are left empty then. REQUIRES: upload.upload_id is set.
common::Status DecodeUploadJson(std::string_view user_metadata, std::string_view system_metadata,
                                std::string_view tags, OnBadMetadata on_bad_metadata,
                                MultipartUpload& upload);

// A bucket row's tagging column. kCorruption naming the bucket when it
// cannot be decoded.
common::Result<MetadataPairs> DecodeBucketTagging(std::string_view bucket, std::string_view json);

// Decodes a parts row's manifest into part.manifest. kCorruption naming the
// part when it cannot be decoded or its lengths do not add up to part.size.
// REQUIRES: part.upload_id, part.part_number and part.size are set.
common::Status DecodePartManifest(std::string_view json, PartRecord& part);

// The manifest `json` holds, or an empty one when it cannot be decoded: for
// a part that is replaced or deleted, whose chunks' counts then leak rather
// than risk collecting a chunk in use (as OnBadMetadata::kDrop).
Manifest DecodeManifestOrEmpty(std::string_view json);

}  // namespace strata::meta::internal
