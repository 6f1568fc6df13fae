#include "s3/tagging.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::s3 {
namespace {

using common::Code;

TagSet Many(size_t n) {
  TagSet tags;
  for (size_t i = 0; i < n; ++i) tags.emplace_back("k" + std::to_string(i), "v");
  return tags;
}

TEST(ValidateTagSetTest, Good) {
  const std::string k128(128, 'k');
  const std::string v256(256, 'v');
  const TagSet kCases[] = {
      {},
      {{"a", ""}},
      {{"Project", "Blue"}, {"cost-center", "12.5"}},
      {{"all the symbols", "+-=._:/@ and spaces"}},
      {{k128, v256}},
      {{"Ünïcødé", "値 🎉"}},                   // letters outside ASCII
      {{std::string(64, 'x') + "🎉🎉🎉🎉", "v"}},  // 64 + 4 * 2 UTF-16 units
      {{"aws", "not the prefix"}, {"aw:s", "nor this"}},
      Many(10),
  };
  for (const TagSet& tags : kCases) {
    common::Status status = ValidateTagSet(tags, TagTarget::kObject);
    EXPECT_TRUE(status.ok()) << (tags.empty() ? "" : tags[0].first) << ": " << status.ToString();
  }
  EXPECT_TRUE(ValidateTagSet(Many(50), TagTarget::kBucket).ok());
}

TEST(ValidateTagSetTest, Bad) {
  struct Case {
    const char* name;
    TagSet tags;
    TagTarget target;
    Code code;
    std::string_view message;
  };
  const std::string key_invalid = "The TagKey you have provided is invalid";
  const std::string value_invalid = "The TagValue you have provided is invalid";
  const Case kCases[] = {
      {"11 object tags", Many(11), TagTarget::kObject, Code::kBadRequest,
       "Object tags cannot be greater than 10"},
      {"51 bucket tags", Many(51), TagTarget::kBucket, Code::kBadRequest,
       "Bucket tag count cannot be greater than 50"},
      {"empty key", {{"", "v"}}, TagTarget::kObject, Code::kInvalidTag, key_invalid},
      {"129-character key",
       {{std::string(129, 'k'), "v"}},
       TagTarget::kObject,
       Code::kInvalidTag,
       key_invalid},
      {"key over 128 UTF-16 units",
       {{std::string(125, 'k') + "🎉🎉", "v"}},
       TagTarget::kBucket,
       Code::kInvalidTag,
       key_invalid},
      {"257-character value",
       {{"k", std::string(257, 'v')}},
       TagTarget::kObject,
       Code::kInvalidTag,
       value_invalid},
      {"key with '*'", {{"a*b", "v"}}, TagTarget::kObject, Code::kInvalidTag, key_invalid},
      {"key with brackets",
       {{"TagSet=[{Key", "v"}},
       TagTarget::kObject,
       Code::kInvalidTag,
       key_invalid},
      {"key with CR LF", {{"a\r\nb", "v"}}, TagTarget::kObject, Code::kInvalidTag, key_invalid},
      {"key with tab", {{"a\tb", "v"}}, TagTarget::kObject, Code::kInvalidTag, key_invalid},
      {"key with NUL",
       {{std::string("a\0b", 3), "v"}},
       TagTarget::kObject,
       Code::kInvalidTag,
       key_invalid},
      {"value with LF", {{"k", "a\nb"}}, TagTarget::kObject, Code::kInvalidTag, value_invalid},
      {"value with '&'", {{"k", "a&b"}}, TagTarget::kObject, Code::kInvalidTag, value_invalid},
      {"value with C1 control",
       {{"k", "a\xc2\x85"}},
       TagTarget::kObject,
       Code::kInvalidTag,
       value_invalid},
      {"value with zero-width space",
       {{"k", "a\xe2\x80\x8b"}},
       TagTarget::kObject,
       Code::kInvalidTag,
       value_invalid},
      {"key not UTF-8", {{"\xff", "v"}}, TagTarget::kObject, Code::kInvalidTag, key_invalid},
      {"value overlong UTF-8",
       {{"k", "\xc0\xaf"}},
       TagTarget::kObject,
       Code::kInvalidTag,
       value_invalid},
      {"aws: prefix",
       {{"aws:cloudformation:stack", "x"}},
       TagTarget::kBucket,
       Code::kInvalidTag,
       "Your TagKey cannot be prefixed with aws:"},
      {"AWS: prefix",
       {{"AWS:x", "x"}},
       TagTarget::kObject,
       Code::kInvalidTag,
       "Your TagKey cannot be prefixed with aws:"},
      {"duplicate keys",
       {{"k", "1"}, {"j", "2"}, {"k", "3"}},
       TagTarget::kObject,
       Code::kInvalidTag,
       "Cannot provide multiple Tags with the same key"},
  };
  for (const Case& c : kCases) {
    common::Status status = ValidateTagSet(c.tags, c.target);
    EXPECT_EQ(status.code(), c.code) << c.name << ": " << status.ToString();
    EXPECT_EQ(status.message(), c.message) << c.name;
  }
}

TEST(ParseTaggingHeaderTest, Good) {
  const std::pair<std::string_view, TagSet> kCases[] = {
      {"", {}},
      {"a=1", {{"a", "1"}}},
      {"tag1=value1&tag2=value2", {{"tag1", "value1"}, {"tag2", "value2"}}},
      {"foo=bar&bar", {{"foo", "bar"}, {"bar", ""}}},  // no '=': the empty value
      {"k=", {{"k", ""}}},
      {"a+b=c+d", {{"a b", "c d"}}},          // form encoding: '+' is a space
      {"a%2Bb=c%3Dd%2F", {{"a+b", "c=d/"}}},  // escaped '+', '=', '/'
      {"k=%E5%80%A4%20%F0%9F%8E%89", {{"k", "値 🎉"}}},
      {"&a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},  // empty parts skipped
      {"b=2&a=1", {{"b", "2"}, {"a", "1"}}},     // order kept
  };
  for (const auto& [header, tags] : kCases) {
    common::Result<TagSet> parsed = ParseTaggingHeader(header);
    ASSERT_TRUE(parsed.ok()) << header << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, tags) << header;
  }
}

TEST(ParseTaggingHeaderTest, Bad) {
  const std::string bad_header =
      "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
      "without tag name duplicates.";
  const std::tuple<std::string, Code, std::string> kCases[] = {
      {"TagSet=[{Key=string,Value=string}]", Code::kInvalidArgument, bad_header},
      {"a=b=c", Code::kInvalidArgument, bad_header},
      {"a=%ZZ", Code::kInvalidArgument, bad_header},
      {"a%4=1", Code::kInvalidArgument, bad_header},
      {"a=1&a=2", Code::kInvalidArgument, bad_header},
      {"a=1&a", Code::kInvalidArgument, bad_header},
      {"TagSet%3D%5B%7BKey%3Dstring%2CValue%3Dstring%7D%5D", Code::kInvalidTag,
       "The TagKey you have provided is invalid"},
      {"=v", Code::kInvalidTag, "The TagKey you have provided is invalid"},
      {"k=%0D%0AX-Injected:%201", Code::kInvalidTag, "The TagValue you have provided is invalid"},
      {"k=%FF", Code::kInvalidTag, "The TagValue you have provided is invalid"},
      {"k=a%26b", Code::kInvalidTag, "The TagValue you have provided is invalid"},
      {"aws%3Ax=1", Code::kInvalidTag, "Your TagKey cannot be prefixed with aws:"},
      {"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11", Code::kBadRequest,
       "Object tags cannot be greater than 10"},
  };
  for (const auto& [header, code, message] : kCases) {
    common::Result<TagSet> parsed = ParseTaggingHeader(header);
    EXPECT_EQ(parsed.status().code(), code) << header << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed.status().message(), message) << header;
  }
}

}  // namespace
}  // namespace strata::s3
