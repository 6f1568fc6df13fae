#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/byte_stream.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/result.h"
#include "common/status.h"
#include "common/time_format.h"

namespace strata::common {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Error(Code::kInvalidArgument, "odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  STRATA_ASSIGN_OR_RETURN(int half, Half(x));
  STRATA_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, OkAndError) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Error(Code::kNoSuchKey, "gone");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kNoSuchKey);
  EXPECT_EQ(s.ToString(), "NoSuchKey: gone");
  Status copy = s;
  EXPECT_EQ(copy.message(), "gone");
}

TEST(ResultTest, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(HashTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(HashTest, MoreKnownAnswers) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  Digest sha1(Digest::Algorithm::kSha1);
  sha1.Update("a");
  sha1.Update("bc");
  EXPECT_EQ(HexEncode(sha1.Finish()), "a9993e364706816aba3e25717850c26c9cd0d89d");
  Digest sha256(Digest::Algorithm::kSha256);
  sha256.Update("ab");
  sha256.Update("c");
  EXPECT_EQ(HexEncode(sha256.Finish()), Sha256Hex("abc"));
  // RFC 4231 test cases 1 and 6 (a key longer than SHA-256's block), and
  // the empty key.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// HMACs reuse one context per thread, re-keyed per call: no call may see
// another's key, on this thread or another.
TEST(HashTest, HmacKeysDoNotLeakBetweenCallsOrThreads) {
  const std::string jefe = HexEncode(HmacSha256("Jefe", "what do ya want for nothing?"));
  const std::string long_key =
      HexEncode(HmacSha256(std::string(131, '\xaa'), "what do ya want for nothing?"));
  EXPECT_NE(jefe, long_key);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (HexEncode(HmacSha256(std::string(131, '\xaa'), "what do ya want for nothing?")) !=
                long_key ||
            HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")) != jefe) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(HexTest, RoundTripsAndRejects) {
  EXPECT_EQ(HexDecode("00ff10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("0").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
  EXPECT_EQ(Base64Encode(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(Base64Decode("1B2M2Y8AsgTpgAmY7PhCfg=="), Md5(""));
  EXPECT_EQ(Base64Decode("YQ=="), "a");
  EXPECT_FALSE(Base64Decode("YQ=").has_value());
  EXPECT_FALSE(Base64Decode("Y!==").has_value());
}

TEST(TimeFormatTest, FormatsAndParses) {
  EXPECT_EQ(FormatAmzDate(1440938160), "20150830T123600Z");
  EXPECT_EQ(FormatHttpDate(1440938160), "Sun, 30 Aug 2015 12:36:00 GMT");
  EXPECT_EQ(FormatIso8601Millis(1440938160123), "2015-08-30T12:36:00.123Z");
  EXPECT_EQ(ParseAmzDate("20150830T123600Z"), 1440938160);
  EXPECT_FALSE(ParseAmzDate("2015-08-30T12:36:00Z").has_value());
  EXPECT_EQ(ParseHttpDate("Sun, 30 Aug 2015 12:36:00 GMT"), 1440938160);
  EXPECT_EQ(ParseHttpDate("2015-08-30T12:36:00.000Z"), 1440938160);
  EXPECT_FALSE(ParseHttpDate("yesterday").has_value());
}

TEST(TimeFormatTest, ParsesRfc3339) {
  const struct {
    const char* text;
    int64_t want;
  } good[] = {
      {"2015-08-30T12:36:00Z", 1440938160000},
      {"2015-08-30T12:36:00.123Z", 1440938160123},
      {"2015-08-30T12:36:00.1Z", 1440938160100},
      {"2015-08-30T12:36:00.123999Z", 1440938160123},
      {"2015-08-30t12:36:00z", 1440938160000},
      {"2015-08-30 12:36:00Z", 1440938160000},
      {"2015-08-30T14:36:00+02:00", 1440938160000},
      {"2015-08-30T07:06:00-05:30", 1440938160000},
      {"1970-01-01T00:00:00Z", 0},
      {"2024-02-29T00:00:00Z", 1709164800000},
      {"2000-02-29T00:00:00Z", 951782400000},
      {"9999-12-31T23:59:59.999Z", 253402300799999},
  };
  for (const auto& c : good) EXPECT_EQ(ParseRfc3339Millis(c.text), c.want) << c.text;
  for (const char* bad : {"",
                          "2015-08-30",
                          "2015-08-30T12:36:00",
                          "2015-08-30T12:36Z",
                          "2015-08-30T12:36:00.Z",
                          "2015-08-30T12:36:00+0200",
                          "2015-08-30T12:36:00+24:00",
                          "2015-13-01T00:00:00Z",
                          "2015-02-29T00:00:00Z",
                          "1900-02-29T00:00:00Z",
                          "2015-04-31T00:00:00Z",
                          "2015-08-30T24:00:00Z",
                          "2015-08-30T12:60:00Z",
                          "1969-12-31T23:59:59Z",
                          "2015-08-30X12:36:00Z",
                          "+2015-08-30T12:36:00Z",
                          "2015-08-30T12:36:00ZZ",
                          "20150830T123600Z",
                          "1440938160000",
                          "yesterday"}) {
    EXPECT_FALSE(ParseRfc3339Millis(bad).has_value()) << bad;
  }
}

TEST(ByteStreamTest, ReadAllHonoursLimit) {
  StringSource small("hello");
  EXPECT_EQ(*ReadAll(small, 10), "hello");
  StringSource big("hello world");
  EXPECT_EQ(ReadAll(big, 5).status().code(), Code::kEntityTooLarge);
}

}  // namespace
}  // namespace strata::common
