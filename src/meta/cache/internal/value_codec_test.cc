#include "meta/cache/internal/value_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace strata::meta::cache::internal {
namespace {

ObjectRecord FullObject() {
  ObjectRecord object;
  object.bucket = "photos";
  object.key = std::string("a/\0b\xff key", 9);
  object.size = std::numeric_limits<uint64_t>::max();
  object.etag = "0123456789abcdef0123456789abcdef-2";
  object.content_type = "image/png";
  object.user_metadata = {{"origin", "x"}, {"empty", ""}, {"origin", "repeated"}};
  object.system_metadata = {{"cache-control", "no-cache"}};
  object.last_modified_ms = -1;  // not a real value, but the format must keep it
  object.storage_class = "STANDARD";
  object.checksum = {.algorithm = "CRC32C", .value = "abc==", .type = "COMPOSITE"};
  object.part_sizes = {5 << 20, 1, 0};
  const ChunkInfo chunk{.hash = std::string(64, 'a'),
                        .location = std::string(32, 'b'),
                        .data_shards = 4,
                        .parity_shards = -2,
                        .size = 4 << 20};
  object.manifest = {{.chunk = chunk, .offset = 0, .length = 100},
                     {.chunk = chunk, .offset = 100, .length = (4 << 20) - 100}};
  object.inline_data = std::string("\0\x01\xfe\xff body", 9);
  object.tags = {{"team", "a b"}, {"empty", ""}};
  return object;
}

bool Same(const ObjectRecord& a, const ObjectRecord& b) {
  return a.bucket == b.bucket && a.key == b.key && a.size == b.size && a.etag == b.etag &&
         a.content_type == b.content_type && a.user_metadata == b.user_metadata &&
         a.system_metadata == b.system_metadata && a.last_modified_ms == b.last_modified_ms &&
         a.storage_class == b.storage_class && a.checksum == b.checksum &&
         a.part_sizes == b.part_sizes && a.manifest == b.manifest &&
         a.inline_data == b.inline_data && a.tags == b.tags;
}

TEST(ValueCodecTest, RoundTripsEveryCachedType) {
  const ObjectRecord object = FullObject();
  auto decoded_object = DecodeObject(EncodeObject(object));
  ASSERT_TRUE(decoded_object.ok()) << decoded_object.status().ToString();
  EXPECT_TRUE(Same(object, *decoded_object));
  auto empty_object = DecodeObject(EncodeObject(ObjectRecord{}));
  ASSERT_TRUE(empty_object.ok());
  EXPECT_TRUE(Same(ObjectRecord{}, *empty_object));

  const Bucket bucket{.name = "b",
                      .region = "eu-west-1",
                      .owner = "u1",
                      .created_ms = std::numeric_limits<int64_t>::min(),
                      .policy = R"({"Statement":[]})",
                      .cors = R"([{"origins":["*"]}])",
                      .tagging = {{"k", "v"}, {"z", ""}}};
  auto decoded_bucket = DecodeBucket(EncodeBucket(bucket));
  ASSERT_TRUE(decoded_bucket.ok());
  EXPECT_EQ(decoded_bucket->name, bucket.name);
  EXPECT_EQ(decoded_bucket->region, bucket.region);
  EXPECT_EQ(decoded_bucket->owner, bucket.owner);
  EXPECT_EQ(decoded_bucket->created_ms, bucket.created_ms);
  EXPECT_EQ(decoded_bucket->policy, bucket.policy);
  EXPECT_EQ(decoded_bucket->cors, bucket.cors);
  EXPECT_EQ(decoded_bucket->tagging, bucket.tagging);

  const User user{.id = "u1",
                  .name = "alice",
                  .password_hash = "$argon2id$x",
                  .disabled = true,
                  .created_ms = std::numeric_limits<int64_t>::max()};
  auto decoded_user = DecodeUser(EncodeUser(user));
  ASSERT_TRUE(decoded_user.ok());
  EXPECT_EQ(*decoded_user, user);

  const AccessKey key{.access_key = "AKIA1",
                      .user_id = "u1",
                      .sealed_secret = std::string("\0sealed\xff", 8),
                      .disabled = true,
                      .created_ms = 17,
                      .description = "ci"};
  auto decoded_key = DecodeAccessKey(EncodeAccessKey(key));
  ASSERT_TRUE(decoded_key.ok());
  EXPECT_EQ(*decoded_key, key);

  const StoredPolicy policy{.name = "p", .document = "{}", .created_ms = 1, .updated_ms = 2};
  auto decoded_policy = DecodePolicy(EncodePolicy(policy));
  ASSERT_TRUE(decoded_policy.ok());
  EXPECT_EQ(*decoded_policy, policy);

  for (const std::vector<std::string>& names :
       {std::vector<std::string>{}, std::vector<std::string>{"a", "", "readonly"}}) {
    auto decoded = DecodeNames(EncodeNames(names));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, names);
  }
}

TEST(ValueCodecTest, NotFoundCarriesItsMessage) {
  const std::string payload = EncodeNotFound("no such key: b/k");
  std::string message;
  ASSERT_TRUE(IsNotFound(payload, &message));
  EXPECT_EQ(message, "no such key: b/k");
  EXPECT_FALSE(IsNotFound(EncodeUser(User{}), &message));
  EXPECT_FALSE(IsNotFound("", &message));
  EXPECT_EQ(DecodeUser(payload).status().code(), common::Code::kCorruption);
}

TEST(ValueCodecTest, RejectsWhatEncodeCannotProduce) {
  const std::string object = EncodeObject(FullObject());
  // The tag and the current format version.
  const std::string head = {kFoundTag, static_cast<char>(kFormatVersion)};
  std::vector<std::string> bad = {
      "",
      "+",
      std::string("+\x01", 2) + object.substr(2),  // an older format version
      std::string({kFoundTag, static_cast<char>(kFormatVersion + 1)}) + object.substr(2),
      object + "x",                                                            // trailing bytes
      head + std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10),      // varint > 64 bits
      head + std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11),  // too long
  };
  // Every strict prefix fails too (a short read anywhere).
  for (size_t size = 0; size < object.size(); size += 7) bad.push_back(object.substr(0, size));
  for (const std::string& payload : bad) {
    EXPECT_EQ(DecodeObject(payload).status().code(), common::Code::kCorruption)
        << "size " << payload.size();
  }
  // A bool that is not 0/1, and a huge element count.
  std::string user = EncodeUser(User{.id = "u"});
  user[2 + 2 + 1 + 1] = 2;  // tag, version, id "u" (2 bytes), name "", hash "": disabled
  EXPECT_EQ(DecodeUser(user).status().code(), common::Code::kCorruption);
  EXPECT_EQ(DecodeNames(head + std::string("\xff\xff\xff\x0f", 4)).status().code(),
            common::Code::kCorruption);
}

}  // namespace
}  // namespace strata::meta::cache::internal
