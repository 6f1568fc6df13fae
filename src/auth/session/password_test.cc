#include "auth/session/password.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::auth {
namespace {

// Small enough that the whole suite hashes in milliseconds.
constexpr PasswordCost kCheap{.memory_kib = 256, .passes = 1, .lanes = 1};

std::string Hash(std::string_view password, const PasswordCost& cost = kCheap) {
  common::SecureRandom random;
  auto hash = HashPassword(password, random, cost);
  EXPECT_TRUE(hash.ok()) << hash.status().ToString();
  return hash.ok() ? *hash : std::string();
}

TEST(PasswordTest, HashVerifies) {
  std::string hash = Hash("correct horse battery staple");
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
}

TEST(PasswordTest, WrongPasswordDoesNotVerify) {
  std::string hash = Hash("correct horse battery staple");
  for (std::string_view wrong : {"correct horse battery stapl", "correct horse battery staplE",
                                 "correct horse battery staple ", "x", ""}) {
    EXPECT_FALSE(VerifyPassword(hash, wrong)) << wrong;
  }
}

TEST(PasswordTest, CostTravelsInTheEncodedHash) {
  std::string hash = Hash("pw", {.memory_kib = 512, .passes = 2, .lanes = 2});
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=512,t=2,p=2$", 0), 0u) << hash;
  // Verification reads the cost from the hash, not from any default.
  EXPECT_TRUE(VerifyPassword(hash, "pw"));
  EXPECT_EQ(Hash("pw").rfind("$argon2id$v=19$m=256,t=1,p=1$", 0), 0u);
}

TEST(PasswordTest, SaltMakesEachHashDifferent) {
  std::string a = Hash("same");
  std::string b = Hash("same");
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword(a, "same"));
  EXPECT_TRUE(VerifyPassword(b, "same"));
}

TEST(PasswordTest, PasswordLengthLimits) {
  common::SecureRandom random;
  auto empty = HashPassword("", random, kCheap);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), common::Code::kInvalidArgument);
  auto too_long = HashPassword(std::string(1025, 'a'), random, kCheap);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), common::Code::kInvalidArgument);

  std::string longest(1024, 'a');
  std::string hash = Hash(longest);
  EXPECT_TRUE(VerifyPassword(hash, longest));
  EXPECT_FALSE(VerifyPassword(hash, longest + "a"));
  // Bytes, not text: NULs and non-UTF-8 are part of the password.
  std::string binary("a\0b\xff", 4);
  std::string binary_hash = Hash(binary);
  EXPECT_TRUE(VerifyPassword(binary_hash, binary));
  EXPECT_FALSE(VerifyPassword(binary_hash, "a"));
}

TEST(PasswordTest, InvalidCostIsInternal) {
  common::SecureRandom random;
  auto hash = HashPassword("pw", random, {.memory_kib = 1, .passes = 1, .lanes = 1});
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.status().code(), common::Code::kInternal);
}

TEST(PasswordTest, GarbageHashesVerifyNothing) {
  std::string good = Hash("pw");
  std::string salt_and_hash = good.substr(good.rfind("$", good.rfind("$") - 1));
  std::string flipped = good;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  const std::string kBad[] = {
      "",
      "pw",
      "garbage",
      "$argon2id$",
      "$argon2id$v=19$m=256,t=1,p=1$",
      good.substr(0, good.size() - 4),              // truncated hash
      good + "AAAA",                                // longer hash
      flipped,                                      // altered hash
      std::string(good).replace(1, 8, "argon2i "),  // other variants
      "$argon2i$" + good.substr(10),
      "$argon2d$" + good.substr(10),
      "$argon2id$v=16$m=256,t=1,p=1" + salt_and_hash,
      "$argon2id$m=256,t=1,p=1" + salt_and_hash,  // no version
      good + std::string(1, '\0'),
      std::string(good).insert(5, 1, '\0'),
      // Costs past the ceilings are refused before argon2 allocates anything.
      "$argon2id$v=19$m=4194304,t=1,p=1" + salt_and_hash,
      "$argon2id$v=19$m=256,t=1000000,p=1" + salt_and_hash,
      "$argon2id$v=19$m=256,t=1,p=255" + salt_and_hash,
      "$argon2id$v=19$m=99999999999,t=1,p=1" + salt_and_hash,
      "$argon2id$v=19$m=-1,t=1,p=1" + salt_and_hash,
  };
  for (const std::string& bad : kBad) EXPECT_FALSE(VerifyPassword(bad, "pw")) << bad;
  EXPECT_TRUE(VerifyPassword(good, "pw"));
}

TEST(PasswordTest, DecoyHashVerifiesNothingUseful) {
  const std::string& decoy = DecoyPasswordHash();
  // A real hash at the default cost, so checking it costs what a real check does.
  EXPECT_EQ(decoy.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << decoy;
  EXPECT_EQ(&DecoyPasswordHash(), &decoy);  // computed once
  for (std::string_view guess : {"", "password", "admin", "root", "decoy", "strata"}) {
    EXPECT_FALSE(VerifyPassword(decoy, guess)) << guess;
  }
  EXPECT_FALSE(VerifyPassword(decoy, decoy));
}

}  // namespace
}  // namespace strata::auth
