// S3 additional checksums (x-amz-checksum-*): the five algorithms, their
// header names, streaming computation, and the two ways a multipart upload's
// checksum is made from its parts' checksums (COMPOSITE and FULL_OBJECT).
//
// Values travel in two forms. "Raw" is the digest's bytes, big-endian for the
// CRCs (DigestSize() bytes). "Base64" is how S3 prints it in headers and XML.
// Nothing here reads request headers: callers pass the header's value.
//
// Everything here is a pure function or a single-owner object: thread-safe in
// the sense that distinct objects may be used from distinct threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/byte_stream.h"
#include "common/hash.h"
#include "common/result.h"

namespace strata::service {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

// How a multipart object's checksum relates to its bytes (x-amz-checksum-type).
// kComposite: a checksum of the parts' checksums, printed with "-N".
// kFullObject: the checksum of the whole object, as a single PUT would have
// it; only the CRCs can be combined that way.
enum class ChecksumType { kComposite, kFullObject };

// Parses an algorithm name as S3 spells it ("CRC32", "CRC32C", "CRC64NVME",
// "SHA1", "SHA256"), in any case. kInvalidRequest otherwise, with AWS's
// message naming `header` ("Value for x-amz-checksum-algorithm header is
// invalid."); PutObject and UploadPart pass "x-amz-sdk-checksum-algorithm".
common::Result<ChecksumAlgorithm> ParseChecksumAlgorithm(
    std::string_view name, std::string_view header = "x-amz-checksum-algorithm");

// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256": what S3 prints in
// x-amz-checksum-algorithm and <ChecksumAlgorithm>, and what
// meta::StoredChecksum::algorithm holds.
std::string_view AlgorithmName(ChecksumAlgorithm algorithm);

// The value header, lower-case: "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
// "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256".
std::string_view HeaderName(ChecksumAlgorithm algorithm);

// Raw size in bytes: 4, 4, 8, 20, 32.
size_t DigestSize(ChecksumAlgorithm algorithm);

// True for CRC32, CRC32C and CRC64NVME: the algorithms FULL_OBJECT supports.
bool IsCrc(ChecksumAlgorithm algorithm);

// Parses x-amz-checksum-type: "COMPOSITE" or "FULL_OBJECT", in any case.
// kInvalidRequest otherwise ("Value for x-amz-checksum-type header is
// invalid.").
common::Result<ChecksumType> ParseChecksumType(std::string_view name);

// "COMPOSITE" or "FULL_OBJECT" (meta::StoredChecksum::type).
std::string_view ChecksumTypeName(ChecksumType type);

// The type S3 uses when CreateMultipartUpload names an algorithm but no type:
// FULL_OBJECT for CRC64NVME, COMPOSITE for the others.
ChecksumType DefaultChecksumType(ChecksumAlgorithm algorithm);

// OK when S3 allows the pair: SHA1/SHA256 are COMPOSITE only, CRC64NVME is
// FULL_OBJECT only, CRC32/CRC32C are either. kInvalidRequest otherwise, with
// AWS's message ("The FULL_OBJECT checksum type cannot be used with the sha256
// checksum algorithm.").
common::Status CheckChecksumType(ChecksumAlgorithm algorithm, ChecksumType type);

// Computes one algorithm's checksum over bytes given in any number of pieces;
// the result does not depend on how the bytes are split. Movable, not
// copyable. Not thread-safe: one owner at a time.
//
// CRC32 is the zlib/IEEE reflected CRC-32, CRC32C the Castagnoli CRC (both
// ISA-L), CRC64NVME is CRC-64/NVME (Boost.CRC, table-driven: slower than the
// others until ISA-L's crc64_rocksoft is available), SHA1/SHA256 OpenSSL.
class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm algorithm);
  ~Checksummer();
  Checksummer(Checksummer&&) noexcept;
  Checksummer& operator=(Checksummer&&) noexcept;

  ChecksumAlgorithm algorithm() const { return algorithm_; }

  // REQUIRES: Finish() has not been called.
  void Update(std::string_view data);

  // The raw checksum (DigestSize() bytes, big-endian for the CRCs).
  // REQUIRES: called at most once; the object takes no Update() afterwards.
  std::string Finish();
  // Finish(), base64-encoded as S3 prints it.
  std::string FinishBase64();

 private:
  ChecksumAlgorithm algorithm_;
  uint64_t crc_ = 0;                      // CRC algorithms: the running register
  std::optional<common::Digest> digest_;  // SHA algorithms
};

// The raw checksum of `data` in one call.
std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data);

// Passes bytes through from `inner` while computing their checksum, like the
// MD5 ETag source in object_service.cc. "inner" must outlive this source.
// Not thread-safe.
class ChecksumSource : public common::ByteSource {
 public:
  ChecksumSource(common::ByteSource& inner, ChecksumAlgorithm algorithm)
      : inner_(inner), checksummer_(algorithm) {}

  // Reads from inner and adds what was read to the checksum. Fails as inner
  // fails.
  common::Result<size_t> Read(std::span<char> out) override;

  // The raw checksum of every byte read so far.
  // REQUIRES: called at most once, after the last Read.
  std::string Finish() { return checksummer_.Finish(); }

 private:
  common::ByteSource& inner_;
  Checksummer checksummer_;
};

// Decodes a x-amz-checksum-<algorithm> value (base64) to raw bytes.
// kInvalidRequest ("Value for x-amz-checksum-crc32 header is invalid.") when
// it is not strict base64 of exactly DigestSize() bytes. Check it before the
// body is read.
common::Result<std::string> ParseChecksumValue(ChecksumAlgorithm algorithm,
                                               std::string_view base64);

// OK when expected_raw (what the client sent) equals computed_raw (what we
// received). kBadDigest otherwise, with AWS's message ("The CRC32 you
// specified did not match the calculated checksum.").
common::Status CompareChecksum(ChecksumAlgorithm algorithm, std::string_view expected_raw,
                               std::string_view computed_raw);

// The COMPOSITE checksum of a multipart object: base64 of the checksum of the
// parts' raw checksums concatenated in part order, then "-" and the number of
// parts ("vi1YWg==-3"). kInvalidRequest for CRC64NVME (FULL_OBJECT only);
// kInternal when a part's raw checksum is not DigestSize() bytes (corrupt
// metadata). REQUIRES: at least one part (S3 rejects an empty completion).
common::Result<std::string> CompositeChecksum(ChecksumAlgorithm algorithm,
                                              const std::vector<std::string>& part_raw_checksums);

// The FULL_OBJECT checksum of a multipart object (base64, no "-N"): the CRC
// the whole object's bytes would have, computed from each part's raw CRC and
// length in part order, without reading the bytes. Zero-length parts are
// allowed. kInvalidRequest for SHA1/SHA256 (COMPOSITE only); kInternal when a
// part's raw checksum is not DigestSize() bytes. Cost: O(parts * log(length))
// small GF(2) matrix-vector products.
common::Result<std::string> CombineFullObjectCrc(
    ChecksumAlgorithm algorithm, const std::vector<std::pair<std::string, uint64_t>>& parts);

}  // namespace strata::service
