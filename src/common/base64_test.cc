#include "common/base64.h"

#include <gtest/gtest.h>

#include <string>

#include "common/hex.h"

namespace strata::common {
namespace {

TEST(Base64UrlTest, Rfc4648Vectors) {
  // RFC 4648 section 10, with the padding removed.
  const std::pair<std::string, std::string> kCases[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : kCases) {
    EXPECT_EQ(Base64UrlEncode(bytes), text);
    EXPECT_EQ(Base64UrlDecode(text), bytes) << text;
  }
}

TEST(Base64UrlTest, UsesTheUrlAlphabet) {
  std::string bytes = *HexDecode("fbff");  // "+/8=" in standard base64
  EXPECT_EQ(Base64UrlEncode(bytes), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), bytes);
}

TEST(Base64UrlTest, RoundTripsEveryByteAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes);
  }
}

TEST(Base64UrlTest, RejectsWhatItWouldNotProduce) {
  const char* kBad[] = {
      "Zg==",    // padding
      "Zm9v=",   // padding after a full group
      "Z",       // 1 mod 4
      "Zm9vY",   // 1 mod 4
      "+/8",     // standard alphabet
      "Zm 9v",   // whitespace
      "Zm9v\n",  // newline
      "Zh",      // non-zero unused bits ("Zg" is canonical)
      "Zm9",     // non-zero unused bits ("Zm8" is canonical)
      "Zm9v.",   // separator
  };
  for (const char* text : kBad) EXPECT_FALSE(Base64UrlDecode(text).has_value()) << text;
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).has_value());
}

}  // namespace
}  // namespace strata::common
