#include "service/checksum/checksum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/hex.h"
#include "common/testing/byte_sources.h"

namespace strata::service {
namespace {

using common::Code;

constexpr ChecksumAlgorithm kAll[] = {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                                      ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                                      ChecksumAlgorithm::kSha256};
constexpr ChecksumAlgorithm kCrcs[] = {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                                       ChecksumAlgorithm::kCrc64Nvme};

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string Hex(ChecksumAlgorithm algorithm, std::string_view data) {
  return common::HexEncode(ComputeChecksum(algorithm, data));
}

// Reads at most max_read bytes per call, so a wrapper sees many short reads.
class TrickleSource : public common::ByteSource {
 public:
  TrickleSource(std::string_view data, size_t max_read) : data_(data), max_read_(max_read) {}
  common::Result<size_t> Read(std::span<char> out) override {
    size_t n = std::min({out.size(), max_read_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, n, out.data());
    pos_ += n;
    return n;
  }

 private:
  std::string_view data_;
  size_t max_read_;
  size_t pos_ = 0;
};

TEST(ChecksumAlgorithmTest, ParsesS3NamesInAnyCase) {
  struct Case {
    std::string_view name;
    ChecksumAlgorithm want;
  };
  for (const Case& c :
       {Case{"CRC32", ChecksumAlgorithm::kCrc32}, Case{"crc32", ChecksumAlgorithm::kCrc32},
        Case{"CRC32C", ChecksumAlgorithm::kCrc32c}, Case{"Crc32c", ChecksumAlgorithm::kCrc32c},
        Case{"CRC64NVME", ChecksumAlgorithm::kCrc64Nvme},
        Case{"crc64nvme", ChecksumAlgorithm::kCrc64Nvme}, Case{"SHA1", ChecksumAlgorithm::kSha1},
        Case{"sha1", ChecksumAlgorithm::kSha1}, Case{"SHA256", ChecksumAlgorithm::kSha256},
        Case{"sHa256", ChecksumAlgorithm::kSha256}}) {
    auto parsed = ParseChecksumAlgorithm(c.name);
    ASSERT_TRUE(parsed.ok()) << c.name;
    EXPECT_EQ(*parsed, c.want) << c.name;
  }
}

TEST(ChecksumAlgorithmTest, RejectsOtherNames) {
  const std::string_view kBad[] = {"",
                                   "CRC",
                                   "CRC-32",
                                   "CRC32 ",
                                   " CRC32",
                                   "CRC64",
                                   "CRC64NVME2",
                                   "SHA-256",
                                   "SHA512",
                                   "MD5",
                                   std::string_view("CRC32\0", 6)};
  for (std::string_view bad : kBad) {
    auto parsed = ParseChecksumAlgorithm(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidRequest) << bad;
    EXPECT_EQ(parsed.status().message(), "Value for x-amz-checksum-algorithm header is invalid.");
  }
  EXPECT_EQ(ParseChecksumAlgorithm("MD5", "x-amz-sdk-checksum-algorithm").status().message(),
            "Value for x-amz-sdk-checksum-algorithm header is invalid.");
}

TEST(ChecksumAlgorithmTest, NamesHeadersAndSizes) {
  struct Case {
    ChecksumAlgorithm algorithm;
    std::string_view name;
    std::string_view header;
    size_t size;
    bool crc;
  };
  for (const Case& c :
       {Case{ChecksumAlgorithm::kCrc32, "CRC32", "x-amz-checksum-crc32", 4, true},
        Case{ChecksumAlgorithm::kCrc32c, "CRC32C", "x-amz-checksum-crc32c", 4, true},
        Case{ChecksumAlgorithm::kCrc64Nvme, "CRC64NVME", "x-amz-checksum-crc64nvme", 8, true},
        Case{ChecksumAlgorithm::kSha1, "SHA1", "x-amz-checksum-sha1", 20, false},
        Case{ChecksumAlgorithm::kSha256, "SHA256", "x-amz-checksum-sha256", 32, false}}) {
    EXPECT_EQ(AlgorithmName(c.algorithm), c.name);
    EXPECT_EQ(HeaderName(c.algorithm), c.header);
    EXPECT_EQ(DigestSize(c.algorithm), c.size);
    EXPECT_EQ(IsCrc(c.algorithm), c.crc);
    EXPECT_EQ(ComputeChecksum(c.algorithm, "x").size(), c.size);
    // The printed name parses back.
    EXPECT_EQ(*ParseChecksumAlgorithm(c.name), c.algorithm);
  }
}

TEST(ChecksumTypeTest, ParsesAndPrints) {
  EXPECT_EQ(*ParseChecksumType("COMPOSITE"), ChecksumType::kComposite);
  EXPECT_EQ(*ParseChecksumType("composite"), ChecksumType::kComposite);
  EXPECT_EQ(*ParseChecksumType("FULL_OBJECT"), ChecksumType::kFullObject);
  EXPECT_EQ(*ParseChecksumType("Full_Object"), ChecksumType::kFullObject);
  EXPECT_EQ(ChecksumTypeName(ChecksumType::kComposite), "COMPOSITE");
  EXPECT_EQ(ChecksumTypeName(ChecksumType::kFullObject), "FULL_OBJECT");
  for (std::string_view bad : {"", "FULL-OBJECT", "FULLOBJECT", "COMPOSITE ", "NONE"}) {
    auto parsed = ParseChecksumType(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidRequest) << bad;
    EXPECT_EQ(parsed.status().message(), "Value for x-amz-checksum-type header is invalid.");
  }
}

TEST(ChecksumTypeTest, DefaultsAndAllowedPairsFollowAws) {
  struct Case {
    ChecksumAlgorithm algorithm;
    ChecksumType default_type;
    bool composite_ok;
    bool full_object_ok;
  };
  for (const Case& c : {Case{ChecksumAlgorithm::kCrc32, ChecksumType::kComposite, true, true},
                        Case{ChecksumAlgorithm::kCrc32c, ChecksumType::kComposite, true, true},
                        Case{ChecksumAlgorithm::kCrc64Nvme, ChecksumType::kFullObject, false, true},
                        Case{ChecksumAlgorithm::kSha1, ChecksumType::kComposite, true, false},
                        Case{ChecksumAlgorithm::kSha256, ChecksumType::kComposite, true, false}}) {
    SCOPED_TRACE(AlgorithmName(c.algorithm));
    EXPECT_EQ(DefaultChecksumType(c.algorithm), c.default_type);
    EXPECT_TRUE(CheckChecksumType(c.algorithm, c.default_type).ok());
    EXPECT_EQ(CheckChecksumType(c.algorithm, ChecksumType::kComposite).ok(), c.composite_ok);
    EXPECT_EQ(CheckChecksumType(c.algorithm, ChecksumType::kFullObject).ok(), c.full_object_ok);
  }
  common::Status sha = CheckChecksumType(ChecksumAlgorithm::kSha256, ChecksumType::kFullObject);
  EXPECT_EQ(sha.code(), Code::kInvalidRequest);
  EXPECT_EQ(sha.message(),
            "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.");
  common::Status crc64 = CheckChecksumType(ChecksumAlgorithm::kCrc64Nvme, ChecksumType::kComposite);
  EXPECT_EQ(crc64.code(), Code::kInvalidRequest);
  EXPECT_EQ(crc64.message(),
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.");
}

TEST(ChecksummerTest, CatalogueCheckValues) {
  // The "check" of each CRC in the CRC catalogue: the CRC of "123456789".
  EXPECT_EQ(Hex(ChecksumAlgorithm::kCrc32, "123456789"), "cbf43926");
  EXPECT_EQ(Hex(ChecksumAlgorithm::kCrc32c, "123456789"), "e3069283");
  EXPECT_EQ(Hex(ChecksumAlgorithm::kCrc64Nvme, "123456789"), "ae8b14860a799888");
  EXPECT_EQ(Hex(ChecksumAlgorithm::kSha1, "123456789"), "f7c3bc1d808e04732adf679965ccc34ca7ae3441");
  EXPECT_EQ(Hex(ChecksumAlgorithm::kSha256, "123456789"),
            "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
}

TEST(ChecksummerTest, Base64AsS3PrintsIt) {
  struct Case {
    ChecksumAlgorithm algorithm;
    std::string_view data;
    std::string_view base64;
  };
  constexpr std::string_view kFox = "The quick brown fox jumps over the lazy dog";
  for (const Case& c : {
           Case{ChecksumAlgorithm::kCrc32, "", "AAAAAA=="},
           Case{ChecksumAlgorithm::kCrc32c, "", "AAAAAA=="},
           Case{ChecksumAlgorithm::kCrc64Nvme, "", "AAAAAAAAAAA="},
           Case{ChecksumAlgorithm::kSha1, "", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
           Case{ChecksumAlgorithm::kSha256, "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
           Case{ChecksumAlgorithm::kCrc32, "123456789", "y/Q5Jg=="},
           Case{ChecksumAlgorithm::kCrc32c, "123456789", "4waSgw=="},
           Case{ChecksumAlgorithm::kCrc64Nvme, "123456789", "rosUhgp5mIg="},
           Case{ChecksumAlgorithm::kCrc32, kFox, "QU+jOQ=="},
           Case{ChecksumAlgorithm::kCrc32c, kFox, "ImIEBA=="},
           Case{ChecksumAlgorithm::kCrc64Nvme, kFox, "12xUBUlUwUM="},
           Case{ChecksumAlgorithm::kSha1, kFox, "L9ThxnotKPzthJ7hu3bnORuT6xI="},
           Case{ChecksumAlgorithm::kSha256, kFox, "16j7swfXgJRpypq8sAguT41WUeRtPNt2LQLQvzfJ5ZI="},
       }) {
    Checksummer checksummer(c.algorithm);
    checksummer.Update(c.data);
    EXPECT_EQ(checksummer.FinishBase64(), c.base64) << AlgorithmName(c.algorithm) << " " << c.data;
  }
}

TEST(ChecksummerTest, OddPiecesEqualOneShot) {
  const std::string data = RandomBytes(200'000, 7);
  std::mt19937 rng(11);
  for (ChecksumAlgorithm algorithm : kAll) {
    SCOPED_TRACE(AlgorithmName(algorithm));
    const std::string one_shot = ComputeChecksum(algorithm, data);
    // Fixed odd sizes, then random sizes (with empty updates mixed in).
    for (size_t piece : {size_t{1}, size_t{3}, size_t{7}, size_t{63}, size_t{4097}}) {
      Checksummer checksummer(algorithm);
      for (size_t pos = 0; pos < data.size(); pos += piece) {
        checksummer.Update(std::string_view(data).substr(pos, piece));
      }
      EXPECT_EQ(checksummer.Finish(), one_shot) << "piece " << piece;
    }
    Checksummer checksummer(algorithm);
    for (size_t pos = 0; pos < data.size();) {
      size_t n = std::min<size_t>(rng() % 9000, data.size() - pos);
      checksummer.Update(std::string_view(data).substr(pos, n));
      pos += n;
    }
    EXPECT_EQ(checksummer.Finish(), one_shot) << "random pieces";
  }
}

TEST(ChecksummerTest, MoveKeepsState) {
  for (ChecksumAlgorithm algorithm : kAll) {
    Checksummer first(algorithm);
    first.Update("1234");
    Checksummer second = std::move(first);
    second.Update("56789");
    EXPECT_EQ(second.algorithm(), algorithm);
    EXPECT_EQ(second.Finish(), ComputeChecksum(algorithm, "123456789")) << AlgorithmName(algorithm);
  }
}

TEST(ChecksumSourceTest, ComputesWhileBytesPassThrough) {
  const std::string data = RandomBytes(10'000, 3);
  for (ChecksumAlgorithm algorithm : kAll) {
    TrickleSource inner(data, 333);
    ChecksumSource source(inner, algorithm);
    auto read = common::ReadAll(source, data.size());
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*read, data);
    EXPECT_EQ(source.Finish(), ComputeChecksum(algorithm, data)) << AlgorithmName(algorithm);
  }
}

TEST(ChecksumSourceTest, PassesOnTheInnerFailure) {
  common::testing::DroppingSource inner(100, 'a');
  ChecksumSource source(inner, ChecksumAlgorithm::kCrc32c);
  char buf[64];
  ASSERT_TRUE(source.Read(buf).ok());
  ASSERT_TRUE(source.Read(buf).ok());
  EXPECT_EQ(source.Read(buf).status().code(), Code::kIncompleteBody);
  EXPECT_EQ(source.Finish(), ComputeChecksum(ChecksumAlgorithm::kCrc32c, std::string(100, 'a')));
}

TEST(ParseChecksumValueTest, DecodesValuesOfTheRightSize) {
  for (ChecksumAlgorithm algorithm : kAll) {
    std::string raw = ComputeChecksum(algorithm, "hello");
    auto parsed = ParseChecksumValue(algorithm, common::Base64Encode(raw));
    ASSERT_TRUE(parsed.ok()) << AlgorithmName(algorithm);
    EXPECT_EQ(*parsed, raw);
  }
}

TEST(ParseChecksumValueTest, RejectsMalformedValues) {
  struct Case {
    ChecksumAlgorithm algorithm;
    std::string value;
  };
  for (const Case& c : {
           Case{ChecksumAlgorithm::kCrc32, ""},
           Case{ChecksumAlgorithm::kCrc32, "bad"},
           Case{ChecksumAlgorithm::kCrc32, "y/Q5Jg"},        // padding missing
           Case{ChecksumAlgorithm::kCrc32, "y/Q5Jg==="},     // padding extra
           Case{ChecksumAlgorithm::kCrc32, "y_Q5Jg=="},      // base64url alphabet
           Case{ChecksumAlgorithm::kCrc32, "rosUhgp5mIg="},  // 8 bytes: a CRC64
           Case{ChecksumAlgorithm::kCrc32c, "AAAA"},         // 3 bytes
           Case{ChecksumAlgorithm::kCrc64Nvme, "y/Q5Jg=="},  // 4 bytes
           Case{ChecksumAlgorithm::kSha1, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
           Case{ChecksumAlgorithm::kSha256, "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
       }) {
    auto parsed = ParseChecksumValue(c.algorithm, c.value);
    ASSERT_FALSE(parsed.ok()) << c.value;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidRequest) << c.value;
    EXPECT_EQ(parsed.status().message(),
              "Value for " + std::string(HeaderName(c.algorithm)) + " header is invalid.");
  }
}

TEST(CompareChecksumTest, MatchesOrAnswersBadDigest) {
  std::string raw = ComputeChecksum(ChecksumAlgorithm::kCrc32, "hello");
  EXPECT_TRUE(CompareChecksum(ChecksumAlgorithm::kCrc32, raw, raw).ok());
  common::Status bad = CompareChecksum(ChecksumAlgorithm::kCrc32, raw,
                                       ComputeChecksum(ChecksumAlgorithm::kCrc32, "hellO"));
  EXPECT_EQ(bad.code(), Code::kBadDigest);
  EXPECT_EQ(bad.message(), "The CRC32 you specified did not match the calculated checksum.");
  EXPECT_EQ(CompareChecksum(ChecksumAlgorithm::kSha256, "a", "b").message(),
            "The SHA256 you specified did not match the calculated checksum.");
}

TEST(CompositeChecksumTest, ChecksumOfPartChecksumsWithPartCount) {
  // Expected values computed independently (bitwise CRCs and hashlib).
  struct Case {
    ChecksumAlgorithm algorithm;
    std::string_view want;
  };
  for (const Case& c :
       {Case{ChecksumAlgorithm::kCrc32, "bc2tiA==-3"},
        Case{ChecksumAlgorithm::kCrc32c, "/DYCUA==-3"},
        Case{ChecksumAlgorithm::kSha1, "SZ976nEsA89nATKxYx2bx31jAgY=-3"},
        Case{ChecksumAlgorithm::kSha256, "9DvR1+T28oT9/9/hQ77yVrmSNM8gEMlHtsGoO9F4sl8=-3"}}) {
    std::vector<std::string> parts;
    for (std::string_view part : {"hello ", "world", "!"}) {
      parts.push_back(ComputeChecksum(c.algorithm, part));
    }
    auto composite = CompositeChecksum(c.algorithm, parts);
    ASSERT_TRUE(composite.ok()) << AlgorithmName(c.algorithm);
    EXPECT_EQ(*composite, c.want);
  }
}

TEST(CompositeChecksumTest, RejectsCrc64NvmeAndBadPartSizes) {
  std::vector<std::string> crc64_parts = {ComputeChecksum(ChecksumAlgorithm::kCrc64Nvme, "a")};
  EXPECT_EQ(CompositeChecksum(ChecksumAlgorithm::kCrc64Nvme, crc64_parts).status().code(),
            Code::kInvalidRequest);
  std::vector<std::string> wrong_size = {ComputeChecksum(ChecksumAlgorithm::kCrc32, "a"),
                                         ComputeChecksum(ChecksumAlgorithm::kSha1, "b")};
  EXPECT_EQ(CompositeChecksum(ChecksumAlgorithm::kCrc32, wrong_size).status().code(),
            Code::kInternal);
}

TEST(CombineFullObjectCrcTest, KnownValue) {
  struct Case {
    ChecksumAlgorithm algorithm;
    std::string_view want;
  };
  for (const Case& c :
       {Case{ChecksumAlgorithm::kCrc32, "A7TCbQ=="}, Case{ChecksumAlgorithm::kCrc32c, "SctXdw=="},
        Case{ChecksumAlgorithm::kCrc64Nvme, "2RYNH6jkGOM="}}) {
    std::vector<std::pair<std::string, uint64_t>> parts;
    for (std::string_view part : {"hello ", "world", "!"}) {
      parts.emplace_back(ComputeChecksum(c.algorithm, part), part.size());
    }
    auto combined = CombineFullObjectCrc(c.algorithm, parts);
    ASSERT_TRUE(combined.ok()) << AlgorithmName(c.algorithm);
    EXPECT_EQ(*combined, c.want);
  }
}

TEST(CombineFullObjectCrcTest, EqualsDirectCrcOverConcatenation) {
  // Part layouts in bytes; 0 is a zero-length part.
  const std::vector<std::vector<size_t>> layouts = {
      {},
      {0},
      {1},
      {100'000},
      {0, 0, 5},
      {5, 0, 0},
      {1, 1, 1, 1},
      {17, 0, 65'536, 3, 0, 131'071, 1},
      {1 << 20, 777, (1 << 20) + 1},
  };
  std::mt19937 rng(5);
  std::vector<std::vector<size_t>> all = layouts;
  for (int i = 0; i < 20; ++i) {  // random layouts, some with zero-length parts
    std::vector<size_t> layout(1 + rng() % 12);
    for (size_t& n : layout) n = rng() % 4 == 0 ? 0 : rng() % 50'000;
    all.push_back(layout);
  }
  uint32_t seed = 100;
  for (const auto& layout : all) {
    std::vector<std::string> bodies;
    std::string whole;
    for (size_t n : layout) {
      bodies.push_back(RandomBytes(n, seed++));
      whole += bodies.back();
    }
    for (ChecksumAlgorithm algorithm : kCrcs) {
      std::vector<std::pair<std::string, uint64_t>> parts;
      for (const std::string& body : bodies) {
        parts.emplace_back(ComputeChecksum(algorithm, body), body.size());
      }
      auto combined = CombineFullObjectCrc(algorithm, parts);
      ASSERT_TRUE(combined.ok());
      EXPECT_EQ(*combined, common::Base64Encode(ComputeChecksum(algorithm, whole)))
          << AlgorithmName(algorithm) << " over " << layout.size() << " parts of " << whole.size()
          << " bytes";
    }
  }
}

TEST(CombineFullObjectCrcTest, ShiftsOverLongZeroRuns) {
  // A long all-zero part exercises many squarings (2^k bytes for k up to 24).
  const std::string zeros((size_t{1} << 24) + 12'345, '\0');
  const std::string tail = RandomBytes(1000, 9);
  for (ChecksumAlgorithm algorithm : kCrcs) {
    std::vector<std::pair<std::string, uint64_t>> parts = {
        {ComputeChecksum(algorithm, "head"), 4},
        {ComputeChecksum(algorithm, zeros), zeros.size()},
        {ComputeChecksum(algorithm, tail), tail.size()}};
    auto combined = CombineFullObjectCrc(algorithm, parts);
    ASSERT_TRUE(combined.ok());
    EXPECT_EQ(*combined, common::Base64Encode(ComputeChecksum(algorithm, "head" + zeros + tail)))
        << AlgorithmName(algorithm);
  }
}

TEST(CombineFullObjectCrcTest, RejectsShaAndBadPartSizes) {
  for (ChecksumAlgorithm sha : {ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256}) {
    std::vector<std::pair<std::string, uint64_t>> parts = {{ComputeChecksum(sha, "a"), 1}};
    auto combined = CombineFullObjectCrc(sha, parts);
    EXPECT_EQ(combined.status().code(), Code::kInvalidRequest) << AlgorithmName(sha);
  }
  std::vector<std::pair<std::string, uint64_t>> wrong_size = {
      {ComputeChecksum(ChecksumAlgorithm::kCrc32, "a"), 1}};
  EXPECT_EQ(CombineFullObjectCrc(ChecksumAlgorithm::kCrc64Nvme, wrong_size).status().code(),
            Code::kInternal);
}

}  // namespace
}  // namespace strata::service
