#include "s3/handlers/object_headers.h"

#include <gtest/gtest.h>

namespace strata::s3 {
namespace {

TEST(ObjectHeadersTest, StoresMetadataAndDropsTransferEncodings) {
  http::Headers in;
  in.Add("Content-Type", "text/plain");
  in.Add("X-Amz-Meta-Color", "Blue");
  in.Add("x-amz-meta-", "nameless is ignored");
  in.Add("Content-Encoding", "aws-chunked,gzip");
  in.Add("Cache-Control", "max-age=60");
  in.Add("Authorization", "not stored");
  StoredHeaders stored = ReadStoredHeaders(in);
  EXPECT_EQ(stored.content_type, "text/plain");
  EXPECT_EQ(stored.user_metadata, (meta::MetadataPairs{{"color", "Blue"}}));
  EXPECT_EQ(stored.system_metadata,
            (meta::MetadataPairs{{"content-encoding", "gzip"}, {"cache-control", "max-age=60"}}));

  http::Headers two_lines;
  two_lines.Add("Content-Encoding", "aws-chunked");
  two_lines.Add("Content-Encoding", "gzip");
  EXPECT_EQ(ReadStoredHeaders(two_lines).system_metadata,
            (meta::MetadataPairs{{"content-encoding", "gzip"}}));

  http::Headers only_chunked;
  only_chunked.Add("Content-Encoding", "aws-chunked");
  EXPECT_TRUE(ReadStoredHeaders(only_chunked).system_metadata.empty());
}

TEST(ObjectHeadersTest, WritesObjectHeadersWithOverrides) {
  meta::ObjectRecord o;
  o.etag = "abc";
  o.content_type = "text/plain";
  o.last_modified_ms = 1440938160000;
  o.user_metadata = {{"color", "blue"}};
  o.system_metadata = {{"content-disposition", "inline"}};
  http::Headers out;
  WriteObjectHeaders(o, {{"response-content-type", "image/png"}}, out);
  EXPECT_EQ(out.Get("etag"), "\"abc\"");
  EXPECT_EQ(out.Get("last-modified"), "Sun, 30 Aug 2015 12:36:00 GMT");
  EXPECT_EQ(out.Get("content-type"), "image/png");
  EXPECT_EQ(out.Get("content-disposition"), "inline");
  EXPECT_EQ(out.Get("x-amz-meta-color"), "blue");
  EXPECT_FALSE(out.Has("x-amz-tagging-count"));  // no tags, no header

  o.tags = {{"a", "1"}, {"b", ""}};
  http::Headers tagged;
  WriteObjectHeaders(o, {}, tagged);
  EXPECT_EQ(tagged.Get("x-amz-tagging-count"), "2");
}

TEST(ObjectHeadersTest, ReadsConditionsAndIgnoresBadDates) {
  http::Headers in;
  in.Add("If-Match", "\"abc\"");
  in.Add("If-Modified-Since", "not a date");
  in.Add("x-amz-copy-source-if-none-match", "\"def\"");
  in.Add("x-amz-copy-source-if-unmodified-since", "Sun, 30 Aug 2015 12:36:00 GMT");
  auto plain = ReadConditionHeaders(in);
  EXPECT_EQ(plain.if_match, "\"abc\"");
  EXPECT_FALSE(plain.if_modified_since.has_value());
  EXPECT_FALSE(plain.if_none_match.has_value());
  auto copy = ReadConditionHeaders(in, "x-amz-copy-source-");
  EXPECT_EQ(copy.if_none_match, "\"def\"");
  EXPECT_EQ(copy.if_unmodified_since, 1440938160);
  EXPECT_FALSE(copy.if_match.has_value());
}

}  // namespace
}  // namespace strata::s3
