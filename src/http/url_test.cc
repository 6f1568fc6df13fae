#include "http/url.h"

#include <gtest/gtest.h>

#include "http/headers.h"

namespace strata::http {
namespace {

TEST(UrlTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_FALSE(PercentDecode("%").has_value());
  EXPECT_FALSE(PercentDecode("%2").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
}

TEST(UrlTest, UriEncode) {
  EXPECT_EQ(UriEncode("a b/c~d", false), "a%20b%2Fc~d");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xc3\xa9", false), "%C3%A9");
}

TEST(UrlTest, ParseQuery) {
  auto q = ParseQuery("list-type=2&prefix=a%2Fb&delete");
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ(*FindParam(*q, "prefix"), "a/b");
  EXPECT_EQ(*FindParam(*q, "delete"), "");
  EXPECT_EQ(FindParam(*q, "missing"), nullptr);
  EXPECT_TRUE(ParseQuery("")->empty());
  EXPECT_FALSE(ParseQuery("a=%G0").has_value());
}

TEST(HeadersTest, CaseInsensitive) {
  Headers h;
  h.Add("Content-Type", "text/plain");
  h.Add("X-Amz-Meta-A", "1");
  h.Add("x-amz-meta-a", "2");
  EXPECT_EQ(h.Get("content-type"), "text/plain");
  EXPECT_EQ(h.GetJoined("X-AMZ-META-A"), "1,2");
  h.Set("x-amz-meta-a", "3");
  EXPECT_EQ(h.GetJoined("x-amz-meta-a"), "3");
  EXPECT_EQ(h.entries()[0].first, "content-type");
}

}  // namespace
}  // namespace strata::http
