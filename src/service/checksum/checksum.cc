#include "service/checksum/checksum.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <array>
#include <boost/crc.hpp>
#include <climits>

#include "common/hex.h"

namespace strata::service {
namespace {

using common::Code;
using common::Error;

// CRC-64/NVME (also "CRC-64/Rocksoft"): check value 0xAE8B14860A799888.
// ISA-L has it only from 2.31 (crc64_rocksoft_refl); Debian 12 ships 2.30.
constexpr uint64_t kCrc64NvmePoly = 0xAD93D23594C93659;
using Crc64Nvme = boost::crc_optimal<64, kCrc64NvmePoly, ~uint64_t{0}, ~uint64_t{0}, true, true>;

// The polynomials in normal (MSB-first) form, as catalogues list them.
constexpr uint32_t kCrc32Poly = 0x04C11DB7;
constexpr uint32_t kCrc32cPoly = 0x1EDC6F41;

template <typename T>
constexpr T ReflectBits(T value) {
  T out = 0;
  for (size_t i = 0; i < sizeof(T) * CHAR_BIT; ++i, value >>= 1) out = (out << 1) | (value & 1);
  return out;
}
static_assert(ReflectBits(kCrc32Poly) == 0xEDB88320);
static_assert(ReflectBits(kCrc32cPoly) == 0x82F63B78);

struct AlgorithmInfo {
  std::string_view name;
  std::string_view header;
  size_t size;
};

AlgorithmInfo Info(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return {"CRC32", "x-amz-checksum-crc32", 4};
    case ChecksumAlgorithm::kCrc32c:
      return {"CRC32C", "x-amz-checksum-crc32c", 4};
    case ChecksumAlgorithm::kCrc64Nvme:
      return {"CRC64NVME", "x-amz-checksum-crc64nvme", 8};
    case ChecksumAlgorithm::kSha1:
      return {"SHA1", "x-amz-checksum-sha1", 20};
    case ChecksumAlgorithm::kSha256:
      return {"SHA256", "x-amz-checksum-sha256", 32};
  }
  return {"", "", 0};
}

constexpr ChecksumAlgorithm kAllAlgorithms[] = {
    ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
    ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string BigEndian(uint64_t value, size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) {
    out[bytes - 1 - i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

uint64_t FromBigEndian(std::string_view raw) {
  uint64_t value = 0;
  for (char c : raw) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

common::Status CheckPartChecksumSize(ChecksumAlgorithm algorithm, size_t part,
                                     std::string_view raw) {
  if (raw.size() == DigestSize(algorithm)) return common::Status::Ok();
  return Error(Code::kInternal, "stored " + std::string(AlgorithmName(algorithm)) +
                                    " checksum of part " + std::to_string(part + 1) + " has " +
                                    std::to_string(raw.size()) + " bytes");
}

// CRC combination (zlib's crc32_combine, made generic over the register width).
//
// For a reflected CRC whose initial value equals its final XOR (all three of
// ours use all ones), crc(A || B) = Z(crc(A), |B|) ^ crc(B), where Z(c, n) is
// the register c advanced over n zero bytes with no init or final XOR. Z is
// linear over GF(2), so it is a W x W bit matrix; the matrix for 2^k bytes is
// the one for 2^(k-1) bytes squared, and Z(c, n) applies one per set bit of n.
template <typename T>
class CrcShifter {
 public:
  static constexpr size_t kWidth = sizeof(T) * CHAR_BIT;
  using Matrix = std::array<T, kWidth>;  // column i: the image of bit i

  explicit CrcShifter(T reflected_poly) {
    // One zero bit: the register shifts right, and a 1 shifted out of bit 0
    // XORs in the polynomial.
    Matrix one_bit{};
    one_bit[0] = reflected_poly;
    for (size_t i = 1; i < kWidth; ++i) one_bit[i] = T{1} << (i - 1);
    // 2, 4, then 8 zero bits: one zero byte.
    byte_powers_.push_back(Square(Square(Square(one_bit))));
  }

  // Z(crc, zero_bytes). Squarings are kept, so shifting many parts costs
  // log2(length) squarings once, and matrix-vector products per part.
  T Shift(T crc, uint64_t zero_bytes) {
    for (size_t k = 0; zero_bytes != 0; ++k, zero_bytes >>= 1) {
      if (k == byte_powers_.size()) byte_powers_.push_back(Square(byte_powers_.back()));
      if (zero_bytes & 1) crc = Times(byte_powers_[k], crc);
    }
    return crc;
  }

 private:
  static T Times(const Matrix& m, T vec) {
    T sum = 0;
    for (size_t i = 0; vec != 0; ++i, vec >>= 1) {
      if (vec & 1) sum ^= m[i];
    }
    return sum;
  }
  static Matrix Square(const Matrix& m) {
    Matrix out{};
    for (size_t i = 0; i < kWidth; ++i) out[i] = Times(m, m[i]);
    return out;
  }

  std::vector<Matrix> byte_powers_;  // [k]: the matrix for 2^k zero bytes
};

template <typename T>
std::string CombineCrcs(T reflected_poly,
                        const std::vector<std::pair<std::string, uint64_t>>& parts) {
  CrcShifter<T> shifter(reflected_poly);
  T crc = 0;  // the CRC of no bytes, for all three algorithms
  for (const auto& [raw, length] : parts) {
    crc = shifter.Shift(crc, length) ^ static_cast<T>(FromBigEndian(raw));
  }
  return common::Base64Encode(BigEndian(crc, sizeof(T)));
}

}  // namespace

common::Result<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name,
                                                         std::string_view header) {
  for (ChecksumAlgorithm algorithm : kAllAlgorithms) {
    if (EqualsIgnoreCase(name, AlgorithmName(algorithm))) return algorithm;
  }
  // AWS answers InvalidRequest, not InvalidArgument, for an unknown name.
  return Error(Code::kInvalidRequest, "Value for " + std::string(header) + " header is invalid.");
}

std::string_view AlgorithmName(ChecksumAlgorithm algorithm) { return Info(algorithm).name; }

std::string_view HeaderName(ChecksumAlgorithm algorithm) { return Info(algorithm).header; }

size_t DigestSize(ChecksumAlgorithm algorithm) { return Info(algorithm).size; }

bool IsCrc(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
    case ChecksumAlgorithm::kCrc64Nvme:
      return true;
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
      return false;
  }
  return false;
}

common::Result<ChecksumType> ParseChecksumType(std::string_view name) {
  if (EqualsIgnoreCase(name, "COMPOSITE")) return ChecksumType::kComposite;
  if (EqualsIgnoreCase(name, "FULL_OBJECT")) return ChecksumType::kFullObject;
  return Error(Code::kInvalidRequest, "Value for x-amz-checksum-type header is invalid.");
}

std::string_view ChecksumTypeName(ChecksumType type) {
  switch (type) {
    case ChecksumType::kComposite:
      return "COMPOSITE";
    case ChecksumType::kFullObject:
      return "FULL_OBJECT";
  }
  return "";
}

ChecksumType DefaultChecksumType(ChecksumAlgorithm algorithm) {
  return algorithm == ChecksumAlgorithm::kCrc64Nvme ? ChecksumType::kFullObject
                                                    : ChecksumType::kComposite;
}

common::Status CheckChecksumType(ChecksumAlgorithm algorithm, ChecksumType type) {
  bool allowed = type == ChecksumType::kFullObject ? IsCrc(algorithm)
                                                   : algorithm != ChecksumAlgorithm::kCrc64Nvme;
  if (allowed) return common::Status::Ok();
  // AWS prints the algorithm in lower case here, unlike everywhere else.
  return Error(Code::kInvalidRequest, "The " + std::string(ChecksumTypeName(type)) +
                                          " checksum type cannot be used with the " +
                                          ToLower(AlgorithmName(algorithm)) +
                                          " checksum algorithm.");
}

Checksummer::Checksummer(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      crc_ = 0;  // crc32_gzip_refl takes and returns the finished (zlib) value
      break;
    case ChecksumAlgorithm::kCrc32c:
      crc_ = 0xFFFFFFFF;  // crc32_iscsi works on the raw register: no init or final XOR
      break;
    case ChecksumAlgorithm::kCrc64Nvme:
      crc_ = Crc64Nvme().get_interim_remainder();
      break;
    case ChecksumAlgorithm::kSha1:
      digest_.emplace(common::Digest::Algorithm::kSha1);
      break;
    case ChecksumAlgorithm::kSha256:
      digest_.emplace(common::Digest::Algorithm::kSha256);
      break;
  }
}

Checksummer::~Checksummer() = default;
Checksummer::Checksummer(Checksummer&&) noexcept = default;
Checksummer& Checksummer::operator=(Checksummer&&) noexcept = default;

void Checksummer::Update(std::string_view data) {
  if (data.empty()) return;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      crc_ = crc32_gzip_refl(static_cast<uint32_t>(crc_), bytes, data.size());
      break;
    case ChecksumAlgorithm::kCrc32c: {
      // crc32_iscsi takes an int length and a non-const pointer it does not
      // write through.
      constexpr size_t kMaxPiece = size_t{1} << 30;
      auto crc = static_cast<unsigned int>(crc_);
      for (size_t done = 0; done < data.size(); done += kMaxPiece) {
        size_t n = std::min(kMaxPiece, data.size() - done);
        crc = crc32_iscsi(const_cast<unsigned char*>(bytes + done), static_cast<int>(n), crc);
      }
      crc_ = crc;
      break;
    }
    case ChecksumAlgorithm::kCrc64Nvme: {
      Crc64Nvme crc(crc_);
      crc.process_bytes(bytes, data.size());
      crc_ = crc.get_interim_remainder();
      break;
    }
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
      digest_->Update(data);
      break;
  }
}

