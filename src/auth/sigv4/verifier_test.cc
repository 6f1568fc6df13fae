#include "auth/sigv4/verifier.h"

#include <gtest/gtest.h>

#include "auth/sigv4/test_signer.h"
#include "auth/sigv4/test_vectors.h"
#include "common/hash.h"
#include "common/time_format.h"

namespace strata::auth {
namespace {

using common::Code;
using test_signer::kDocAccessKey;
using test_signer::kDocAmzDate;
using test_signer::kDocSecretKey;
using test_signer::kDocTimeMs;
using test_signer::kEmptySha256;
using test_signer::MakeRequest;
using test_signer::SignSpec;

constexpr int64_t kMinuteMs = 60 * 1000;

struct Drained {
  std::string data;
  common::Status status;
};

Drained Drain(common::ByteSource& source) {
  Drained d;
  char buf[5000];
  while (true) {
    auto n = source.Read(buf);
    if (!n.ok()) {
      d.status = n.status();
      return d;
    }
    if (*n == 0) return d;
    d.data.append(buf, *n);
  }
}

class VerifierTest : public ::testing::Test {
 protected:
  common::Result<AuthResult> Auth(const http::Request& r) { return verifier_.Authenticate(r); }

  Code AuthCode(const http::Request& r) {
    auto result = verifier_.Authenticate(r);
    return result.ok() ? Code::kOk : result.status().code();
  }

  // Authenticates r, then reads body through VerifiedBody.
  Drained AuthAndRead(const http::Request& r, const std::string& body,
                      const http::Headers** trailers = nullptr) {
    auto auth = verifier_.Authenticate(r);
    if (!auth.ok()) return {"", auth.status()};
    body_bytes_ = body;
    raw_ = std::make_unique<common::StringSource>(body_bytes_);
    auto source = verifier_.VerifiedBody(*auth, r, *raw_);
    if (!source.ok()) return {"", source.status()};
    body_ = std::move(*source);
    Drained d = Drain(*body_);
    if (trailers != nullptr) *trailers = BodyTrailers(*body_);
    return d;
  }

  StaticCredentialStore store_{{{kDocAccessKey, kDocSecretKey, "alice"}}};
  common::FixedClock clock_{kDocTimeMs};
  SigV4Verifier verifier_{store_, clock_};
  std::string body_bytes_;  // raw_ reads from it
  std::unique_ptr<common::StringSource> raw_;
  std::unique_ptr<common::ByteSource> body_;
};

std::string DocAuthorization(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
         "SignedHeaders=" +
         std::string(signed_headers) + ",Signature=" + std::string(signature);
}

// --- The AWS documented examples, exact. -------------------------------------

http::Request DocGetObject() {
  return MakeRequest(
      "GET", "/test.txt",
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Range", "bytes=0-9"},
       {"x-amz-content-sha256", kEmptySha256},
       {"x-amz-date", kDocAmzDate},
       {"Authorization", DocAuthorization("host;range;x-amz-content-sha256;x-amz-date",
                                          "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6"
                                          "036bdb41")}});
}

TEST_F(VerifierTest, AwsDocGetObject) {
  auto auth = Auth(DocGetObject());
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_FALSE(auth->anonymous);
  EXPECT_FALSE(auth->presigned);
  EXPECT_EQ(auth->credential.user, "alice");
  EXPECT_EQ(auth->credential.access_key, kDocAccessKey);
  EXPECT_EQ(auth->region, "us-east-1");
  EXPECT_EQ(auth->payload, PayloadKind::kSha256);
  EXPECT_EQ(auth->payload_sha256_hex, kEmptySha256);
  EXPECT_EQ(auth->scope, "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(auth->amz_date, kDocAmzDate);
  Drained d = AuthAndRead(DocGetObject(), "");
  EXPECT_TRUE(d.status.ok()) << d.status.ToString();
}

http::Request DocPutObject(std::string path = "/test%24file.text") {
  return MakeRequest(
      "PUT", path,
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
       {"x-amz-date", kDocAmzDate},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
       {"Authorization",
        DocAuthorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                         "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")}});
}

