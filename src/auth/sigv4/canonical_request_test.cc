#include "auth/sigv4/canonical_request.h"

#include <gtest/gtest.h>

#include "auth/sigv4/signing.h"
#include "common/hash.h"

namespace strata::auth {
namespace {

using Strings = std::vector<std::string>;

TEST(CanonicalUriTest, EncodesOnceFromTheDecodedPathThenFallsBackToRaw) {
  EXPECT_EQ(CanonicalUriCandidates(""), Strings{"/"});
  EXPECT_EQ(CanonicalUriCandidates("/test.txt"), Strings{"/test.txt"});
  EXPECT_EQ(CanonicalUriCandidates("/test%24file.text"), Strings{"/test%24file.text"});
  // '$' raw on the wire: SDKs sign %24; a client signing its bytes signs '$'.
  EXPECT_EQ(CanonicalUriCandidates("/test$file.text"),
            (Strings{"/test%24file.text", "/test$file.text"}));
  // '~' is unreserved: a client that escaped it on the wire still signed '~'.
  EXPECT_EQ(CanonicalUriCandidates("/a%7Eb"), (Strings{"/a~b", "/a%7Eb"}));
  // Lower-case escapes are re-encoded upper-case.
  EXPECT_EQ(CanonicalUriCandidates("/a%2fb%c3%a9"), (Strings{"/a/b%C3%A9", "/a%2fb%c3%a9"}));
  // S3 does not normalize: dot segments and double slashes stay.
  EXPECT_EQ(CanonicalUriCandidates("/b//a/../k"), Strings{"/b//a/../k"});
  // A malformed escape leaves only the raw path.
  EXPECT_EQ(CanonicalUriCandidates("/a%zz"), Strings{"/a%zz"});
}

TEST(CanonicalQueryTest, SortsEncodesAndKeepsTheEqualsSign) {
  auto canonical = [](std::string_view raw) {
    return CanonicalQuery(DecodeQuery(raw, false), "X-Amz-Signature");
  };
  EXPECT_EQ(canonical(""), "");
  EXPECT_EQ(canonical("lifecycle"), "lifecycle=");
  EXPECT_EQ(canonical("prefix=J&max-keys=2"), "max-keys=2&prefix=J");
  EXPECT_EQ(canonical("Param2=value2&Param1=value1"), "Param1=value1&Param2=value2");
  // Upper-case sorts before lower-case (byte order).
  EXPECT_EQ(canonical("b=2&a=1&A=0"), "A=0&a=1&b=2");
  // Same name: sorted by value.
  EXPECT_EQ(canonical("k=b&k=a"), "k=a&k=b");
  // Values re-encoded from their decoded form; '/' is encoded in queries.
  EXPECT_EQ(canonical("prefix=a/b&delimiter=%2f&x=%7e"), "delimiter=%2F&prefix=a%2Fb&x=~");
  EXPECT_EQ(canonical("a=x&X-Amz-Signature=abc"), "a=x");
  EXPECT_EQ(canonical("&&a=1&"), "a=1");
}

TEST(CanonicalQueryTest, PlusIsTriedBothWays) {
  EXPECT_EQ(CanonicalQueryCandidates("prefix=a%20b", ""), Strings{"prefix=a%20b"});
  EXPECT_EQ(CanonicalQueryCandidates("prefix=a+b", ""), (Strings{"prefix=a%2Bb", "prefix=a%20b"}));
}

TEST(CanonicalHeadersTest, TrimsCollapsesAndJoinsRepeats) {
  EXPECT_EQ(CanonicalHeaderValue("  a   b \t c  "), "a b c");
  EXPECT_EQ(CanonicalHeaderValue(""), "");
  http::Headers headers;
  headers.Add("Host", "example.com");
  headers.Add("X-Amz-Meta-A", " one ");
  headers.Add("x-amz-meta-a", "two  words");
  headers.Add("Unsigned", "x");
  EXPECT_EQ(CanonicalHeaders(headers, {"host", "x-amz-meta-a", "missing"}),
            "host:example.com\nx-amz-meta-a:one,two words\nmissing:\n");
}

// The GET Object example of "Signature Calculations for the Authorization
// Header: Transferring Payload in a Single Chunk", step by step.
TEST(CanonicalRequestTest, AwsDocGetObjectExample) {
  http::Headers headers;
  headers.Add("Host", "examplebucket.s3.amazonaws.com");
  headers.Add("Range", "bytes=0-9");
  headers.Add("x-amz-content-sha256", common::Sha256Hex(""));
  headers.Add("x-amz-date", "20130524T000000Z");
  std::vector<std::string> names = {"host", "range", "x-amz-content-sha256", "x-amz-date"};
  std::string canonical =
      CanonicalRequest("GET", "/test.txt", "", CanonicalHeaders(headers, names),
                       "host;range;x-amz-content-sha256;x-amz-date", common::Sha256Hex(""));
  EXPECT_EQ(canonical,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            "\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string scope = CredentialScope("20130524", "us-east-1", "s3");
  std::string to_sign = RequestStringToSign("20130524T000000Z", scope, canonical);
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  std::string key =
      DeriveSigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3");
  EXPECT_EQ(SignHex(key, to_sign),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// The chunk and trailer strings to sign of the chunked-upload examples.
TEST(SigningTest, AwsDocChunkAndTrailerSignatures) {
  std::string key =
      DeriveSigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3");
  std::string scope = CredentialScope("20130524", "us-east-1", "s3");
  std::string to_sign = ChunkStringToSign(
      "20130524T000000Z", scope, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
      common::Sha256Hex(std::string(65536, 'a')));
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a");
  EXPECT_EQ(SignHex(key, to_sign),
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");

  std::string trailers_hash = common::Sha256Hex("x-amz-checksum-crc32c:sOO8/Q==\n");
  EXPECT_EQ(trailers_hash, "1e376db7e1a34a8ef1c4bcee131a2d60a1cb62503747488624e10995f448d774");
  EXPECT_EQ(SignHex(key, TrailerStringToSign(
                             "20130524T000000Z", scope,
                             "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
                             trailers_hash)),
            "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435");
}

// Vectors of the AWS SigV4 test suite (service "service", not S3, so they
// exercise the primitives rather than the S3 verifier).
struct SuiteCase {
  const char* name;
  const char* method;
  const char* path;
  const char* query;
  std::vector<std::pair<std::string, std::string>> extra_headers;
  const char* body;
  const char* signature;
};

TEST(SigningTest, AwsSigV4TestSuite) {
  const std::vector<SuiteCase> cases = {
      {"get-vanilla",
       "GET",
       "/",
       "",
       {},
       "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/",
       "Param2=value2&Param1=value1",
       {},
       "",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-utf8",
       "GET",
       "/%E1%88%B4",
       "",
       {},
       "",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"post-vanilla",
       "POST",
       "/",
       "",
       {},
       "",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       "",
       {{"content-type", "application/x-www-form-urlencoded"}},
       "Param1=value1",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
  };
  std::string key = DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830",
                                     "us-east-1", "service");
  std::string scope = CredentialScope("20150830", "us-east-1", "service");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    http::Headers headers;
    std::vector<std::string> names;
    for (const auto& [name, value] : c.extra_headers) {
      headers.Add(name, value);
      names.push_back(name);
    }
    headers.Add("Host", "example.amazonaws.com");
    headers.Add("X-Amz-Date", "20150830T123600Z");
    names.push_back("host");
    names.push_back("x-amz-date");
    std::string signed_line;
    for (const auto& n : names) signed_line += (signed_line.empty() ? "" : ";") + n;
    std::vector<std::string> uris = CanonicalUriCandidates(c.path);
    std::string canonical =
        CanonicalRequest(c.method, uris.front(), CanonicalQueryCandidates(c.query, "").front(),
                         CanonicalHeaders(headers, names), signed_line, common::Sha256Hex(c.body));
    EXPECT_EQ(SignHex(key, RequestStringToSign("20150830T123600Z", scope, canonical)), c.signature);
  }
}

}  // namespace
}  // namespace strata::auth
