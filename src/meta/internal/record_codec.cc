#include "meta/internal/record_codec.h"

#include <utility>

#include "meta/internal/record_checks.h"
#include "meta/metadata_json.h"

namespace strata::meta::internal {

using common::Code;
using common::Error;

common::Result<EncodedObject> EncodeObject(const ObjectRecord& object,
                                           const std::vector<ChunkInfo>& written_chunks) {
  STRATA_RETURN_IF_ERROR(CheckObjectRecord(object));
  STRATA_RETURN_IF_ERROR(CheckWrittenChunks(written_chunks));
  EncodedObject encoded;
  STRATA_ASSIGN_OR_RETURN(encoded.user_metadata, EncodeMetadata(object.user_metadata));
  STRATA_ASSIGN_OR_RETURN(encoded.system_metadata, EncodeMetadata(object.system_metadata));
  STRATA_ASSIGN_OR_RETURN(encoded.manifest, EncodeManifest(object.manifest));
  encoded.part_sizes = EncodePartSizes(object.part_sizes);
  STRATA_ASSIGN_OR_RETURN(encoded.tags, EncodeTags(object.tags));
  return encoded;
}

common::Result<std::string> EncodePart(const PartRecord& part,
                                       const std::vector<ChunkInfo>& written_chunks) {
  STRATA_RETURN_IF_ERROR(CheckPartRecord(part));
  STRATA_RETURN_IF_ERROR(CheckWrittenChunks(written_chunks));
  return EncodeManifest(part.manifest);
}

common::Result<EncodedUpload> EncodeUpload(const MultipartUpload& upload) {
  EncodedUpload encoded;
  STRATA_ASSIGN_OR_RETURN(encoded.user_metadata, EncodeMetadata(upload.user_metadata));
  STRATA_ASSIGN_OR_RETURN(encoded.system_metadata, EncodeMetadata(upload.system_metadata));
  STRATA_ASSIGN_OR_RETURN(encoded.tags, EncodeTags(upload.tags));
  return encoded;
}

common::Status DecodeObjectJson(const ObjectJson& json, OnBadMetadata on_bad_metadata,
                                ObjectRecord& record) {
  const bool strict = on_bad_metadata == OnBadMetadata::kFail;
  auto user_metadata = DecodeMetadata(json.user_metadata);
  auto system_metadata = DecodeMetadata(json.system_metadata);
  if (user_metadata.ok() && system_metadata.ok()) {
    record.user_metadata = std::move(user_metadata).value();
    record.system_metadata = std::move(system_metadata).value();
  } else if (strict) {
    return Error(Code::kCorruption, "object '" + record.key + "' has unreadable metadata");
  }
  auto tags = DecodeTags(json.tags);
  if (tags.ok()) {
    record.tags = std::move(tags).value();
  } else if (strict) {
    return Error(Code::kCorruption, "object '" + record.key + "' has unreadable tags");
  }
  auto part_sizes = DecodePartSizes(json.part_sizes);
  if (part_sizes.ok()) {
    record.part_sizes = std::move(part_sizes).value();
  } else if (strict) {
    return Error(Code::kCorruption, "object '" + record.key + "' has unreadable part sizes");
  }
  auto manifest = DecodeManifest(json.manifest);
  if (manifest.ok()) {
    record.manifest = std::move(manifest).value();
  } else if (strict) {
    return Error(Code::kCorruption, "object '" + record.key + "' has an unreadable manifest");
  }
  if (strict && BodySize(record) != record.size) {
    return Error(Code::kCorruption, "object '" + record.key + "' has a body that is not its size");
  }
  return common::Status::Ok();
}

common::Status DecodeUploadJson(std::string_view user_metadata, std::string_view system_metadata,
                                std::string_view tags, OnBadMetadata on_bad_metadata,
                                MultipartUpload& upload) {
  auto user = DecodeMetadata(user_metadata);
  auto system = DecodeMetadata(system_metadata);
  auto decoded_tags = DecodeTags(tags);
  if (user.ok() && system.ok() && decoded_tags.ok()) {
    upload.user_metadata = std::move(user).value();
    upload.system_metadata = std::move(system).value();
    upload.tags = std::move(decoded_tags).value();
  } else if (on_bad_metadata == OnBadMetadata::kFail) {
    return Error(Code::kCorruption, "upload '" + upload.upload_id + "' has unreadable metadata");
  }
  return common::Status::Ok();
}

common::Result<MetadataPairs> DecodeBucketTagging(std::string_view bucket, std::string_view json) {
  auto tagging = DecodeTags(json);
  if (!tagging.ok()) {
    return Error(Code::kCorruption, "bucket '" + std::string(bucket) + "' has unreadable tags");
  }
  return tagging;
}

common::Status DecodePartManifest(std::string_view json, PartRecord& part) {
  auto manifest = DecodeManifest(json);
  const std::string which =
      "part " + std::to_string(part.part_number) + " of upload '" + part.upload_id + "'";
  if (!manifest.ok()) return Error(Code::kCorruption, which + " has an unreadable manifest");
  part.manifest = std::move(manifest).value();
  uint64_t total = 0;
  for (const ManifestEntry& entry : part.manifest) {
    if (entry.length > part.size - total) {
      return Error(Code::kCorruption, which + " has a body that is not its size");
    }
    total += entry.length;
  }
  if (total != part.size) {
    return Error(Code::kCorruption, which + " has a body that is not its size");
  }
  return common::Status::Ok();
}

Manifest DecodeManifestOrEmpty(std::string_view json) {
  auto manifest = DecodeManifest(json);
  return manifest.ok() ? std::move(manifest).value() : Manifest();
}

}  // namespace strata::meta::internal
