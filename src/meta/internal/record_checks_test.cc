#include "meta/internal/record_checks.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "meta/internal/contract_util.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using contract::Chunk;
using contract::MakeObject;
using contract::Piece;
using contract::Whole;
using contract::WithManifest;

constexpr uint64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

TEST(RecordChecksTest, BodySize) {
  ObjectRecord object = MakeObject("b", "k");
  EXPECT_EQ(BodySize(object), object.inline_data.size());
  EXPECT_EQ(BodySize(WithManifest("b", "k", {Whole(Chunk(1)), Piece(Chunk(2), 0, 7)})),
            std::optional<uint64_t>(1001 + 7));
  object.manifest = {Whole(Chunk(1))};
  EXPECT_EQ(BodySize(object), std::nullopt) << "inline data and a manifest";
  ObjectRecord huge = WithManifest("b", "k", {Piece(Chunk(1), 0, UINT64_MAX)});
  huge.manifest.push_back(Piece(Chunk(1), 0, 1));
  EXPECT_EQ(BodySize(huge), std::nullopt) << "a sum that overflows";
}

TEST(RecordChecksTest, ObjectRecords) {
  STRATA_EXPECT_OK(CheckObjectRecord(MakeObject("b", "k")));
  STRATA_EXPECT_OK(CheckObjectRecord(WithManifest("b", "k", {Whole(Chunk(1)), Whole(Chunk(2))})));
  ObjectRecord empty = MakeObject("b", "k");
  empty.inline_data.clear();
  empty.size = 0;
  STRATA_EXPECT_OK(CheckObjectRecord(empty));
  ObjectRecord parts = WithManifest("b", "k", {Whole(Chunk(1)), Whole(Chunk(2))});
  parts.part_sizes = {1001, 1002};
  STRATA_EXPECT_OK(CheckObjectRecord(parts));

  struct Case {
    const char* name;
    ObjectRecord object;
  };
  std::vector<Case> bad;
  {
    ObjectRecord object = WithManifest("b", "k", {Whole(Chunk(1))});
    object.inline_data = "x";
    bad.push_back({"inline data and a manifest", object});
  }
  {
    ObjectRecord object = MakeObject("b", "k");
    object.size += 1;
    bad.push_back({"inline size", object});
  }
  {
    ObjectRecord object = WithManifest("b", "k", {Whole(Chunk(1))});
    object.size -= 1;
    bad.push_back({"manifest size", object});
  }
  {
    ObjectRecord object = WithManifest("b", "k", {Piece(Chunk(1), 0, kMaxInt64 + 1)});
    bad.push_back({"size above 63 bits", object});
  }
  {
    ObjectRecord object = parts;
    object.part_sizes = {1001, 1001};
    bad.push_back({"part sizes", object});
  }
  {
    ObjectRecord object = parts;
    object.part_sizes = {UINT64_MAX, 2004};
    bad.push_back({"part sizes that overflow", object});
  }
  for (const Case& c : bad) {
    STRATA_EXPECT_CODE(CheckObjectRecord(c.object), Code::kInvalidArgument);
  }
}

TEST(RecordChecksTest, PartRecords) {
  auto part = [](int number, Manifest manifest) {
    PartRecord record{.upload_id = "u", .part_number = number, .manifest = std::move(manifest)};
    for (const ManifestEntry& entry : record.manifest) record.size += entry.length;
    return record;
  };
  STRATA_EXPECT_OK(CheckPartRecord(part(1, {})));
  STRATA_EXPECT_OK(CheckPartRecord(part(kMaxPartNumber, {Whole(Chunk(1)), Whole(Chunk(2))})));

  struct Case {
    const char* name;
    PartRecord part;
    const char* message;
  };
  std::vector<Case> bad = {
      {"number 0", part(0, {}), "part number"},
      {"number above the limit", part(kMaxPartNumber + 1, {}), "part number"},
  };
  {
    PartRecord record = part(1, {});
    record.size = kMaxInt64 + 1;
    bad.push_back({"size above 63 bits", record, "63 bits"});
  }
  {
    PartRecord record = part(1, {Whole(Chunk(1))});
    record.size -= 1;
    bad.push_back({"pieces exceed the size", record, "exceed"});
  }
  {
    PartRecord record = part(1, {Piece(Chunk(1), 0, UINT64_MAX), Piece(Chunk(1), 0, 2)});
    record.size = 5;
    bad.push_back({"pieces that overflow", record, "exceed"});
  }
  {
    PartRecord record = part(1, {Whole(Chunk(1))});
    record.size += 1;
    bad.push_back({"pieces short of the size", record, "do not add up"});
  }
  for (const Case& c : bad) {
    const common::Status status = CheckPartRecord(c.part);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << c.name;
    EXPECT_NE(status.message().find(c.message), std::string::npos)
        << c.name << ": " << status.ToString();
  }
}

TEST(RecordChecksTest, WrittenChunks) {
  STRATA_EXPECT_OK(CheckWrittenChunks({}));
  STRATA_EXPECT_OK(CheckWrittenChunks({Chunk(1), Chunk(2)}));
  ChunkInfo negative_k = Chunk(1);
  negative_k.data_shards = -1;
  ChunkInfo negative_m = Chunk(1);
  negative_m.parity_shards = -1;
  ChunkInfo huge = Chunk(1);
  huge.size = kMaxInt64 + 1;
  for (const ChunkInfo& chunk : {negative_k, negative_m, huge}) {
    STRATA_EXPECT_CODE(CheckWrittenChunks({Chunk(2), chunk}), Code::kInvalidArgument);
  }
}

TEST(RecordChecksTest, Conditions) {
  const ObjectRecord current = MakeObject("b", "k", "etag-1");
  const WriteCondition none;
  const WriteCondition if_none_match{.kind = WriteCondition::Kind::kIfNoneMatchAny};
  const WriteCondition if_match{.kind = WriteCondition::Kind::kIfMatch, .etag = "etag-1"};
  const WriteCondition if_other{.kind = WriteCondition::Kind::kIfMatch, .etag = "etag-2"};
  struct Case {
    const WriteCondition* condition;
    bool exists;
    bool holds;
  };
  const Case cases[] = {
      {&none, false, true},          {&none, true, true},       {&if_none_match, false, true},
      {&if_none_match, true, false}, {&if_match, true, true},   {&if_match, false, false},
      {&if_other, true, false},      {&if_other, false, false},
  };
  for (const Case& c : cases) {
    const std::optional<ObjectRecord> existing =
        c.exists ? std::optional<ObjectRecord>(current) : std::nullopt;
    const common::Status status = CheckCondition(*c.condition, existing);
    EXPECT_EQ(status.code(), c.holds ? Code::kOk : Code::kPreconditionFailed)
        << static_cast<int>(c.condition->kind) << " " << c.condition->etag << " on "
        << (c.exists ? "an object" : "nothing");
  }
}

TEST(RecordChecksTest, VersionIds) {
  for (const std::string& good :
       {std::string("a"), std::string("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY-_x"), std::string(64, 'v'),
        std::string("Null"), std::string("null.")}) {
    SCOPED_TRACE(good);
    STRATA_EXPECT_OK(CheckVersionId(good));
  }
  for (const std::string& bad :
       {std::string(), std::string(65, 'v'), std::string("null"), std::string("a/b"),
        std::string("a b"), std::string("a+b"), std::string("\xc3\xa9"), std::string("a\0b", 3)}) {
    SCOPED_TRACE(bad);
    STRATA_EXPECT_CODE(CheckVersionId(bad), Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace strata::meta::internal
