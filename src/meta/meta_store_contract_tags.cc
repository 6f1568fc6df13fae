// The tags and CORS half of the MetaStore contract suite (migration 0006):
// bucket CORS configurations and tag sets, object tags, and the tags an upload
// hands to its completed object.
#include <optional>
#include <string>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;
using PutResult = MetaStore::PutResult;

TEST_P(MetaStoreContractTest, BucketCorsSetReplaceRemove) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("web")));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket fresh, store().GetBucket("web"));
  EXPECT_EQ(fresh.cors, "");
  // Opaque text to the store: whatever the S3 layer encodes comes back.
  const std::string cors = R"([{"origins":["https://a.example"],"methods":["GET"]}])";
  STRATA_ASSERT_OK(store().SetBucketCors("web", cors));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket with, store().GetBucket("web"));
  EXPECT_EQ(with.cors, cors);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<Bucket> listed, store().ListBuckets());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].cors, cors);
  STRATA_ASSERT_OK(store().SetBucketCors("web", "[]"));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket replaced, store().GetBucket("web"));
  EXPECT_EQ(replaced.cors, "[]");
  STRATA_ASSERT_OK(store().SetBucketCors("web", ""));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket without, store().GetBucket("web"));
  EXPECT_EQ(without.cors, "");
  STRATA_EXPECT_CODE(store().SetBucketCors("nope", cors), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, BucketTaggingSetReplaceRemove) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("tagged")));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket fresh, store().GetBucket("tagged"));
  EXPECT_TRUE(fresh.tagging.empty());
  // Order as given (not sorted), an empty value, non-ASCII text.
  const MetadataPairs tags = {{"z-last", "1"}, {"a first", ""}, {"Ünï", "cødé 🎉"}};
  STRATA_ASSERT_OK(store().SetBucketTagging("tagged", tags));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket with, store().GetBucket("tagged"));
  EXPECT_EQ(with.tagging, tags);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<Bucket> listed, store().ListBuckets());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].tagging, tags);
  STRATA_ASSERT_OK(store().SetBucketTagging("tagged", {{"only", "one"}}));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket replaced, store().GetBucket("tagged"));
  EXPECT_EQ(replaced.tagging, (MetadataPairs{{"only", "one"}}));
  STRATA_ASSERT_OK(store().SetBucketTagging("tagged", {}));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket without, store().GetBucket("tagged"));
  EXPECT_TRUE(without.tagging.empty());

  STRATA_EXPECT_CODE(store().SetBucketTagging("nope", tags), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().SetBucketTagging("tagged", {{"k", "\xff"}}), Code::kInvalidArgument);
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket unchanged, store().GetBucket("tagged"));
  EXPECT_TRUE(unchanged.tagging.empty());
}

TEST_P(MetaStoreContractTest, BucketConfigurationsAreIndependent) {
  Bucket in = MakeBucket("all");
  in.cors = R"([{"o":1}])";
  in.tagging = {{"k", "v"}};
  in.policy = R"({"Statement":[]})";
  STRATA_ASSERT_OK(store().CreateBucket(in));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket created, store().GetBucket("all"));
  EXPECT_EQ(created.cors, in.cors);
  EXPECT_EQ(created.tagging, in.tagging);
  EXPECT_EQ(created.policy, in.policy);

  // Each setter changes its own column only.
  STRATA_ASSERT_OK(store().SetBucketCors("all", ""));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket a, store().GetBucket("all"));
  EXPECT_EQ(a.cors, "");
  EXPECT_EQ(a.tagging, in.tagging);
  EXPECT_EQ(a.policy, in.policy);
  STRATA_ASSERT_OK(store().SetBucketTagging("all", {}));
  STRATA_ASSERT_OK(store().SetBucketCors("all", in.cors));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket b, store().GetBucket("all"));
  EXPECT_EQ(b.cors, in.cors);
  EXPECT_TRUE(b.tagging.empty());
  EXPECT_EQ(b.policy, in.policy);
  STRATA_ASSERT_OK(store().SetBucketPolicy("all", ""));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket c, store().GetBucket("all"));
  EXPECT_EQ(c.cors, in.cors);
  EXPECT_EQ(c.policy, "");
  // Deleting the bucket takes its configuration with it.
  STRATA_ASSERT_OK(store().DeleteBucket("all"));
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("all")));
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket again, store().GetBucket("all"));
  EXPECT_EQ(again.cors, "");
  EXPECT_TRUE(again.tagging.empty());
}

