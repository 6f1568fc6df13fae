#include "meta/cache/internal/redis_url.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::meta::cache::internal {
namespace {

struct Good {
  std::string url;
  RedisEndpoint want;
};

TEST(RedisUrlTest, ParsesEveryAcceptedForm) {
  const Good cases[] = {
      {"redis://127.0.0.1:6380", {.host = "127.0.0.1", .port = 6380}},
      {"redis://cache", {.host = "cache", .port = 6379}},
      {"redis://cache/", {.host = "cache"}},
      {"redis://cache:7000/3", {.host = "cache", .port = 7000, .db = 3}},
      {"redis://:s3cret@cache:7000", {.host = "cache", .port = 7000, .password = "s3cret"}},
      {"redis://s3cret@cache", {.host = "cache", .password = "s3cret"}},
      {"redis://app:pw@cache/1", {.host = "cache", .user = "app", .password = "pw", .db = 1}},
      {"redis://:p%40ss%3Aw@cache", {.host = "cache", .password = "p@ss:w"}},
      {"redis://:a@b@cache", {.host = "cache", .password = "a@b"}},
      {"redis://[::1]:6390", {.host = "::1", .port = 6390}},
      {"redis://[::1]", {.host = "::1"}},
  };
  for (const Good& c : cases) {
    auto parsed = ParseRedisUrl(c.url);
    ASSERT_TRUE(parsed.ok()) << c.url << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, c.want) << c.url;
  }
}

TEST(RedisUrlTest, RejectsBadUrls) {
  const char* bad[] = {
      "",
      "cache:6379",
      "http://cache",
      "rediss://cache",
      "redis://",
      "redis://:6379",
      "redis://cache:",
      "redis://cache:0",
      "redis://cache:65536",
      "redis://cache:port",
      "redis://cache:63x9",
      "redis://cache/db",
      "redis://cache/-1",
      "redis://cache?timeout=1",
      "redis://cache#frag",
      "redis://:%zz@cache",
      "redis://:%4@cache",
      "redis://[::1",
      "redis://[::1]x",
      "redis://[::1]:",
  };
  for (const char* url : bad) {
    auto parsed = ParseRedisUrl(url);
    EXPECT_FALSE(parsed.ok()) << url;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), common::Code::kInvalidArgument) << url;
    }
  }
}

}  // namespace
}  // namespace strata::meta::cache::internal
