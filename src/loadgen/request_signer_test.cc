// The load generator's signatures, checked by the server's own verifier.
#include "loadgen/request_signer.h"

#include <gtest/gtest.h>

#include "auth/credentials.h"
#include "auth/sigv4/verifier.h"
#include "common/clock.h"
#include "http/request.h"

namespace strata::loadgen {
namespace {

constexpr char kAccess[] = "AKIDEXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr int64_t kNow = 1796083200;  // 2026-12-01T00:00:00Z

http::Request Signed(RequestSigner& signer, std::string method, std::string path, std::string query,
                     std::string_view payload_hash) {
  http::Request r;
  r.method = method;
  r.path = path;
  r.query = query;
  r.target = query.empty() ? path : path + "?" + query;
  SignedHeaders sig = signer.Sign(method, path, query, "127.0.0.1:9000", payload_hash, kNow);
  r.headers.Add("Host", "127.0.0.1:9000");
  r.headers.Add("x-amz-content-sha256", payload_hash);
  r.headers.Add("x-amz-date", sig.amz_date);
  r.headers.Add("Authorization", sig.authorization);
  return r;
}

class RequestSignerTest : public ::testing::Test {
 protected:
  auth::StaticCredentialStore store_{{{kAccess, kSecret, "bench"}}};
  common::FixedClock clock_{kNow * 1000};
  auth::SigV4Verifier verifier_{store_, clock_};
};

TEST_F(RequestSignerTest, VerifierAcceptsWhatWeSign) {
  RequestSigner signer(kAccess, kSecret, "us-east-1");
  struct Case {
    const char* method;
    const char* path;
    const char* query;
    std::string_view payload;
  };
  const Case kCases[] = {
      {"PUT", "/bucket/prefix/obj-00000001", "", kUnsignedPayload},
      {"GET", "/bucket/a%20b/c%2Bd", "", kEmptyPayloadSha256},
      {"PUT", "/bucket", "", kEmptyPayloadSha256},
      {"HEAD", "/bucket/k", "", kEmptyPayloadSha256},
      {"DELETE", "/bucket/k", "", kEmptyPayloadSha256},
      {"GET", "/bucket", "list-type=2&max-keys=1000&prefix=bench-1%2F", kEmptyPayloadSha256},
  };
  for (const auto& c : kCases) {
    auto result = verifier_.Authenticate(Signed(signer, c.method, c.path, c.query, c.payload));
    ASSERT_TRUE(result.ok()) << c.method << " " << c.path << ": " << result.status().ToString();
    EXPECT_EQ(result->credential.user, "bench");
    EXPECT_EQ(result->region, "us-east-1");
  }
}

TEST_F(RequestSignerTest, WrongSecretIsRejected) {
  RequestSigner signer(kAccess, "not-the-secret", "us-east-1");
  auto result = verifier_.Authenticate(Signed(signer, "GET", "/bucket/k", "", kEmptyPayloadSha256));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), common::Code::kSignatureDoesNotMatch);
}

TEST_F(RequestSignerTest, RegionIsInTheScope) {
  RequestSigner signer(kAccess, kSecret, "eu-west-3");
  auto result = verifier_.Authenticate(Signed(signer, "GET", "/bucket/k", "", kEmptyPayloadSha256));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->region, "eu-west-3");
}

}  // namespace
}  // namespace strata::loadgen