TEST_P(MetaStoreContractTest, ObjectTagsRoundTripAndChangeAlone) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ObjectRecord object = MakeObject("b", "k");
  ASSERT_FALSE(object.tags.empty());
  STRATA_ASSERT_OK(store().PutObject(object, {}, {}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord read, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(object, read));

  // New tags; everything else, the ETag and the time included, stays.
  const MetadataPairs tags = {{"b", "2"}, {"a", "1"}, {"empty", ""}};
  STRATA_ASSERT_OK(store().SetObjectTags("b", "k", tags));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord tagged, store().GetObject("b", "k"));
  ObjectRecord expected = object;
  expected.tags = tags;
  EXPECT_TRUE(SameRecord(expected, tagged));
  // Listing returns the same record.
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", {}));
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_TRUE(SameRecord(expected, page.objects[0]));

  STRATA_ASSERT_OK(store().SetObjectTags("b", "k", {}));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord untagged, store().GetObject("b", "k"));
  expected.tags.clear();
  EXPECT_TRUE(SameRecord(expected, untagged));

  STRATA_EXPECT_CODE(store().SetObjectTags("b", "missing", tags), Code::kNoSuchKey);
  STRATA_EXPECT_CODE(store().SetObjectTags("nope", "k", tags), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().SetObjectTags("b", "k", {{"\xc0", "v"}}), Code::kInvalidArgument);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord after, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(expected, after));
  // No row appeared for the missing key.
  STRATA_EXPECT_CODE(store().GetObject("b", "missing"), Code::kNoSuchKey);
}

TEST_P(MetaStoreContractTest, ReplacingAnObjectReplacesItsTags) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store().PutObject(MakeObject("b", "k"), {}, {}, kNowMs));
  ObjectRecord plain = MakeObject("b", "k", "fedcba9876543210fedcba9876543210");
  plain.tags.clear();
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put, store().PutObject(plain, {}, {}, kNowMs));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_EQ(put.replaced->tags, MakeObject("b", "k").tags);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord read, store().GetObject("b", "k"));
  EXPECT_TRUE(read.tags.empty());
  // A deleted object's tags go with it.
  STRATA_ASSERT_OK(store().SetObjectTags("b", "k", {{"x", "y"}}));
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> deleted,
                              store().DeleteObject("b", "k", kNowMs));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->tags, (MetadataPairs{{"x", "y"}}));
  STRATA_EXPECT_CODE(store().SetObjectTags("b", "k", {}), Code::kNoSuchKey);
}

TEST_P(MetaStoreContractTest, UploadTagsReachTheCompletedObject) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const MultipartUpload upload = MakeUpload("b", "k", "u1");
  ASSERT_FALSE(upload.tags.empty());
  STRATA_ASSERT_OK(store().CreateMultipartUpload(upload));
  STRATA_ASSERT_OK_AND_ASSIGN(MultipartUpload got, store().GetMultipartUpload("b", "k", "u1"));
  EXPECT_EQ(got.tags, upload.tags);
  STRATA_ASSERT_OK_AND_ASSIGN(ListUploadsPage page, store().ListMultipartUploads("b", {}));
  ASSERT_EQ(page.uploads.size(), 1u);
  EXPECT_TRUE(SameUpload(upload, page.uploads[0]));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<MultipartUpload> stale,
                              store().ListStaleUploads(kForever, 10));
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].tags, upload.tags);

  // The service copies the upload's tags into the object it completes.
  ObjectRecord object = MakeObject("b", "k");
  object.inline_data.clear();
  object.size = 0;
  object.tags = got.tags;
  STRATA_ASSERT_OK(store().CompleteMultipartUpload("u1", object, {}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord completed, store().GetObject("b", "k"));
  EXPECT_EQ(completed.tags, upload.tags);
}

}  // namespace
}  // namespace strata::meta::contract
