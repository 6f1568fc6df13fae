#include "meta/internal/record_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "meta/internal/contract_util.h"
#include "meta/metadata_json.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using contract::Chunk;
using contract::MakeObject;
using contract::MakeUpload;
using contract::Whole;
using contract::WithManifest;

// What a backend reads back for `object` stored as `encoded`: the plain
// fields, then DecodeObjectJson on the JSON columns.
common::Result<ObjectRecord> RoundTrip(const ObjectRecord& object, const EncodedObject& encoded,
                                       OnBadMetadata on_bad_metadata) {
  ObjectRecord read = object;
  read.user_metadata.clear();
  read.system_metadata.clear();
  read.manifest.clear();
  read.part_sizes.clear();
  read.tags.clear();
  STRATA_RETURN_IF_ERROR(DecodeObjectJson({.user_metadata = encoded.user_metadata,
                                           .system_metadata = encoded.system_metadata,
                                           .manifest = encoded.manifest,
                                           .part_sizes = encoded.part_sizes,
                                           .tags = encoded.tags},
                                          on_bad_metadata, read));
  return read;
}

TEST(RecordCodecTest, ObjectsRoundTrip) {
  ObjectRecord chunked = WithManifest("b", "k", {Whole(Chunk(1)), Whole(Chunk(2))});
  chunked.part_sizes = {1001, 1002};
  chunked.tags.clear();  // no tags: the column holds ""
  for (const ObjectRecord& object : {MakeObject("b", "k"), chunked}) {
    STRATA_ASSERT_OK_AND_ASSIGN(EncodedObject encoded, EncodeObject(object, {Chunk(1)}));
    STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord read,
                                RoundTrip(object, encoded, OnBadMetadata::kFail));
    EXPECT_TRUE(contract::SameRecord(object, read));
  }
}