TEST_F(VerifierTest, AwsDocPutObjectWithPayload) {
  Drained d = AuthAndRead(DocPutObject(), "Welcome to Amazon S3.");
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.data, "Welcome to Amazon S3.");
  // '$' unescaped on the wire: the client signed %24 all the same.
  d = AuthAndRead(DocPutObject("/test$file.text"), "Welcome to Amazon S3.");
  EXPECT_TRUE(d.status.ok()) << d.status.ToString();
}

TEST_F(VerifierTest, PayloadHashMismatchIsDetectedAtTheEndOfTheBody) {
  Drained d = AuthAndRead(DocPutObject(), "Welcome to Amazon S4.");
  EXPECT_EQ(d.status.code(), Code::kContentSha256Mismatch);
  EXPECT_EQ(d.data, "Welcome to Amazon S4.") << "bytes pass; the end is refused";
}

TEST_F(VerifierTest, AwsDocBucketQueries) {
  auto lifecycle = MakeRequest(
      "GET", "/?lifecycle",
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"x-amz-date", kDocAmzDate},
       {"x-amz-content-sha256", kEmptySha256},
       {"Authorization",
        DocAuthorization("host;x-amz-content-sha256;x-amz-date",
                         "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")}});
  EXPECT_EQ(AuthCode(lifecycle), Code::kOk);
  auto list = MakeRequest(
      "GET", "/?max-keys=2&prefix=J",
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"x-amz-date", kDocAmzDate},
       {"x-amz-content-sha256", kEmptySha256},
       {"Authorization",
        DocAuthorization("host;x-amz-content-sha256;x-amz-date",
                         "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")}});
  EXPECT_EQ(AuthCode(list), Code::kOk);
}

http::Request DocPresignedGet() {
  return MakeRequest(
      "GET",
      "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524"
      "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-"
      "SignedHeaders=host&X-Amz-Signature="
      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
      {{"Host", "examplebucket.s3.amazonaws.com"}});
}

TEST_F(VerifierTest, AwsDocPresignedGet) {
  auto auth = Auth(DocPresignedGet());
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_TRUE(auth->presigned);
  EXPECT_EQ(auth->payload, PayloadKind::kUnsigned);
  EXPECT_EQ(auth->credential.user, "alice");
  EXPECT_EQ(auth->region, "us-east-1");
  Drained d = AuthAndRead(DocPresignedGet(), "anything");
  EXPECT_TRUE(d.status.ok());
  EXPECT_EQ(d.data, "anything");
}

TEST_F(VerifierTest, PresignedUrlLifetime) {
  struct Case {
    int64_t now_ms;
    Code code;
  };
  const Case cases[] = {
      {kDocTimeMs + 86400 * 1000, Code::kOk},  // the last valid moment
      {kDocTimeMs + 86400 * 1000 + 1, Code::kExpiredPresignedRequest},
      {kDocTimeMs + 30 * 86400 * 1000LL, Code::kExpiredPresignedRequest},
      {kDocTimeMs - 14 * kMinuteMs, Code::kOk},            // dated slightly ahead of our clock
      {kDocTimeMs - 16 * kMinuteMs, Code::kAccessDenied},  // "Request is not valid yet"
  };
  for (const auto& c : cases) {
    clock_.Set(c.now_ms);
    EXPECT_EQ(AuthCode(DocPresignedGet()), c.code) << c.now_ms - kDocTimeMs;
  }
  clock_.Set(kDocTimeMs + 86400 * 1000 + 1);
  EXPECT_EQ(Auth(DocPresignedGet()).status().message(), "Request has expired");
}

