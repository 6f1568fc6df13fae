#include "auth/session/secret_box.h"

#include <gtest/gtest.h>

#include <string>

#include "common/base64.h"
#include "common/hex.h"

namespace strata::auth {
namespace {

using common::Code;

// Returns `bytes` for every request: a fixed nonce for known answers.
class FixedRandom : public common::Random {
 public:
  explicit FixedRandom(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string Bytes(size_t n) override { return bytes_.substr(0, n); }

 private:
  std::string bytes_;
};

SecretKey Key(uint8_t fill) {
  SecretKey key;
  key.fill(fill);
  return key;
}

// The box's bytes (nonce || ciphertext || tag) and back.
std::string Unwrap(const std::string& sealed) { return *common::Base64UrlDecode(sealed.substr(3)); }
std::string Wrap(const std::string& box) { return "v1." + common::Base64UrlEncode(box); }

void ExpectCorrupt(const SecretBox& box, std::string_view sealed, std::string_view aad) {
  auto opened = box.Open(sealed, aad);
  ASSERT_FALSE(opened.ok()) << sealed;
  EXPECT_EQ(opened.status().code(), Code::kCorruption) << sealed;
}

TEST(SecretBoxTest, RoundTrip) {
  SecretBox box(Key(7));
  common::SecureRandom random;
  for (const std::string& plain : {std::string(), std::string("s3cr3t/KEY+value"),
                                   std::string("\0\x01\xff", 3), std::string(100 * 1024, 'x')}) {
    std::string sealed = box.Seal(plain, "AKIDEXAMPLE", random);
    EXPECT_EQ(sealed.rfind("v1.", 0), 0u);
    EXPECT_EQ(Unwrap(sealed).size(), 12 + plain.size() + 16);
    auto opened = box.Open(sealed, "AKIDEXAMPLE");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plain);
  }
}

TEST(SecretBoxTest, KnownAnswer) {
  // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 14:
  // AES-256, zero key, zero 96-bit IV, one zero block, no associated data.
  SecretBox box(SecretKey{});
  FixedRandom zero_nonce(std::string(12, '\0'));
  std::string sealed = box.Seal(std::string(16, '\0'), "", zero_nonce);
  EXPECT_EQ(common::HexEncode(Unwrap(sealed)),
            "000000000000000000000000"
            "cea7403d4d606b6e074ec5d3baf39d18"
            "d0d1c8a799996bf0265b98b5d48ab919");
}

TEST(SecretBoxTest, TwoSealsOfTheSameTextDiffer) {
  SecretBox box(Key(7));
  common::SecureRandom random;
  std::string a = box.Seal("secret", "id", random);
  std::string b = box.Seal("secret", "id", random);
  EXPECT_NE(a, b);
  EXPECT_NE(Unwrap(a).substr(0, 12), Unwrap(b).substr(0, 12));
}

TEST(SecretBoxTest, WrongAssociatedDataOrKeyFails) {
  SecretBox box(Key(7));
  common::SecureRandom random;
  std::string sealed = box.Seal("secret", "AKID1", random);
  ExpectCorrupt(box, sealed, "AKID2");
  ExpectCorrupt(box, sealed, "");
  ExpectCorrupt(box, sealed, "AKID1 ");
  ExpectCorrupt(SecretBox(Key(8)), sealed, "AKID1");
  SecretKey one_bit = Key(7);
  one_bit[31] ^= 1;
  ExpectCorrupt(SecretBox(one_bit), sealed, "AKID1");
}

TEST(SecretBoxTest, AnyFlippedBitFails) {
  SecretBox box(Key(7));
  common::SecureRandom random;
  std::string sealed = box.Seal("a secret of some length", "id", random);
  std::string bytes = Unwrap(sealed);
  for (size_t i = 0; i < bytes.size(); ++i) {  // nonce, ciphertext and tag
    for (int bit : {0, 7}) {
      std::string altered = bytes;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      ExpectCorrupt(box, Wrap(altered), "id");
    }
  }
  ASSERT_TRUE(box.Open(Wrap(bytes), "id").ok());
}

TEST(SecretBoxTest, TruncatedOrExtendedFails) {
  SecretBox box(Key(7));
  common::SecureRandom random;
  std::string bytes = Unwrap(box.Seal("secret", "id", random));
  for (size_t keep : {bytes.size() - 1, size_t{28}, size_t{27}, size_t{12}, size_t{0}}) {
    ExpectCorrupt(box, Wrap(bytes.substr(0, keep)), "id");
  }
  ExpectCorrupt(box, Wrap(bytes + '\0'), "id");
  // An empty plaintext's box (nonce and tag only) still opens.
  std::string empty = box.Seal("", "id", random);
  EXPECT_EQ(Unwrap(empty).size(), 28u);
  EXPECT_TRUE(box.Open(empty, "id").ok());
}

TEST(SecretBoxTest, NotASealedSecretFails) {
  SecretBox box(Key(7));
  common::SecureRandom random;
  std::string sealed = box.Seal("secret", "id", random);
  std::string body = sealed.substr(3);
  const std::string kBad[] = {
      "",
      "v1.",
      "v1",
      body,  // no prefix
      "v2." + body,
      "V1." + body,
      "v1:" + body,
      " " + sealed,
      sealed + "=",
      sealed + " ",
      "v1." + std::string(body).replace(4, 1, "+"),
      "v1." + common::Base64Encode(Unwrap(sealed)),  // standard alphabet, padded
      "secret",
  };
  for (const std::string& bad : kBad) ExpectCorrupt(box, bad, "id");
  EXPECT_TRUE(box.Open(sealed, "id").ok());
}

}  // namespace
}  // namespace strata::auth
