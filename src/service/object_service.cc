#include "service/object_service.h"

#include <vector>

#include "common/hash.h"
#include "common/hex.h"
#include "service/content_md5.h"
#include "service/md5_source.h"
#include "storage/dedup/manifest_source.h"

namespace strata::service {
namespace {

using common::Code;
using common::Error;

common::Status CheckUserMetadata(const meta::MetadataPairs& metadata) {
  size_t total = 0;
  for (const auto& [name, value] : metadata) total += name.size() + value.size();
  if (total > kMaxUserMetadataBytes) {
    return Error(Code::kMetadataTooLarge,
                 "Your metadata headers exceed the maximum allowed metadata size");
  }
  return common::Status::Ok();
}

// Early answer to a conditional write, before any byte of the body is stored.
// The MetaStore checks the condition again inside the commit transaction,
// which is what makes it race-free.
common::Status CheckWriteCondition(meta::MetaStore& meta, const PutObjectInput& input) {
  if (input.condition.kind == meta::WriteCondition::Kind::kNone) return common::Status::Ok();
  auto current = meta.GetObject(input.bucket, input.key);
  if (!current.ok() && current.status().code() != Code::kNoSuchKey) return current.status();
  bool exists = current.ok();
  // If-Match names an object that must exist: S3 answers 404, not 412.
  if (!exists && input.condition.kind == meta::WriteCondition::Kind::kIfMatch) {
    return current.status();
  }
  bool holds = input.condition.kind == meta::WriteCondition::Kind::kIfNoneMatchAny
                   ? !exists
                   : exists && current->etag == input.condition.etag;
  if (!holds) {
    return Error(Code::kPreconditionFailed,
                 "At least one of the pre-conditions you specified did not hold");
  }
  return common::Status::Ok();
}

// The bytes of part `number` of a multipart object; a plain object is one
// part. An empty part (or object) has no range to send: nullopt.
common::Result<std::optional<ByteRange>> PartRange(const meta::ObjectRecord& object, int number) {
  const size_t parts = object.part_sizes.empty() ? 1 : object.part_sizes.size();
  if (number < 1 || static_cast<size_t>(number) > parts) {
    return Error(Code::kInvalidPartNumber, "The requested partnumber is not satisfiable");
  }
  if (object.part_sizes.empty()) {
    if (object.size == 0) return std::optional<ByteRange>();
    return std::optional<ByteRange>(ByteRange{0, object.size});
  }
  uint64_t start = 0;
  for (int i = 0; i + 1 < number; ++i) start += object.part_sizes[static_cast<size_t>(i)];
  const uint64_t length = object.part_sizes[static_cast<size_t>(number - 1)];
  if (length == 0) return std::optional<ByteRange>();
  return std::optional<ByteRange>(ByteRange{start, length});
}

}  // namespace

common::Result<meta::ObjectRecord> ObjectService::Commit(
    meta::ObjectRecord record, const meta::WriteCondition& condition,
    const std::vector<meta::ChunkInfo>& written_chunks) {
  auto put = meta_.PutObject(record, condition, written_chunks, clock_.NowMillis());
  if (!put.ok()) {
    writer_.Discard(written_chunks);
    return put.status();
  }
  writer_.Discard(put->unused_chunks);
  record.version_id = std::move(put->version_id);
  return record;
}

common::Result<meta::ObjectRecord> ObjectService::Put(const PutObjectInput& input,
                                                      common::ByteSource& body) {
  if (input.content_length && *input.content_length > kMaxPutObjectBytes) {
    return Error(Code::kEntityTooLarge, "Your proposed upload exceeds the maximum allowed size");
  }
  STRATA_RETURN_IF_ERROR(CheckUserMetadata(input.user_metadata));
  std::optional<std::string> expected_md5;
  if (input.content_md5) {
    STRATA_ASSIGN_OR_RETURN(expected_md5, DecodeContentMd5(*input.content_md5));
  }
  // Refuse before reading the body: a missing bucket or a failed condition
  // costs the client no upload.
  STRATA_RETURN_IF_ERROR(meta_.GetBucket(input.bucket).status());
  STRATA_RETURN_IF_ERROR(CheckWriteCondition(meta_, input));

  Md5Source hashed(body);
  std::optional<ChecksumSource> checksummed;
  common::ByteSource* source = &hashed;
  if (input.checksum) source = &checksummed.emplace(hashed, input.checksum->algorithm);
  STRATA_ASSIGN_OR_RETURN(storage::WrittenObject written,
                          writer_.Write(*source, input.content_length));
  std::string md5 = hashed.Finish();
  if (expected_md5) {
    if (common::Status match = MatchContentMd5(*expected_md5, md5); !match.ok()) {
      writer_.Discard(written.written_chunks);
      return match;
    }
  }
  meta::StoredChecksum checksum;
  if (checksummed) {
    auto verified = VerifyBodyChecksum(*input.checksum, checksummed->Finish());
    if (!verified.ok()) {
      writer_.Discard(written.written_chunks);
      return verified.status();
    }
    checksum = std::move(*verified);
  }

  meta::ObjectRecord record;
  record.bucket = input.bucket;
  record.key = input.key;
  record.size = written.size;
  record.etag = common::HexEncode(md5);
  record.content_type = input.content_type.empty() ? "binary/octet-stream" : input.content_type;
  record.user_metadata = input.user_metadata;
  record.system_metadata = input.system_metadata;
  record.last_modified_ms = clock_.NowMillis();
  record.manifest = std::move(written.manifest);
  record.inline_data = std::move(written.inline_data);
  record.checksum = std::move(checksum);
  record.tags = input.tags;
  record.version_id = version_ids_.Next();
  return Commit(std::move(record), input.condition, written.written_chunks);
}

common::Result<GetObjectOutput> ObjectService::Get(const GetObjectInput& input) {
  meta::ObjectRecord object;
  if (input.version_id) {
    STRATA_ASSIGN_OR_RETURN(object,
                            meta_.GetObjectVersion(input.bucket, input.key, *input.version_id));
    if (object.delete_marker) {
      return Error(Code::kMethodNotAllowed,
                   "The specified method is not allowed against this resource.");
    }
  } else {
    STRATA_ASSIGN_OR_RETURN(object, meta_.GetObject(input.bucket, input.key));
  }
  STRATA_RETURN_IF_ERROR(EvaluateReadConditions(input.conditions, object));
  GetObjectOutput output;
  if (input.part_number) {
    STRATA_ASSIGN_OR_RETURN(output.range, PartRange(object, *input.part_number));
  } else {
    STRATA_ASSIGN_OR_RETURN(output.range, ResolveRange(input.range_header, object.size));
  }
  if (!input.head_only) {
    uint64_t offset = output.range ? output.range->start : 0;
    uint64_t length = output.range ? output.range->length : object.size;
    if (object.manifest.empty()) {
      // Inline (or empty): the bytes came with the row.
      if (object.inline_data.size() != object.size) {
        return Error(Code::kCorruption, "inline body of " + object.key + " has the wrong size");
      }
      output.body =
          std::make_unique<common::OwnedStringSource>(object.inline_data.substr(offset, length));
    } else if (input.memory_only) {
      output.body_on_drives = true;
    } else {
      STRATA_ASSIGN_OR_RETURN(
          output.body,
          storage::ManifestSource::Open(chunks_, object.manifest, object.size, offset, length));
    }
  }
  output.object = std::move(object);
  return output;
}

common::Result<meta::ObjectRecord> ObjectService::GetVersion(std::string_view bucket,
                                                             std::string_view key,
                                                             std::string_view version_id) {
  return meta_.GetObjectVersion(bucket, key, version_id);
}

common::Result<std::optional<meta::ObjectRecord>> ObjectService::LatestDeleteMarker(
    std::string_view bucket, std::string_view key) {
  // The first entry at or after the key in version order is the key's
  // latest version, when the key has any.
  meta::ListVersionsQuery query;
  query.prefix = std::string(key);
  query.max_keys = 1;
  STRATA_ASSIGN_OR_RETURN(meta::ListVersionsPage page, meta_.ListObjectVersions(bucket, query));
  if (page.versions.empty()) return std::optional<meta::ObjectRecord>();
  meta::ObjectRecord& latest = page.versions.front();
  if (latest.key != key || !latest.delete_marker) return std::optional<meta::ObjectRecord>();
  return std::optional<meta::ObjectRecord>(std::move(latest));
}

common::Result<meta::MetaStore::DeleteResult> ObjectService::Delete(std::string_view bucket,
                                                                    std::string_view key) {
  // The marker id is used only when the bucket's versioning is enabled.
  return meta_.DeleteLatest(bucket, key, version_ids_.Next(), clock_.NowMillis());
}

common::Result<meta::MetaStore::DeleteResult> ObjectService::DeleteVersion(
    std::string_view bucket, std::string_view key, std::string_view version_id) {
  return meta_.DeleteVersion(bucket, key, version_id, clock_.NowMillis());
}

common::Result<meta::ObjectRecord> ObjectService::Copy(const CopyObjectInput& input) {
  STRATA_ASSIGN_OR_RETURN(
      meta::ObjectRecord source,
      ReadCopySource(meta_, input.source_bucket, input.source_key, input.source_version_id));
  STRATA_RETURN_IF_ERROR(EvaluateReadConditions(input.source_conditions, source, true));
  // Copying an older version onto its own key is how S3 restores it, so
  // only a copy of the current object onto itself must change something.
  if (input.source_bucket == input.bucket && input.source_key == input.key &&
      !input.replace_metadata && !input.source_version_id) {
    return Error(Code::kInvalidRequest,
                 "This copy request is illegal because it is trying to copy an object to itself "
                 "without changing the object's metadata, storage class, website redirect "
                 "location or encryption attributes.");
  }
  if (input.replace_metadata) STRATA_RETURN_IF_ERROR(CheckUserMetadata(input.user_metadata));
  STRATA_RETURN_IF_ERROR(meta_.GetBucket(input.bucket).status());

  // The copy names the source's chunks (their counts rise in the commit): no
  // byte is read or written.
  meta::ObjectRecord record = std::move(source);
  record.bucket = input.bucket;
  record.key = input.key;
  record.last_modified_ms = clock_.NowMillis();
  record.version_id = version_ids_.Next();
  record.delete_marker = false;
  record.is_latest = true;
  if (input.replace_metadata) {
    record.content_type = input.content_type.empty() ? "binary/octet-stream" : input.content_type;
    record.user_metadata = input.user_metadata;
    record.system_metadata = input.system_metadata;
  }
  if (input.replace_tags) record.tags = input.tags;
  return Commit(std::move(record), meta::WriteCondition{}, {});
}

common::Result<meta::ListPage> ObjectService::List(std::string_view bucket,
                                                   const meta::ListQuery& query) {
  return meta_.ListObjects(bucket, query);
}

common::Result<meta::ListVersionsPage> ObjectService::ListVersions(
    std::string_view bucket, const meta::ListVersionsQuery& query) {
  return meta_.ListObjectVersions(bucket, query);
}

common::Result<meta::MetadataPairs> ObjectService::GetTags(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  if (!version_id) {
    STRATA_ASSIGN_OR_RETURN(meta::ObjectRecord object, meta_.GetObject(bucket, key));
    return std::move(object.tags);
  }
  STRATA_ASSIGN_OR_RETURN(meta::ObjectRecord object,
                          meta_.GetObjectVersion(bucket, key, *version_id));
  if (object.delete_marker) {
    return Error(Code::kMethodNotAllowed,
                 "The specified method is not allowed against this resource.");
  }
  return std::move(object.tags);
}

common::Status ObjectService::PutTags(std::string_view bucket, std::string_view key,
                                      const meta::MetadataPairs& tags,
                                      const std::optional<std::string>& version_id) {
  if (version_id) return meta_.SetObjectVersionTags(bucket, key, *version_id, tags);
  return meta_.SetObjectTags(bucket, key, tags);
}

common::Status ObjectService::DeleteTags(std::string_view bucket, std::string_view key,
                                         const std::optional<std::string>& version_id) {
  return PutTags(bucket, key, {}, version_id);
}

}  // namespace strata::service