http::Request DocChunkedPut(bool trailer) {
  http::Request r =
      MakeRequest("PUT", "/examplebucket/chunkObject.txt",
                  {{"Host", "s3.amazonaws.com"},
                   {"x-amz-date", kDocAmzDate},
                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                   {"x-amz-content-sha256", trailer ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
                                                    : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                   {"Content-Encoding", "aws-chunked"},
                   {"x-amz-decoded-content-length", "66560"}});
  if (trailer) {
    r.headers.Add("x-amz-trailer", "x-amz-checksum-crc32c");
    r.headers.Add("Authorization",
                  DocAuthorization("content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-"
                                   "decoded-content-length;x-amz-storage-class;x-amz-trailer",
                                   test_signer::kDocTrailerSeed));
  } else {
    r.headers.Add("Content-Length", "66824");
    r.headers.Add("Authorization",
                  DocAuthorization("content-encoding;content-length;host;x-amz-content-sha256;x-"
                                   "amz-date;x-amz-decoded-content-length;x-amz-storage-class",
                                   test_signer::kDocChunkedSeed));
  }
  return r;
}

TEST_F(VerifierTest, AwsDocChunkedUpload) {
  auto auth = Auth(DocChunkedPut(false));
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->payload, PayloadKind::kStreamingSigned);
  EXPECT_EQ(auth->seed_signature, test_signer::kDocChunkedSeed);
  const http::Headers* trailers = nullptr;
  Drained d = AuthAndRead(DocChunkedPut(false), test_signer::DocChunkedBody(), &trailers);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.data, std::string(66560, 'a'));
  ASSERT_NE(trailers, nullptr);
  EXPECT_EQ(trailers->size(), 0u);
}

TEST_F(VerifierTest, AwsDocChunkedUploadWithSignedTrailer) {
  for (bool blank : {false, true}) {
    const http::Headers* trailers = nullptr;
    Drained d = AuthAndRead(DocChunkedPut(true), test_signer::DocTrailerBody(blank), &trailers);
    ASSERT_TRUE(d.status.ok()) << d.status.ToString();
    EXPECT_EQ(d.data, std::string(66560, 'a'));
    ASSERT_NE(trailers, nullptr);
    EXPECT_EQ(trailers->Get("x-amz-checksum-crc32c"), "sOO8/Q==");
  }
}

TEST_F(VerifierTest, ChunkedUploadNeedsTheDecodedLength) {
  http::Request r = DocChunkedPut(false);
  auto auth = Auth(r);
  ASSERT_TRUE(auth.ok());
  common::StringSource raw("");
  r.headers.Remove("x-amz-decoded-content-length");
  EXPECT_EQ(verifier_.VerifiedBody(*auth, r, raw).status().code(), Code::kMissingContentLength);
  r.headers.Add("x-amz-decoded-content-length", "12x");
  EXPECT_EQ(verifier_.VerifiedBody(*auth, r, raw).status().code(), Code::kInvalidRequest);
}

// --- Requests signed by the test signer. -------------------------------------

http::Request SignedGet(SignSpec spec = {}, std::string target = "/bucket/key") {
  http::Request r = MakeRequest("GET", target,
                                {{"host", "s3.local:9000"},
                                 {"x-amz-date", spec.amz_date},
                                 {"x-amz-content-sha256", kEmptySha256}});
  spec.payload_line = kEmptySha256;
  if (spec.signed_headers.empty()) {
    spec.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
  }
  test_signer::SignWithHeader(r, spec);
  return r;
}

TEST_F(VerifierTest, TestSignerRequestsAreAccepted) {
  EXPECT_EQ(AuthCode(SignedGet()), Code::kOk);
  EXPECT_EQ(AuthCode(SignedGet({}, "/bucket?list-type=2&prefix=a%2Fb&delimiter=%2F")), Code::kOk);
  SignSpec other_region;
  other_region.region = "garage";
  auto auth = Auth(SignedGet(other_region));
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->region, "garage");
  // Extra unsigned headers that are not x-amz-* do not matter.
  http::Request r = SignedGet();
  r.headers.Add("User-Agent", "test");
  EXPECT_EQ(AuthCode(r), Code::kOk);
}

TEST_F(VerifierTest, WrongSecretOrUnknownKey) {
  SignSpec wrong_secret;
  wrong_secret.secret_key = "not-the-secret";
  EXPECT_EQ(AuthCode(SignedGet(wrong_secret)), Code::kSignatureDoesNotMatch);
  SignSpec unknown;
  unknown.access_key = "AKIDUNKNOWN";
  EXPECT_EQ(AuthCode(SignedGet(unknown)), Code::kInvalidAccessKeyId);
}

