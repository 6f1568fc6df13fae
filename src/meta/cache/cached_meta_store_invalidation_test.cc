// Every write kind that can change a cached answer invalidates it: the
// answer is cached, the write goes through the cache, and the next read
// through the cache equals the store's.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "meta/cache/cached_meta_store.h"
#include "meta/cache/internal/test_util.h"
#include "meta/internal/contract_util.h"

namespace strata::meta::cache {
namespace {

using common::Code;
using contract::Chunk;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using contract::Whole;
using internal::Answer;
using internal::CacheTest;
using internal::Ids;
using internal::MakeKey;
using internal::MakeUser;
using internal::Node;
using internal::ToGroup;
using internal::ToUser;

// --- Every write kind invalidates what it changes -------------------------------

struct WriteCase {
  std::string name;
  std::function<common::Status(CachedMetaStore&)> prepare;
  std::function<std::string(MetaStore&)> read;  // one cached read, rendered
  std::function<common::Status(CachedMetaStore&)> write;
};

void PrintTo(const WriteCase& c, std::ostream* os) { *os << c.name; }

common::Status All(std::initializer_list<common::Status> statuses) {
  for (const common::Status& status : statuses) {
    if (!status.ok()) return status;
  }
  return common::Status::Ok();
}

ObjectRecord Completed() {
  ObjectRecord object = MakeObject("b", "k", "complete-1");
  object.inline_data.clear();
  object.manifest = {Whole(Chunk(1))};
  object.size = Chunk(1).size;
  object.part_sizes = {object.size};
  return object;
}

const std::vector<WriteCase>& WriteCases() {
  auto object = [](MetaStore& s) { return Answer(s.GetObject("b", "k")); };
  auto bucket = [](MetaStore& s) { return Answer(s.GetBucket("b")); };
  auto user = [](MetaStore& s) { return Answer(Ids(s).GetUser("u1")); };
  auto key = [](MetaStore& s) { return Answer(Ids(s).GetAccessKey("AK1")); };
  auto policy = [](MetaStore& s) { return Answer(Ids(s).GetPolicy("p")); };
  auto effective = [](MetaStore& s) { return Answer(Ids(s).EffectivePolicyNames("u1")); };
  // The bucket, cached as existing (so a "no such key" is served from Redis).
  auto bucket_cached = [](CachedMetaStore& c) {
    return All({c.CreateBucket(MakeBucket("b")), c.GetBucket("b").status()});
  };
  auto user_with_key = [](CachedMetaStore& c) {
    return All({c.CreateUser(MakeUser("u1")), c.CreateAccessKey(MakeKey("AK1", "u1"))});
  };
  auto user_and_group = [](CachedMetaStore& c) {
    return All({c.CreateUser(MakeUser("u1")), c.CreateGroup({.name = "g"})});
  };
  static const std::vector<WriteCase> cases = {
      {"PutObjectReplaces",
       [](CachedMetaStore& c) {
         return All({c.CreateBucket(MakeBucket("b")),
                     c.PutObject(MakeObject("b", "k", "etag-1"), {}, {}, kNowMs).status()});
       },
       object,
       [](CachedMetaStore& c) {
         return c.PutObject(MakeObject("b", "k", "etag-2"), {}, {}, kNowMs).status();
       }},
      {"PutObjectCreates", bucket_cached, object,
       [](CachedMetaStore& c) {
         return c.PutObject(MakeObject("b", "k"), {}, {}, kNowMs).status();
       }},
      {"DeleteObject",
       [](CachedMetaStore& c) {
         return All({c.CreateBucket(MakeBucket("b")),
                     c.PutObject(MakeObject("b", "k"), {}, {}, kNowMs).status()});
       },
       object, [](CachedMetaStore& c) { return c.DeleteObject("b", "k", kNowMs).status(); }},
      {"CompleteMultipartUpload",
       [=](CachedMetaStore& c) {
         return All({bucket_cached(c),
                     c.CreateMultipartUpload(contract::MakeUpload("b", "k", "u1", kNowMs)),
                     c.PutPart({.upload_id = "u1",
                                .part_number = 1,
                                .size = Chunk(1).size,
                                .etag = "part-1",
                                .manifest = {Whole(Chunk(1))}},
                               {Chunk(1)}, kNowMs)
                         .status()});
       },
       object,
       [](CachedMetaStore& c) {
         return c.CompleteMultipartUpload("u1", Completed(), {}, kNowMs).status();
       }},
      {"CreateBucket", [](CachedMetaStore&) { return common::Status::Ok(); }, bucket,
       [](CachedMetaStore& c) { return c.CreateBucket(MakeBucket("b")); }},
      {"DeleteBucket", [](CachedMetaStore& c) { return c.CreateBucket(MakeBucket("b")); }, bucket,
       [](CachedMetaStore& c) { return c.DeleteBucket("b"); }},
      {"DeleteBucketRetiresNoSuchKey", bucket_cached, object,
       [](CachedMetaStore& c) { return c.DeleteBucket("b"); }},
      {"SetBucketPolicy", [](CachedMetaStore& c) { return c.CreateBucket(MakeBucket("b")); },
       bucket,
       [](CachedMetaStore& c) { return c.SetBucketPolicy("b", R"({"Version":"2012-10-17"})"); }},
      {"SetBucketCors", [](CachedMetaStore& c) { return c.CreateBucket(MakeBucket("b")); }, bucket,
       [](CachedMetaStore& c) { return c.SetBucketCors("b", R"([{"o":["*"]}])"); }},
      {"SetBucketTagging", [](CachedMetaStore& c) { return c.CreateBucket(MakeBucket("b")); },
       bucket,
       [](CachedMetaStore& c) {
         return c.SetBucketTagging("b", {{"k", "v"}});
       }},
      {"SetObjectTags",
       [](CachedMetaStore& c) {
         return All({c.CreateBucket(MakeBucket("b")),
                     c.PutObject(MakeObject("b", "k"), {}, {}, kNowMs).status()});
       },
       object,
       [](CachedMetaStore& c) {
         return c.SetObjectTags("b", "k", {{"new", "tag"}});
       }},
      {"CreateUser", [](CachedMetaStore&) { return common::Status::Ok(); }, user,
       [](CachedMetaStore& c) { return c.CreateUser(MakeUser("u1")); }},
      {"UpdateUser", [](CachedMetaStore& c) { return c.CreateUser(MakeUser("u1")); }, user,
       [](CachedMetaStore& c) {
         User changed = MakeUser("u1");
         changed.disabled = true;
         changed.password_hash = "$argon2id$new";
         return c.UpdateUser(changed);
       }},
      {"DeleteUserItsRow", [](CachedMetaStore& c) { return c.CreateUser(MakeUser("u1")); }, user,
       [](CachedMetaStore& c) { return c.DeleteUser("u1"); }},
      {"DeleteUserItsKeys", user_with_key, key,
       [](CachedMetaStore& c) { return c.DeleteUser("u1"); }},
      {"DeleteUserItsMemberships",
       [=](CachedMetaStore& c) {
         return All(
             {user_and_group(c), c.AttachPolicy(ToGroup("p", "g")), c.AddGroupMember("g", "u1")});
       },
       effective, [](CachedMetaStore& c) { return c.DeleteUser("u1"); }},
      {"CreateAccessKey", [](CachedMetaStore& c) { return c.CreateUser(MakeUser("u1")); }, key,
       [](CachedMetaStore& c) { return c.CreateAccessKey(MakeKey("AK1", "u1")); }},
      {"SetAccessKeyDisabled", user_with_key, key,
       [](CachedMetaStore& c) { return c.SetAccessKeyDisabled("AK1", true); }},
      {"DeleteAccessKey", user_with_key, key,
       [](CachedMetaStore& c) { return c.DeleteAccessKey("AK1"); }},
      {"AddGroupMember",
       [=](CachedMetaStore& c) {
         return All({user_and_group(c), c.AttachPolicy(ToGroup("p", "g"))});
       },
       effective, [](CachedMetaStore& c) { return c.AddGroupMember("g", "u1"); }},
      {"RemoveGroupMember",
       [=](CachedMetaStore& c) {
         return All(
             {user_and_group(c), c.AttachPolicy(ToGroup("p", "g")), c.AddGroupMember("g", "u1")});
       },
       effective, [](CachedMetaStore& c) { return c.RemoveGroupMember("g", "u1"); }},
      {"AttachPolicyToUser", [](CachedMetaStore& c) { return c.CreateUser(MakeUser("u1")); },
       effective, [](CachedMetaStore& c) { return c.AttachPolicy(ToUser("p", "u1")); }},
      {"AttachPolicyToGroup",
       [=](CachedMetaStore& c) {
         return All({user_and_group(c), c.AddGroupMember("g", "u1")});
       },
       effective, [](CachedMetaStore& c) { return c.AttachPolicy(ToGroup("p", "g")); }},
      {"DetachPolicy",
       [](CachedMetaStore& c) {
         return All({c.CreateUser(MakeUser("u1")), c.AttachPolicy(ToUser("p", "u1"))});
       },
       effective, [](CachedMetaStore& c) { return c.DetachPolicy(ToUser("p", "u1")); }},
      {"PutPolicyCreates", [](CachedMetaStore&) { return common::Status::Ok(); }, policy,
       [](CachedMetaStore& c) { return c.PutPolicy({.name = "p", .document = "{}"}); }},
      {"PutPolicyReplaces",
       [](CachedMetaStore& c) { return c.PutPolicy({.name = "p", .document = "{}"}); }, policy,
       [](CachedMetaStore& c) {
         return c.PutPolicy({.name = "p", .document = R"({"Statement":[]})"});
       }},
      {"DeletePolicy",
       [](CachedMetaStore& c) { return c.PutPolicy({.name = "p", .document = "{}"}); }, policy,
       [](CachedMetaStore& c) { return c.DeletePolicy("p"); }},
  };
  return cases;
}

class WriteInvalidationTest : public CacheTest, public ::testing::WithParamInterface<WriteCase> {};

TEST_P(WriteInvalidationTest, TheNextReadSeesTheWrite) {
  const WriteCase& c = GetParam();
  Node* node = AddNode();
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  STRATA_ASSERT_OK(c.prepare(cache));

  const std::string before = c.read(cache);
  const uint64_t hits = cache.stats().hits;
  ASSERT_EQ(c.read(cache), before);
  ASSERT_EQ(cache.stats().hits, hits + 1) << "the answer must be cached before the write";

  const uint64_t invalidations = cache.stats().invalidations;
  STRATA_ASSERT_OK(c.write(cache));
  EXPECT_EQ(cache.stats().invalidations, invalidations + 1);

  const std::string truth = c.read(*node->store);
  EXPECT_NE(truth, before) << "the write must change the answer";
  EXPECT_EQ(c.read(cache), truth);
  EXPECT_EQ(c.read(cache), truth);  // refilled
  EXPECT_EQ(cache.stats().errors, 0u);
}

INSTANTIATE_TEST_SUITE_P(EveryWrite, WriteInvalidationTest, ::testing::ValuesIn(WriteCases()),
                         [](const ::testing::TestParamInfo<WriteCase>& case_info) {
                           return case_info.param.name;
                         });

}  // namespace
}  // namespace strata::meta::cache
