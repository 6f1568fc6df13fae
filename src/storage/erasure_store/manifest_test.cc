#include "storage/erasure_store/manifest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/erasure_store/layout.h"

namespace strata::storage {
namespace {

constexpr char kId[] = "0123456789abcdef0123456789abcdef";

TEST(ErasureManifestTest, RoundTrips) {
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, uint64_t{65535}, uint64_t{65536}, uint64_t{65537},
                        uint64_t{5} << 30}) {
    ErasureManifest manifest{kId, 4, 2, 65536, size};
    std::string text = EncodeErasureManifest(manifest);
    auto parsed = ParseErasureManifest(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, manifest) << text;
  }
  EXPECT_EQ(EncodeErasureManifest({kId, 4, 2, 65536, 65537}),
            std::string("ec1;") + kId + ";4;2;65536;65537;2");
}

TEST(ErasureManifestTest, ChunkSizes) {
  ErasureManifest manifest{kId, 4, 2, 100, 250};
  EXPECT_EQ(manifest.ChunkCount(), 3u);
  EXPECT_EQ(manifest.ChunkBytes(0), 100u);
  EXPECT_EQ(manifest.ChunkBytes(2), 50u);
  EXPECT_EQ((ErasureManifest{kId, 4, 2, 100, 0}).ChunkCount(), 0u);
  EXPECT_EQ((ErasureManifest{kId, 4, 2, 100, 200}).ChunkCount(), 2u);
}

TEST(ErasureManifestTest, RejectsMalformed) {
  const std::string id = kId;
  for (const std::string& ref : std::vector<std::string>{
           std::string(""),
           std::string("ec1"),
           "ec2;" + id + ";4;2;65536;10;1",
           "ec1;" + id + ";4;2;65536;10",              // too few fields
           "ec1;" + id + ";4;2;65536;10;1;",           // trailing separator
           "ec1;" + id + ";4;2;65536;10;1;7",          // too many fields
           "ec1;" + id.substr(1) + ";4;2;65536;10;1",  // short id
           "ec1;0123456789ABCDEF0123456789abcdef;4;2;65536;10;1",
           "ec1;../../../etc/passwd/0123456789abcdef;4;2;65536;10;1",
           "ec1;" + id + ";0;2;65536;10;1",     // K = 0
           "ec1;" + id + ";200;56;65536;10;1",  // K + M > 255
           "ec1;" + id + ";4;2;0;10;1",         // chunk size 0
           "ec1;" + id + ";4;2;4194305;10;1",   // chunk size > 4 MiB
           "ec1;" + id + ";4;2;65536;10;2",     // wrong chunk count
           "ec1;" + id + ";4;2;65536;0;1",
           "ec1;" + id + ";04;2;65536;10;1",  // leading zero
           "ec1;" + id + ";+4;2;65536;10;1",
           "ec1;" + id + ";-4;2;65536;10;1",
           "ec1;" + id + ";4;2;65536; 10;1",
           "ec1;" + id + ";4;2;65536;10x;1",
           "ec1;" + id + ";4;2;65536;99999999999999999999999;1",
           "ec1;" + id + ";4;;65536;10;1",
           "0/" + id,  // a FileObjectStore reference
       }) {
    EXPECT_EQ(ParseErasureManifest(ref).status().code(), common::Code::kCorruption) << ref;
  }
}

TEST(ShardLayoutTest, PathsAndPlacement) {
  EXPECT_EQ(ShardFilePath("/d", kId, 3, 5), std::filesystem::path("/d/shards/01") / kId / "3.5");
  EXPECT_EQ(ShardTempPath("/d", kId, 3, 5),
            std::filesystem::path("/d/tmp") / (kId + std::string(".3.5")));
  // Shards of one chunk take consecutive drives, wrapping around.
  for (uint64_t chunk = 0; chunk < 20; ++chunk) {
    size_t first = ShardDrive(kId, chunk, 0, 6);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(ShardDrive(kId, chunk, i, 6), (first + i) % 6);
  }
}

}  // namespace
}  // namespace strata::storage