std::string Checksummer::Finish() {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      return BigEndian(crc_, 4);
    case ChecksumAlgorithm::kCrc32c:
      return BigEndian(~crc_ & 0xFFFFFFFF, 4);
    case ChecksumAlgorithm::kCrc64Nvme:
      return BigEndian(Crc64Nvme(crc_).checksum(), 8);
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
      return digest_->Finish();
  }
  return "";
}

std::string Checksummer::FinishBase64() { return common::Base64Encode(Finish()); }

std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data) {
  Checksummer checksummer(algorithm);
  checksummer.Update(data);
  return checksummer.Finish();
}

common::Result<size_t> ChecksumSource::Read(std::span<char> out) {
  STRATA_ASSIGN_OR_RETURN(size_t n, inner_.Read(out));
  checksummer_.Update(std::string_view(out.data(), n));
  return n;
}

common::Result<std::string> ParseChecksumValue(ChecksumAlgorithm algorithm,
                                               std::string_view base64) {
  auto raw = common::Base64Decode(base64);
  if (!raw || raw->size() != DigestSize(algorithm)) {
    return Error(Code::kInvalidRequest,
                 "Value for " + std::string(HeaderName(algorithm)) + " header is invalid.");
  }
  return *std::move(raw);
}

common::Status CompareChecksum(ChecksumAlgorithm algorithm, std::string_view expected_raw,
                               std::string_view computed_raw) {
  if (expected_raw == computed_raw) return common::Status::Ok();
  return Error(Code::kBadDigest, "The " + std::string(AlgorithmName(algorithm)) +
                                     " you specified did not match the calculated checksum.");
}

