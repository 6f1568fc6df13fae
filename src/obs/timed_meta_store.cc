#include "obs/timed_meta_store.h"

#include <chrono>

namespace strata::obs {

template <class Fn>
auto TimedMetaStore::Timed(std::string_view operation, Fn&& fn) {
  const auto started = std::chrono::steady_clock::now();
  auto result = fn();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  metrics_.ObserveMetaOperation(operation, took.count());
  return result;
}

common::Status TimedMetaStore::CreateBucket(const meta::Bucket& bucket) {
  return Timed("CreateBucket", [&] { return next_.CreateBucket(bucket); });
}

common::Result<meta::Bucket> TimedMetaStore::GetBucket(std::string_view name) {
  return Timed("GetBucket", [&] { return next_.GetBucket(name); });
}

common::Result<std::vector<meta::Bucket>> TimedMetaStore::ListBuckets() {
  return Timed("ListBuckets", [&] { return next_.ListBuckets(); });
}

common::Status TimedMetaStore::DeleteBucket(std::string_view name) {
  return Timed("DeleteBucket", [&] { return next_.DeleteBucket(name); });
}

common::Result<meta::ObjectRecord> TimedMetaStore::GetObject(std::string_view bucket,
                                                             std::string_view key) {
  return Timed("GetObject", [&] { return next_.GetObject(bucket, key); });
}

common::Result<meta::MetaStore::PutResult> TimedMetaStore::PutObject(
    const meta::ObjectRecord& object, const meta::WriteCondition& condition,
    const std::vector<meta::ChunkInfo>& written_chunks, int64_t now_ms) {
  return Timed("PutObject",
               [&] { return next_.PutObject(object, condition, written_chunks, now_ms); });
}

common::Result<std::optional<meta::ObjectRecord>> TimedMetaStore::DeleteObject(
    std::string_view bucket, std::string_view key, int64_t now_ms) {
  return Timed("DeleteObject", [&] { return next_.DeleteObject(bucket, key, now_ms); });
}

common::Result<meta::ListPage> TimedMetaStore::ListObjects(std::string_view bucket,
                                                           const meta::ListQuery& query) {
  return Timed("ListObjects", [&] { return next_.ListObjects(bucket, query); });
}

common::Status TimedMetaStore::CreateMultipartUpload(const meta::MultipartUpload& upload) {
  return Timed("CreateMultipartUpload", [&] { return next_.CreateMultipartUpload(upload); });
}

common::Result<meta::MultipartUpload> TimedMetaStore::GetMultipartUpload(
    std::string_view bucket, std::string_view key, std::string_view upload_id) {
  return Timed("GetMultipartUpload",
               [&] { return next_.GetMultipartUpload(bucket, key, upload_id); });
}

common::Result<meta::MetaStore::PutResult> TimedMetaStore::PutPart(
    const meta::PartRecord& part, const std::vector<meta::ChunkInfo>& written_chunks,
    int64_t now_ms) {
  return Timed("PutPart", [&] { return next_.PutPart(part, written_chunks, now_ms); });
}

common::Result<meta::ListPartsPage> TimedMetaStore::ListParts(std::string_view upload_id,
                                                              int part_number_marker,
                                                              int max_parts) {
  return Timed("ListParts",
               [&] { return next_.ListParts(upload_id, part_number_marker, max_parts); });
}

common::Result<std::vector<meta::PartRecord>> TimedMetaStore::GetParts(std::string_view upload_id) {
  return Timed("GetParts", [&] { return next_.GetParts(upload_id); });
}

common::Result<meta::ListUploadsPage> TimedMetaStore::ListMultipartUploads(
    std::string_view bucket, const meta::ListUploadsQuery& query) {
  return Timed("ListMultipartUploads", [&] { return next_.ListMultipartUploads(bucket, query); });
}

common::Result<meta::MetaStore::PutResult> TimedMetaStore::CompleteMultipartUpload(
    std::string_view upload_id, const meta::ObjectRecord& object,
    const meta::WriteCondition& condition, int64_t now_ms) {
  return Timed("CompleteMultipartUpload",
               [&] { return next_.CompleteMultipartUpload(upload_id, object, condition, now_ms); });
}

common::Status TimedMetaStore::AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) {
  return Timed("AbortMultipartUpload",
               [&] { return next_.AbortMultipartUpload(upload_id, now_ms); });
}

common::Result<std::vector<meta::MultipartUpload>> TimedMetaStore::ListStaleUploads(
    int64_t initiated_before_ms, size_t limit) {
  return Timed("ListStaleUploads",
               [&] { return next_.ListStaleUploads(initiated_before_ms, limit); });
}

common::Result<std::optional<meta::ChunkInfo>> TimedMetaStore::FindChunk(std::string_view hash,
                                                                         int64_t now_ms) {
  return Timed("FindChunk", [&] { return next_.FindChunk(hash, now_ms); });
}

common::Result<std::vector<meta::ChunkInfo>> TimedMetaStore::ListUnreferencedChunks(
    int64_t zero_before_ms, size_t limit) {
  return Timed("ListUnreferencedChunks",
               [&] { return next_.ListUnreferencedChunks(zero_before_ms, limit); });
}

common::Result<bool> TimedMetaStore::DeleteUnreferencedChunk(const meta::ChunkInfo& chunk,
                                                             int64_t zero_before_ms) {
  return Timed("DeleteUnreferencedChunk",
               [&] { return next_.DeleteUnreferencedChunk(chunk, zero_before_ms); });
}

common::Result<bool> TimedMetaStore::ChunkLocationExists(std::string_view location) {
  return Timed("ChunkLocationExists", [&] { return next_.ChunkLocationExists(location); });
}

common::Result<std::vector<meta::ChunkInfo>> TimedMetaStore::ListChunks(std::string_view after_hash,
                                                                        size_t limit) {
  return Timed("ListChunks", [&] { return next_.ListChunks(after_hash, limit); });
}

common::Result<meta::StorageStats> TimedMetaStore::GetStorageStats() {
  return Timed("GetStorageStats", [&] { return next_.GetStorageStats(); });
}

}  // namespace strata::obs