TEST(RecordCodecTest, EncodingChecksTheRulesFirst) {
  ObjectRecord wrong_size = MakeObject("b", "k");
  wrong_size.size += 1;
  ObjectRecord not_utf8 = MakeObject("b", "k");
  not_utf8.system_metadata = {{"content-disposition", "\xff"}};
  ObjectRecord tag_not_utf8 = MakeObject("b", "k");
  tag_not_utf8.tags = {{"k", "\xff"}};
  ChunkInfo bad_chunk = Chunk(1);
  bad_chunk.data_shards = -1;
  STRATA_EXPECT_CODE(EncodeObject(wrong_size, {}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(EncodeObject(not_utf8, {}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(EncodeObject(tag_not_utf8, {}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(EncodeObject(MakeObject("b", "k"), {bad_chunk}), Code::kInvalidArgument);

  PartRecord part{.upload_id = "u", .part_number = 1, .size = 1001, .manifest = {Whole(Chunk(1))}};
  STRATA_ASSERT_OK_AND_ASSIGN(std::string manifest, EncodePart(part, {Chunk(1)}));
  EXPECT_EQ(manifest, *EncodeManifest(part.manifest));
  STRATA_EXPECT_CODE(EncodePart(part, {bad_chunk}), Code::kInvalidArgument);
  part.part_number = 0;
  STRATA_EXPECT_CODE(EncodePart(part, {}), Code::kInvalidArgument);

  MultipartUpload upload = MakeUpload("b", "k", "u");
  STRATA_ASSERT_OK_AND_ASSIGN(EncodedUpload encoded, EncodeUpload(upload));
  EXPECT_EQ(encoded.user_metadata, *EncodeMetadata(upload.user_metadata));
  EXPECT_EQ(encoded.system_metadata, *EncodeMetadata(upload.system_metadata));
  EXPECT_EQ(encoded.tags, *EncodeMetadata(upload.tags));
  upload.user_metadata = {{"\xc0", "v"}};
  STRATA_EXPECT_CODE(EncodeUpload(upload), Code::kInvalidArgument);
}

TEST(RecordCodecTest, DamagedObjectRowsFailOrDrop) {
  const ObjectRecord object = WithManifest("b", "k", {Whole(Chunk(1))});
  STRATA_ASSERT_OK_AND_ASSIGN(const EncodedObject good, EncodeObject(object, {}));
  struct Case {
    const char* name;
    EncodedObject columns;
  };
  Case cases[] = {{"user metadata", good},
                  {"system metadata", good},
                  {"part sizes", good},
                  {"manifest", good},
                  {"tags", good}};
  cases[0].columns.user_metadata = "{oops";
  cases[1].columns.system_metadata = "null";
  cases[2].columns.part_sizes = "[-1]";
  cases[3].columns.manifest = "[[1]]";
  cases[4].columns.tags = "[[\"k\"]]";
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    STRATA_EXPECT_CODE(RoundTrip(object, c.columns, OnBadMetadata::kFail), Code::kCorruption);
    STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord dropped,
                                RoundTrip(object, c.columns, OnBadMetadata::kDrop));
    EXPECT_EQ(dropped.key, object.key);
  }
  // Metadata goes as a pair: both columns or neither.
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord dropped,
                              RoundTrip(object, cases[1].columns, OnBadMetadata::kDrop));
  EXPECT_TRUE(dropped.user_metadata.empty());
  EXPECT_TRUE(dropped.system_metadata.empty());
  EXPECT_EQ(dropped.manifest, object.manifest);
  // A lost manifest reads as empty.
  STRATA_ASSERT_OK_AND_ASSIGN(dropped, RoundTrip(object, cases[3].columns, OnBadMetadata::kDrop));
  EXPECT_TRUE(dropped.manifest.empty());

  // A body that does not add up to the size is corrupt only for kFail.
  ObjectRecord grown = object;
  grown.size += 1;
  STRATA_EXPECT_CODE(RoundTrip(grown, good, OnBadMetadata::kFail), Code::kCorruption);
  STRATA_EXPECT_OK(RoundTrip(grown, good, OnBadMetadata::kDrop));
}

TEST(RecordCodecTest, UploadRows) {
  const MultipartUpload upload = MakeUpload("b", "k", "u1");
  STRATA_ASSERT_OK_AND_ASSIGN(const EncodedUpload encoded, EncodeUpload(upload));
  MultipartUpload read{.upload_id = "u1"};
  STRATA_ASSERT_OK(DecodeUploadJson(encoded.user_metadata, encoded.system_metadata, encoded.tags,
                                    OnBadMetadata::kFail, read));
  EXPECT_EQ(read.user_metadata, upload.user_metadata);
  EXPECT_EQ(read.system_metadata, upload.system_metadata);
  EXPECT_EQ(read.tags, upload.tags);

  for (const auto& [system, tags] : {std::pair<std::string, std::string>{"{", encoded.tags},
                                     std::pair<std::string, std::string>{"[]", "{"}}) {
    MultipartUpload damaged{.upload_id = "u1"};
    const common::Status status =
        DecodeUploadJson(encoded.user_metadata, system, tags, OnBadMetadata::kFail, damaged);
    EXPECT_EQ(status.code(), Code::kCorruption);
    EXPECT_NE(status.message().find("u1"), std::string::npos) << status.ToString();
    STRATA_EXPECT_OK(
        DecodeUploadJson(encoded.user_metadata, system, tags, OnBadMetadata::kDrop, damaged));
    EXPECT_TRUE(damaged.user_metadata.empty());
    EXPECT_TRUE(damaged.system_metadata.empty());
    EXPECT_TRUE(damaged.tags.empty());
  }
}

TEST(RecordCodecTest, TagsAreEmptyTextWhenNone) {
  STRATA_ASSERT_OK_AND_ASSIGN(std::string none, EncodeTags({}));
  EXPECT_EQ(none, "");
  STRATA_ASSERT_OK_AND_ASSIGN(MetadataPairs decoded, DecodeTags(""));
  EXPECT_TRUE(decoded.empty());
  const MetadataPairs tags = {{"b", ""}, {"a", "1"}};
  STRATA_ASSERT_OK_AND_ASSIGN(std::string some, EncodeTags(tags));
  STRATA_ASSERT_OK_AND_ASSIGN(decoded, DecodeTags(some));
  EXPECT_EQ(decoded, tags);  // order kept
  STRATA_ASSERT_OK_AND_ASSIGN(decoded, DecodeBucketTagging("b", some));
  EXPECT_EQ(decoded, tags);
  const common::Status status = DecodeBucketTagging("photos", "[1]").status();
  EXPECT_EQ(status.code(), Code::kCorruption);
  EXPECT_NE(status.message().find("photos"), std::string::npos);
}

TEST(RecordCodecTest, PartManifests) {
  const Manifest manifest = {Whole(Chunk(1)), Whole(Chunk(2))};
  const std::string json = *EncodeManifest(manifest);
  PartRecord part{.upload_id = "u", .part_number = 3, .size = 1001 + 1002};
  STRATA_ASSERT_OK(DecodePartManifest(json, part));
  EXPECT_EQ(part.manifest, manifest);

  struct Case {
    const char* name;
    std::string json;
    uint64_t size;
  };
  const Case bad[] = {
      {"unreadable", "[[1]]", 2003},
      {"longer than the part", json, 2002},
      {"shorter than the part", json, 2004},
  };
  for (const Case& c : bad) {
    PartRecord read{.upload_id = "u", .part_number = 3, .size = c.size};
    const common::Status status = DecodePartManifest(c.json, read);
    EXPECT_EQ(status.code(), Code::kCorruption) << c.name;
    EXPECT_NE(status.message().find("part 3 of upload 'u'"), std::string::npos)
        << c.name << ": " << status.ToString();
  }

  EXPECT_EQ(DecodeManifestOrEmpty(json), manifest);
  EXPECT_TRUE(DecodeManifestOrEmpty("[[1]]").empty());
  EXPECT_TRUE(DecodeManifestOrEmpty("").empty());
}

}  // namespace
}  // namespace strata::meta::internal
