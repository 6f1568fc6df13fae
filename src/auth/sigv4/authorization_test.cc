#include "auth/sigv4/authorization.h"

#include <gtest/gtest.h>

#include "auth/sigv4/canonical_request.h"
#include "auth/sigv4/payload.h"

namespace strata::auth {
namespace {

using common::Code;

constexpr char kSig[] = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

TEST(ParseAuthorizationHeaderTest, AcceptsTheSpellingsClientsSend) {
  const std::string cred = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
  const std::string sh = "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date";
  const std::string sig = std::string("Signature=") + kSig;
  for (const std::string& value : {
           "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig,
           "AWS4-HMAC-SHA256 " + cred + "," + sh + "," + sig,
           "AWS4-HMAC-SHA256  " + cred + " ,  " + sh + " , " + sig + "  ",
           "AWS4-HMAC-SHA256 " + cred + " " + sh + " " + sig,
           "AWS4-HMAC-SHA256 " + sig + ", " + cred + ", " + sh,
           "AWS4-HMAC-SHA256\t" + cred + ",\t" + sh + ",\t" + sig,
           "AWS4-HMAC-SHA256 Credential = AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
           "SignedHeaders= host;range;x-amz-content-sha256;x-amz-date, Signature =" +
               std::string(kSig),
           "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ",",
       }) {
    SCOPED_TRACE(value);
    auto claim = ParseAuthorizationHeader(value);
    ASSERT_TRUE(claim.ok()) << claim.status().ToString();
    EXPECT_EQ(claim->access_key, "AKIAIOSFODNN7EXAMPLE");
    EXPECT_EQ(claim->date, "20130524");
    EXPECT_EQ(claim->region, "us-east-1");
    EXPECT_EQ(claim->service, "s3");
    EXPECT_EQ(claim->signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
    EXPECT_EQ(claim->signed_header_names,
              (std::vector<std::string>{"host", "range", "x-amz-content-sha256", "x-amz-date"}));
    EXPECT_EQ(claim->signature, kSig);
    EXPECT_EQ(claim->Scope(), "20130524/us-east-1/s3/aws4_request");
  }
  // Upper-case hex is accepted and lower-cased; any region is accepted.
  auto claim = ParseAuthorizationHeader(
      "AWS4-HMAC-SHA256 Credential=AK/20130524/garage/s3/aws4_request, SignedHeaders=host, "
      "Signature=F0E8BDB87C964420E857BD35B5D6ED310BD44F0170ABA48DD91039C6036BDB41");
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(claim->signature, kSig);
  EXPECT_EQ(claim->region, "garage");
}

TEST(ParseAuthorizationHeaderTest, RejectsMalformedHeadersWithTheirCode) {
  const std::string good_cred =
      "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
  const std::string good_sig = std::string("Signature=") + kSig;
  struct Case {
    std::string value;
    Code code;
  };
  const std::vector<Case> cases = {
      {"", Code::kAuthorizationHeaderMalformed},
      {"   ", Code::kAuthorizationHeaderMalformed},
      // Other schemes.
      {"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", Code::kInvalidRequest},
      {"Bearer abc", Code::kInvalidRequest},
      {"AWS4-ECDSA-P256-SHA256 Credential=x", Code::kInvalidRequest},
      {"aws4-hmac-sha256 " + good_cred, Code::kInvalidRequest},
      // Broken SigV4.
      {"AWS4-HMAC-SHA256", Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256Credential=x", Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host",
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", " + good_sig, Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 SignedHeaders=host, " + good_sig, Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host, " + good_sig + ", " + good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host, " + good_sig + ", Foo=bar",
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host, " + good_sig + ", junk",
       Code::kAuthorizationHeaderMalformed},
      // Credential.
      {"AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3, SignedHeaders=host, " + good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, " +
           good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AK/2013052/us-east-1/s3/aws4_request, SignedHeaders=host, " +
           good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AK/2013O524/us-east-1/s3/aws4_request, SignedHeaders=host, " +
           good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AK/20130524//s3/aws4_request, SignedHeaders=host, " + good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/ec2/aws4_request, SignedHeaders=host, " +
           good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws5_request, SignedHeaders=host, " +
           good_sig,
       Code::kAuthorizationHeaderMalformed},
      // SignedHeaders.
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=x-amz-date, " + good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host;;x-amz-date, " + good_sig,
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=, " + good_sig,
       Code::kAuthorizationHeaderMalformed},
      // Signature.
      {"AWS4-HMAC-SHA256 " + good_cred +
           ", SignedHeaders=host, Signature=" + std::string(kSig).substr(1),
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host, Signature=" + std::string(63, 'a') +
           "g",
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host, Signature=",
       Code::kAuthorizationHeaderMalformed},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    auto claim = ParseAuthorizationHeader(c.value);
    ASSERT_FALSE(claim.ok());
    EXPECT_EQ(claim.status().code(), c.code) << claim.status().ToString();
  }
}

http::QueryParams Query(std::string_view raw) { return DecodeQuery(raw, false); }

constexpr char kPresignBase[] =
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-"
    "1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature="
    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

TEST(ParsePresignQueryTest, ParsesTheDocExample) {
  auto claim = ParsePresignQuery(Query(std::string(kPresignBase) + "&X-Amz-Expires=86400"), 604800);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->signature.access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(claim->signature.Scope(), "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(claim->amz_date, "20130524T000000Z");
  EXPECT_EQ(claim->time_s, 1369353600);
  EXPECT_EQ(claim->expires_s, 86400);
  EXPECT_EQ(claim->signature.signed_header_names, std::vector<std::string>{"host"});
  EXPECT_TRUE(HasPresignParams(Query(kPresignBase)));
  EXPECT_FALSE(HasPresignParams(Query("a=1&Signature=x")));
  EXPECT_TRUE(HasSigV2PresignParams(Query("AWSAccessKeyId=AK&Expires=1&Signature=x")));
}

TEST(ClaimedAccessKeyTest, FromTheHeaderOrTheQuery) {
  const struct {
    const char* authorization;  // nullptr: no header
    std::string query;
    const char* want;
  } cases[] = {
      {"AWS4-HMAC-SHA256 Credential=AKCLAIMED/20130524/us-east-1/s3/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
       "", "AKCLAIMED"},
      {nullptr, kPresignBase, "AKIAIOSFODNN7EXAMPLE"},
      // Only the credential must parse: a presigned URL missing its other
      // parameters still names its key.
      {nullptr, "X-Amz-Credential=AKQ%2F20130524%2Fus-east-1%2Fs3%2Faws4_request", "AKQ"},
      // The header wins, as in authentication (where both is an error).
      {"AWS4-HMAC-SHA256 Credential=AKH/20130524/us-east-1/s3/aws4_request, "
       "SignedHeaders=host, "
       "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
       kPresignBase, "AKH"},
      {nullptr, "", ""},
      {nullptr, "list-type=2", ""},
      {"AWS AKV2:c2lnbmF0dXJl", "", ""},
      {"Bearer abc", "", ""},
      {"AWS4-HMAC-SHA256 Credential=AK/2013/us-east-1/s3/aws4_request", "", ""},
      {nullptr, "X-Amz-Credential=AK%2Fbad", ""},
      // Two credentials: ambiguous, so none.
      {nullptr,
       "X-Amz-Credential=AK1%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
       "&X-Amz-Credential=AK2%2F20130524%2Fus-east-1%2Fs3%2Faws4_request",
       ""},
      {nullptr, "X-Amz-Credential=%zz", ""},
  };
  for (const auto& c : cases) {
    http::Request request;
    if (c.authorization != nullptr) request.headers.Set("Authorization", c.authorization);
    request.query = c.query;
    EXPECT_EQ(ClaimedAccessKey(request), c.want)
        << (c.authorization ? c.authorization : "") << " ? " << c.query;
  }
}

TEST(ParsePresignQueryTest, RejectsBadParameters) {
  const std::string base = kPresignBase;
  auto replace = [&](std::string from, std::string to) {
    std::string q = base + "&X-Amz-Expires=60";
    q.replace(q.find(from), from.size(), to);
    return q;
  };
  const std::vector<std::string> bad = {
      base,  // no X-Amz-Expires
      base + "&X-Amz-Expires=604801",
      base + "&X-Amz-Expires=0",
      base + "&X-Amz-Expires=-1",
      base + "&X-Amz-Expires=abc",
      base + "&X-Amz-Expires=",
      base + "&X-Amz-Expires=60&X-Amz-Expires=60",
      replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"),
      replace("20130524T000000Z", "2013-05-24T00:00:00Z"),
      replace("%2Fs3%2F", "%2Fsqs%2F"),
      replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date"),
      replace("X-Amz-Signature=aeeed9bb", "X-Amz-Signature=zzzzzzzz"),
      replace("&X-Amz-Date=20130524T000000Z", ""),
  };
  for (const auto& q : bad) {
    SCOPED_TRACE(q);
    auto claim = ParsePresignQuery(Query(q), 604800);
    ASSERT_FALSE(claim.ok());
    EXPECT_EQ(claim.status().code(), Code::kAuthorizationQueryParametersError);
  }
  EXPECT_TRUE(ParsePresignQuery(Query(base + "&X-Amz-Expires=604800"), 604800).ok());
}

TEST(ParsePayloadClaimTest, KnownLiteralsAndDigests) {
  EXPECT_EQ(ParsePayloadClaim("UNSIGNED-PAYLOAD")->kind, PayloadKind::kUnsigned);
  EXPECT_EQ(ParsePayloadClaim("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")->kind,
            PayloadKind::kStreamingSigned);
  EXPECT_EQ(ParsePayloadClaim("STREAMING-UNSIGNED-PAYLOAD-TRAILER")->kind,
            PayloadKind::kStreamingUnsignedTrailer);
  EXPECT_EQ(ParsePayloadClaim("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")->kind,
            PayloadKind::kStreamingSignedTrailer);
  auto digest =
      ParsePayloadClaim("44CE7DD67C959E0D3524FFAC1771DFBBA87D2B6B4B4E99E42034A8B803F8B072");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->kind, PayloadKind::kSha256);
  EXPECT_EQ(digest->sha256_hex, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  for (const char* bad : {"", "unsigned-payload", "abc", "STREAMING-AWS4-HMAC-SHA256",
                          "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b07g"}) {
    EXPECT_EQ(ParsePayloadClaim(bad).status().code(), Code::kInvalidContentSha256) << bad;
  }
  EXPECT_EQ(ParsePayloadClaim("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD").status().code(),
            Code::kNotImplemented);
}

}  // namespace
}  // namespace strata::auth