common::Result<std::string> CompositeChecksum(ChecksumAlgorithm algorithm,
                                              const std::vector<std::string>& part_raw_checksums) {
  STRATA_RETURN_IF_ERROR(CheckChecksumType(algorithm, ChecksumType::kComposite));
  Checksummer checksummer(algorithm);
  for (size_t i = 0; i < part_raw_checksums.size(); ++i) {
    STRATA_RETURN_IF_ERROR(CheckPartChecksumSize(algorithm, i, part_raw_checksums[i]));
    checksummer.Update(part_raw_checksums[i]);
  }
  return checksummer.FinishBase64() + "-" + std::to_string(part_raw_checksums.size());
}

common::Result<std::string> CombineFullObjectCrc(
    ChecksumAlgorithm algorithm, const std::vector<std::pair<std::string, uint64_t>>& parts) {
  STRATA_RETURN_IF_ERROR(CheckChecksumType(algorithm, ChecksumType::kFullObject));
  for (size_t i = 0; i < parts.size(); ++i) {
    STRATA_RETURN_IF_ERROR(CheckPartChecksumSize(algorithm, i, parts[i].first));
  }
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return CombineCrcs<uint32_t>(ReflectBits(kCrc32Poly), parts);
    case ChecksumAlgorithm::kCrc32c:
      return CombineCrcs<uint32_t>(ReflectBits(kCrc32cPoly), parts);
    case ChecksumAlgorithm::kCrc64Nvme:
      return CombineCrcs<uint64_t>(ReflectBits(kCrc64NvmePoly), parts);
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
      break;  // refused by CheckChecksumType
  }
  return Error(Code::kInternal, "no full-object combination for this algorithm");
}

}  // namespace strata::service
