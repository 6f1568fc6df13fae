#include "auth/sigv4/payload_hash_reader.h"

#include <gtest/gtest.h>

#include "common/hash.h"

namespace strata::auth {
namespace {

using common::Code;

TEST(PayloadHashReaderTest, PassesBytesThroughAndEndsCleanWhenTheDigestMatches) {
  const std::string body = "Welcome to Amazon S3.";
  common::StringSource raw(body);
  PayloadHashReader reader(raw, common::Sha256Hex(body));
  std::string out;
  char buf[4];
  while (true) {
    auto n = reader.Read(buf);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    if (*n == 0) break;
    out.append(buf, *n);
  }
  EXPECT_EQ(out, body);
  EXPECT_EQ(*reader.Read(buf), 0u);
}

TEST(PayloadHashReaderTest, EmptyBody) {
  common::StringSource raw("");
  PayloadHashReader reader(raw, common::Sha256Hex(""));
  char buf[8];
  EXPECT_EQ(*reader.Read(buf), 0u);
}

TEST(PayloadHashReaderTest, MismatchIsReportedInsteadOfTheEndAndSticks) {
  const std::string body = "Welcome to Amazon S4.";
  common::StringSource raw(body);
  PayloadHashReader reader(raw, common::Sha256Hex("Welcome to Amazon S3."));
  std::string out;
  char buf[8];
  common::Status error;
  while (true) {
    auto n = reader.Read(buf);
    if (!n.ok()) {
      error = n.status();
      break;
    }
    ASSERT_NE(*n, 0u) << "the end must not be reported for a mismatching body";
    out.append(buf, *n);
  }
  EXPECT_EQ(out, body);
  EXPECT_EQ(error.code(), Code::kContentSha256Mismatch);
  EXPECT_EQ(reader.Read(buf).status().code(), Code::kContentSha256Mismatch);
}

}  // namespace
}  // namespace strata::auth