TEST_F(VerifierTest, AnythingSignedChangedBreaksTheSignature) {
  std::vector<std::function<void(http::Request&)>> tampers = {
      [](http::Request& r) { r.path = "/bucket/key2"; },
      [](http::Request& r) { r.path = "/bucket/KEY"; },
      [](http::Request& r) { r.query = "x=1"; },
      [](http::Request& r) { r.method = "DELETE"; },
      [](http::Request& r) { r.headers.Set("host", "elsewhere"); },
      [](http::Request& r) { r.headers.Add("host", "second"); },
  };
  for (size_t i = 0; i < tampers.size(); ++i) {
    http::Request r = SignedGet();
    tampers[i](r);
    EXPECT_EQ(AuthCode(r), Code::kSignatureDoesNotMatch) << i;
  }
}

TEST_F(VerifierTest, ClockSkewBothWays) {
  const struct {
    int64_t offset_ms;
    Code code;
  } cases[] = {
      {0, Code::kOk},
      {14 * kMinuteMs, Code::kOk},
      {-14 * kMinuteMs, Code::kOk},
      {16 * kMinuteMs, Code::kRequestTimeTooSkewed},   // request is old
      {-16 * kMinuteMs, Code::kRequestTimeTooSkewed},  // request is from the future
  };
  for (const auto& c : cases) {
    clock_.Set(kDocTimeMs + c.offset_ms);
    EXPECT_EQ(AuthCode(SignedGet()), c.code) << c.offset_ms;
  }
}

TEST_F(VerifierTest, ScopeDateMustBeTheRequestDay) {
  SignSpec spec;
  spec.date = "20130523";
  EXPECT_EQ(AuthCode(SignedGet(spec)), Code::kAuthorizationHeaderMalformed);
}

TEST_F(VerifierTest, HostMustBeSigned) {
  SignSpec spec;
  spec.signed_headers = {"x-amz-content-sha256", "x-amz-date"};
  EXPECT_EQ(AuthCode(SignedGet(spec)), Code::kAuthorizationHeaderMalformed);
}

TEST_F(VerifierTest, MalformedOrUnsupportedAuthorization) {
  const struct {
    std::string value;
    Code code;
  } cases[] = {
      {"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", Code::kInvalidRequest},
      {"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request",
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/iam/aws4_request, "
       "SignedHeaders=host, Signature=" +
           std::string(64, '0'),
       Code::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
       "SignedHeaders=host, Signature=xyz",
       Code::kAuthorizationHeaderMalformed},
      {"", Code::kAuthorizationHeaderMalformed},
  };
  for (const auto& c : cases) {
    http::Request r = SignedGet();
    r.headers.Set("authorization", c.value);
    EXPECT_EQ(AuthCode(r), c.code) << c.value;
  }
}

TEST_F(VerifierTest, RequestDateHeaders) {
  // No x-amz-date and no Date.
  http::Request r = SignedGet();
  r.headers.Remove("x-amz-date");
  EXPECT_EQ(AuthCode(r), Code::kAccessDenied);
  r.headers.Add("x-amz-date", "yesterday");
  EXPECT_EQ(AuthCode(r), Code::kAccessDenied);
  // The Date header alone is enough, signed in ISO 8601 basic form.
  http::Request dated = MakeRequest("GET", "/bucket/key",
                                    {{"host", "s3.local"},
                                     {"date", "Fri, 24 May 2013 00:00:00 GMT"},
                                     {"x-amz-content-sha256", kEmptySha256}});
  SignSpec spec;
  spec.payload_line = kEmptySha256;
  spec.signed_headers = {"date", "host", "x-amz-content-sha256"};
  test_signer::SignWithHeader(dated, spec);
  EXPECT_EQ(AuthCode(dated), Code::kOk);
}

TEST_F(VerifierTest, ContentSha256HeaderIsRequiredAndChecked) {
  http::Request missing = MakeRequest("GET", "/b/k", {{"host", "h"}, {"x-amz-date", kDocAmzDate}});
  SignSpec spec;
  spec.payload_line = kEmptySha256;
  spec.signed_headers = {"host", "x-amz-date"};
  test_signer::SignWithHeader(missing, spec);
  EXPECT_EQ(AuthCode(missing), Code::kInvalidRequest);

  http::Request invalid = MakeRequest(
      "GET", "/b/k", {{"host", "h"}, {"x-amz-date", kDocAmzDate}, {"x-amz-content-sha256", "abc"}});
  spec.payload_line = "abc";
  spec.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
  test_signer::SignWithHeader(invalid, spec);
  EXPECT_EQ(AuthCode(invalid), Code::kInvalidContentSha256);
}

