#include "auth/sigv4/signing_key_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "auth/sigv4/signing.h"

namespace strata::auth {
namespace {

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

TEST(SigningKeyCacheTest, AnswersWhatDeriveSigningKeyAnswers) {
  SigningKeyCache cache;
  const std::string expected = DeriveSigningKey(kSecret, "20130524", "us-east-1", "s3");
  EXPECT_EQ(cache.Get(kSecret, "20130524", "us-east-1", "s3"), expected);
  EXPECT_EQ(cache.Get(kSecret, "20130524", "us-east-1", "s3"), expected);  // from the cache
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SigningKeyCacheTest, EveryPartOfTheTupleNamesItsOwnKey) {
  SigningKeyCache cache;
  const std::string base = cache.Get(kSecret, "20130524", "us-east-1", "s3");
  // A rotated secret must never be served the old secret's key.
  EXPECT_EQ(cache.Get("another-secret", "20130524", "us-east-1", "s3"),
            DeriveSigningKey("another-secret", "20130524", "us-east-1", "s3"));
  EXPECT_EQ(cache.Get(kSecret, "20130525", "us-east-1", "s3"),
            DeriveSigningKey(kSecret, "20130525", "us-east-1", "s3"));
  EXPECT_EQ(cache.Get(kSecret, "20130524", "eu-west-1", "s3"),
            DeriveSigningKey(kSecret, "20130524", "eu-west-1", "s3"));
  EXPECT_EQ(cache.Get(kSecret, "20130524", "us-east-1", "iam"),
            DeriveSigningKey(kSecret, "20130524", "us-east-1", "iam"));
  // Parts shifted across the separators are still different tuples.
  EXPECT_EQ(cache.Get("s3", "20130524", "us-east-1", ""),
            DeriveSigningKey("s3", "20130524", "us-east-1", ""));
  // Parts holding NUL bytes (a presigned URL's region can: %00) neither.
  const std::string with_nul_region("us\0s3", 5);
  EXPECT_EQ(cache.Get(kSecret, "20130524", with_nul_region, ""),
            DeriveSigningKey(kSecret, "20130524", with_nul_region, ""));
  EXPECT_EQ(cache.Get(kSecret, "20130524", "us", std::string("s3\0", 3)),
            DeriveSigningKey(kSecret, "20130524", "us", std::string("s3\0", 3)));
  EXPECT_EQ(cache.size(), 8u);
  EXPECT_EQ(cache.Get(kSecret, "20130524", "us-east-1", "s3"), base);
}

TEST(SigningKeyCacheTest, StaysWithinItsCapacity) {
  SigningKeyCache cache(/*capacity=*/3);
  for (int day = 10; day < 20; ++day) {
    const std::string date = "201305" + std::to_string(day);
    EXPECT_EQ(cache.Get(kSecret, date, "us-east-1", "s3"),
              DeriveSigningKey(kSecret, date, "us-east-1", "s3"));
    EXPECT_LE(cache.size(), 3u);
  }
}

TEST(SigningKeyCacheTest, ConcurrentCallersAllGetTheRightKey) {
  SigningKeyCache cache(/*capacity=*/4);
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string secret = "secret-" + std::to_string((t + i) % 6);
        if (cache.Get(secret, "20130524", "us-east-1", "s3") !=
            DeriveSigningKey(secret, "20130524", "us-east-1", "s3")) {
          ++wrong[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(8, 0));
  EXPECT_LE(cache.size(), 4u);
}

}  // namespace
}  // namespace strata::auth