TEST_F(VerifierTest, AmzHeadersMustBeSigned) {
  http::Request r = SignedGet();
  r.headers.Add("x-amz-copy-source", "/other/key");
  auto result = Auth(r);
  EXPECT_EQ(result.status().code(), Code::kAccessDenied);
  EXPECT_NE(result.status().message().find("x-amz-copy-source"), std::string::npos);
}

TEST_F(VerifierTest, OneAuthMechanismOnly) {
  http::Request r = DocPresignedGet();
  r.headers.Add("Authorization", DocGetObject().headers.Get("authorization"));
  EXPECT_EQ(AuthCode(r), Code::kInvalidArgument);
}

TEST_F(VerifierTest, SigV2PresignedUrlIsNotSupported) {
  http::Request r = MakeRequest(
      "GET", "/b/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=vjbyPxybd",
      {{"host", "h"}});
  EXPECT_EQ(AuthCode(r), Code::kInvalidRequest);
}

TEST_F(VerifierTest, AnonymousRequests) {
  http::Request r = MakeRequest("GET", "/b/k", {{"host", "h"}});
  auto auth = Auth(r);
  ASSERT_TRUE(auth.ok());
  EXPECT_TRUE(auth->anonymous);
  EXPECT_EQ(auth->payload, PayloadKind::kUnsigned);
  Drained d = AuthAndRead(r, "body");
  EXPECT_EQ(d.data, "body");
  r.headers.Add("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  EXPECT_EQ(AuthCode(r), Code::kAccessDenied);
}

TEST_F(VerifierTest, PathEncodingsClientsUse) {
  // Key "my key~(1).txt".
  const std::string sdk_path = "/bucket/my%20key~%281%29.txt";
  const std::string odd_wire = "/bucket/my%20key%7E(1).txt";
  auto signed_as = [&](const std::string& wire, const std::string& canonical) {
    http::Request r = MakeRequest(
        "GET", wire,
        {{"host", "h"}, {"x-amz-date", kDocAmzDate}, {"x-amz-content-sha256", kEmptySha256}});
    SignSpec spec;
    spec.payload_line = kEmptySha256;
    spec.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
    spec.canonical_uri = canonical;
    test_signer::SignWithHeader(r, spec);
    return r;
  };
  EXPECT_EQ(AuthCode(signed_as(sdk_path, sdk_path)), Code::kOk);
  // Sent with other escapes, signed in the SDK form.
  EXPECT_EQ(AuthCode(signed_as(odd_wire, sdk_path)), Code::kOk);
  // Signed as the bytes on the wire.
  EXPECT_EQ(AuthCode(signed_as(odd_wire, odd_wire)), Code::kOk);
  // Signed for another key.
  EXPECT_EQ(AuthCode(signed_as(sdk_path, "/bucket/my%20key~%282%29.txt")),
            Code::kSignatureDoesNotMatch);
  // Double encoding is not S3's canonical form.
  EXPECT_EQ(AuthCode(signed_as(sdk_path, "/bucket/my%2520key~%25281%2529.txt")),
            Code::kSignatureDoesNotMatch);
}

TEST_F(VerifierTest, PlusInTheQueryEitherWay) {
  for (const char* canonical : {"list-type=2&prefix=a%20b", "list-type=2&prefix=a%2Bb"}) {
    http::Request r = MakeRequest(
        "GET", "/bucket?list-type=2&prefix=a+b",
        {{"host", "h"}, {"x-amz-date", kDocAmzDate}, {"x-amz-content-sha256", kEmptySha256}});
    SignSpec spec;
    spec.payload_line = kEmptySha256;
    spec.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
    spec.canonical_query = canonical;
    test_signer::SignWithHeader(r, spec);
    EXPECT_EQ(AuthCode(r), Code::kOk) << canonical;
  }
}

TEST_F(VerifierTest, HeaderValuesAreTrimmedAndCollapsed) {
  http::Request r = MakeRequest("PUT", "/b/k",
                                {{"host", "h"},
                                 {"x-amz-date", kDocAmzDate},
                                 {"x-amz-meta-note", "a b"},
                                 {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}});
  SignSpec spec;
  spec.payload_line = "UNSIGNED-PAYLOAD";
  spec.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date", "x-amz-meta-note"};
  test_signer::SignWithHeader(r, spec);
  r.headers.Set("x-amz-meta-note", "   a  \t  b ");
  EXPECT_EQ(AuthCode(r), Code::kOk);
  r.headers.Set("x-amz-meta-note", "ab");
  EXPECT_EQ(AuthCode(r), Code::kSignatureDoesNotMatch);
}

TEST_F(VerifierTest, SignedPayloadDigestFromTheTestSigner) {
  const std::string body = "some object bytes";
  auto make = [&](std::string claimed) {
    http::Request r = MakeRequest(
        "PUT", "/b/k",
        {{"host", "h"}, {"x-amz-date", kDocAmzDate}, {"x-amz-content-sha256", claimed}});
    SignSpec spec;
    spec.payload_line = claimed;
    spec.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
    test_signer::SignWithHeader(r, spec);
    return r;
  };
  Drained d = AuthAndRead(make(common::Sha256Hex(body)), body);
  EXPECT_TRUE(d.status.ok());
  EXPECT_EQ(d.data, body);
  d = AuthAndRead(make(common::Sha256Hex("other bytes")), body);
  EXPECT_EQ(d.status.code(), Code::kContentSha256Mismatch);
  d = AuthAndRead(make("UNSIGNED-PAYLOAD"), body);
  EXPECT_TRUE(d.status.ok());
}

// --- Presigned URLs from the test signer. -------------------------------------

http::Request Presigned(int64_t expires_s, SignSpec spec = {},
                        std::string target = "/bucket/key?versionId=3") {
  http::Request r = MakeRequest("PUT", target, {{"host", "s3.local"}});
  if (spec.signed_headers.empty()) spec.signed_headers = {"host"};
  spec.payload_line = "UNSIGNED-PAYLOAD";
  test_signer::SignWithQuery(r, spec, expires_s);
  return r;
}

TEST_F(VerifierTest, PresignedFromTheTestSigner) {
  EXPECT_EQ(AuthCode(Presigned(3600)), Code::kOk);
  EXPECT_EQ(AuthCode(Presigned(604800)), Code::kOk);
  EXPECT_EQ(AuthCode(Presigned(604801)), Code::kAuthorizationQueryParametersError);
  EXPECT_EQ(AuthCode(Presigned(0)), Code::kAuthorizationQueryParametersError);
  SignSpec no_host;
  no_host.signed_headers = {"x-amz-date"};
  EXPECT_EQ(AuthCode(Presigned(3600, no_host)), Code::kAuthorizationQueryParametersError);
  SignSpec wrong_day;
  wrong_day.date = "20130525";
  EXPECT_EQ(AuthCode(Presigned(3600, wrong_day)), Code::kAuthorizationQueryParametersError);
  SignSpec wrong_secret;
  wrong_secret.secret_key = "x";
  EXPECT_EQ(AuthCode(Presigned(3600, wrong_secret)), Code::kSignatureDoesNotMatch);
  SignSpec unknown;
  unknown.access_key = "AKIDUNKNOWN";
  EXPECT_EQ(AuthCode(Presigned(3600, unknown)), Code::kInvalidAccessKeyId);

  http::Request tampered = Presigned(3600);
  tampered.query.replace(tampered.query.find("versionId=3"), 11, "versionId=4");
  EXPECT_EQ(AuthCode(tampered), Code::kSignatureDoesNotMatch);

  http::Request unsigned_amz = Presigned(3600);
  unsigned_amz.headers.Add("x-amz-acl", "public-read");
  EXPECT_EQ(AuthCode(unsigned_amz), Code::kAccessDenied);

  // A digest in an unsigned x-amz-content-sha256 header is enforced on the body.
  http::Request with_digest = Presigned(3600);
  with_digest.headers.Add("x-amz-content-sha256", common::Sha256Hex("abc"));
  EXPECT_TRUE(AuthAndRead(with_digest, "abc").status.ok());
  EXPECT_EQ(AuthAndRead(with_digest, "abd").status.code(), Code::kContentSha256Mismatch);

  http::Request streaming = Presigned(3600);
  streaming.headers.Add("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  EXPECT_EQ(AuthCode(streaming), Code::kInvalidRequest);
}

// --- aws-chunked through the verifier, from the test signer. ------------------

struct ChunkedRequest {
  http::Request request;
  std::string body;
};

ChunkedRequest SignedChunked(std::string_view data, PayloadKind kind,
                             std::vector<std::pair<std::string, std::string>> trailers = {}) {
  const char* literal = kind == PayloadKind::kStreamingSigned ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
                        : kind == PayloadKind::kStreamingSignedTrailer
                            ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
                            : "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
  ChunkedRequest c;
  c.request = MakeRequest("PUT", "/bucket/object",
                          {{"host", "h"},
                           {"content-encoding", "aws-chunked"},
                           {"x-amz-content-sha256", literal},
                           {"x-amz-date", kDocAmzDate},
                           {"x-amz-decoded-content-length", std::to_string(data.size())}});
  SignSpec spec;
  spec.payload_line = literal;
  spec.signed_headers = {"content-encoding", "host", "x-amz-content-sha256", "x-amz-date",
                         "x-amz-decoded-content-length"};
  if (!trailers.empty()) {
    c.request.headers.Add("x-amz-trailer", trailers.front().first);
    spec.signed_headers.push_back("x-amz-trailer");
  }
  test_signer::SignWithHeader(c.request, spec);
  std::string authorization(c.request.headers.Get("authorization"));
  std::string seed = authorization.substr(authorization.find("Signature=") + 10);
  test_signer::ChunkedSpec framing;
  framing.signed_chunks = kind != PayloadKind::kStreamingUnsignedTrailer;
  framing.signed_trailer = kind == PayloadKind::kStreamingSignedTrailer;
  framing.trailers = std::move(trailers);
  c.body = test_signer::TestChunkedBody(spec, seed, data, 8192, framing);
  return c;
}

TEST_F(VerifierTest, ChunkedUploadsOfEveryKind) {
  std::string data;
  for (int i = 0; i < 30000; ++i) data.push_back(static_cast<char>('a' + i % 26));
  for (PayloadKind kind : {PayloadKind::kStreamingSigned, PayloadKind::kStreamingSignedTrailer,
                           PayloadKind::kStreamingUnsignedTrailer}) {
    SCOPED_TRACE(static_cast<int>(kind));
    std::vector<std::pair<std::string, std::string>> trailers;
    if (kind != PayloadKind::kStreamingSigned) trailers = {{"x-amz-checksum-crc32", "AAAAAA=="}};
    ChunkedRequest c = SignedChunked(data, kind, trailers);
    const http::Headers* got_trailers = nullptr;
    Drained d = AuthAndRead(c.request, c.body, &got_trailers);
    ASSERT_TRUE(d.status.ok()) << d.status.ToString();
    EXPECT_EQ(d.data, data);
    ASSERT_NE(got_trailers, nullptr);
    if (!trailers.empty()) {
      EXPECT_EQ(got_trailers->Get("x-amz-checksum-crc32"), "AAAAAA==");
    }
  }
}

TEST_F(VerifierTest, ChunkedUploadTamperedMidStream) {
  std::string data(30000, 'q');
  ChunkedRequest c = SignedChunked(data, PayloadKind::kStreamingSigned);
  // A byte of the third chunk (data from 16384 on).
  size_t third = c.body.find("\r\n2000;", c.body.find("\r\n2000;") + 1) + 100;
  c.body[third] = 'Q';
  Drained d = AuthAndRead(c.request, c.body);
  EXPECT_EQ(d.status.code(), Code::kSignatureDoesNotMatch);
  EXPECT_EQ(d.data.size(), 16384u) << "two verified chunks, none of the third";
  EXPECT_EQ(d.data.find('Q'), std::string::npos);
}

TEST_F(VerifierTest, ChunkedUploadLengthMismatch) {
  std::string data(20000, 'q');
  ChunkedRequest c = SignedChunked(data, PayloadKind::kStreamingSigned);
  EXPECT_EQ(AuthAndRead(c.request, c.body.substr(0, c.body.size() / 2)).status.code(),
            Code::kIncompleteBody);
  // The signed decoded length cannot be changed without breaking the seed.
  c.request.headers.Set("x-amz-decoded-content-length", "19999");
  EXPECT_EQ(AuthCode(c.request), Code::kSignatureDoesNotMatch);
}

// Browser-based POST: the signature covers the policy's base64 text. The
// expected signature was computed independently (Python hmac/hashlib) with
// the documentation's example credentials.
constexpr std::string_view kPostPolicy =
    "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLAogICJjb25kaXRpb25zIjogWwogICAgeyJi"
    "dWNrZXQiOiAic2lndjRleGFtcGxlYnVja2V0In0sCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2Vy"
    "MS8iXSwKICAgIHsieC1hbXotY3JlZGVudGlhbCI6ICJBS0lBSU9TRk9ETk43RVhBTVBMRS8yMDE1MTIyOS91cy1lYXN0"
    "LTEvczMvYXdzNF9yZXF1ZXN0In0sCiAgICB7IngtYW16LWFsZ29yaXRobSI6ICJBV1M0LUhNQUMtU0hBMjU2In0sCiAg"
    "ICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQogIF0KfQ==";
constexpr std::string_view kPostSignature =
    "7f7775fa6d4a7a15fda5cc67af7c829f04b63206c2eaffb5302371968f1c2476";

PostSignature GoodPostForm() {
  return {"AWS4-HMAC-SHA256", "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request",
          "20151229T000000Z", std::string(kPostSignature), std::string(kPostPolicy)};
}

TEST_F(VerifierTest, PostPolicySignature) {
  auto good = verifier_.AuthenticatePost(GoodPostForm());
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->credential.user, "alice");
  EXPECT_EQ(good->region, "us-east-1");
  EXPECT_FALSE(good->anonymous);
  EXPECT_EQ(good->payload, PayloadKind::kUnsigned);

  // Upper-case hex is the same signature.
  PostSignature upper = GoodPostForm();
  for (char& c : upper.signature) c = static_cast<char>(std::toupper(c));
  EXPECT_TRUE(verifier_.AuthenticatePost(upper).ok());

  struct Case {
    std::string label;
    void (*mutate)(PostSignature&);
    Code code;
  };
  const Case cases[] = {
      {"policy changed", [](PostSignature& f) { f.policy[10] = 'A'; },
       Code::kSignatureDoesNotMatch},
      {"signature changed", [](PostSignature& f) { f.signature[0] = '0'; },
       Code::kSignatureDoesNotMatch},
      {"another region signed",
       [](PostSignature& f) {
         f.credential = "AKIAIOSFODNN7EXAMPLE/20151229/eu-west-1/s3/aws4_request";
       },
       Code::kSignatureDoesNotMatch},
      {"unknown key",
       [](PostSignature& f) { f.credential = "AKIDUNKNOWN/20151229/us-east-1/s3/aws4_request"; },
       Code::kInvalidAccessKeyId},
      {"another service",
       [](PostSignature& f) {
         f.credential = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/sqs/aws4_request";
       },
       Code::kInvalidArgument},
      {"malformed credential", [](PostSignature& f) { f.credential = "AKIAIOSFODNN7EXAMPLE"; },
       Code::kInvalidArgument},
      {"date of another day", [](PostSignature& f) { f.amz_date = "20151230T000000Z"; },
       Code::kInvalidArgument},
      {"malformed date", [](PostSignature& f) { f.amz_date = "2015-12-29"; },
       Code::kInvalidArgument},
      {"SigV2 algorithm", [](PostSignature& f) { f.algorithm = "AWS4-HMAC-SHA1"; },
       Code::kInvalidRequest},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    PostSignature form = GoodPostForm();
    c.mutate(form);
    auto result = verifier_.AuthenticatePost(form);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), c.code) << result.status().ToString();
  }
}

}  // namespace
}  // namespace strata::auth
