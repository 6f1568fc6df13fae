#include "auth/sigv4/chunked_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "auth/sigv4/signing.h"
#include "auth/sigv4/test_signer.h"
#include "auth/sigv4/test_vectors.h"

namespace strata::auth {
namespace {

using common::Code;
using test_signer::ChunkedSpec;
using test_signer::SignSpec;
using test_signer::TestChunkedBody;
using test_signer::TestScope;
using test_signer::TestSigningKey;

// Hands out at most max_read bytes per Read, so framing lands across reads.
class TrickleSource : public common::ByteSource {
 public:
  TrickleSource(std::string data, size_t max_read) : data_(std::move(data)), max_(max_read) {}
  common::Result<size_t> Read(std::span<char> out) override {
    size_t n = std::min({out.size(), max_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, n, out.data());
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t max_;
  size_t pos_ = 0;
};

struct Drained {
  std::string data;
  common::Status status;  // OK when the reader reached its end
};

Drained Drain(common::ByteSource& source, size_t buffer_size) {
  Drained d;
  std::string buf(buffer_size, '\0');
  while (true) {
    auto n = source.Read(std::span<char>(buf.data(), buf.size()));
    if (!n.ok()) {
      d.status = n.status();
      return d;
    }
    if (*n == 0) return d;
    d.data.append(buf.data(), *n);
  }
}

constexpr const char* kSeed = test_signer::kDocChunkedSeed;
constexpr const char* kTrailerSeed = test_signer::kDocTrailerSeed;

ChunkedReaderOptions DocOptions(PayloadKind kind, std::string seed, uint64_t decoded_length) {
  SignSpec spec;
  ChunkedReaderOptions o;
  o.kind = kind;
  o.signing_key = TestSigningKey(spec);
  o.seed_signature = std::move(seed);
  o.amz_date = test_signer::kDocAmzDate;
  o.scope = TestScope(spec);
  o.decoded_length = decoded_length;
  return o;
}

std::string DocBody() { return test_signer::DocChunkedBody(); }
std::string DocTrailerBody(bool blank) { return test_signer::DocTrailerBody(blank); }

TEST(ChunkedReaderTest, AwsDocExampleDecodesWhateverTheReadSizes) {
  ASSERT_EQ(DocBody().size(), 66824u);  // the documented Content-Length
  for (size_t trickle : {1, 7, 100, 4096, 70000}) {
    for (size_t buffer : {1, 13, 8192, 100000}) {
      if (trickle == 1 && buffer == 1) continue;  // slow and adds nothing
      SCOPED_TRACE(std::to_string(trickle) + "/" + std::to_string(buffer));
      TrickleSource raw(DocBody(), trickle);
      ChunkedReader reader(raw, DocOptions(PayloadKind::kStreamingSigned, kSeed, 66560));
      Drained d = Drain(reader, buffer);
      ASSERT_TRUE(d.status.ok()) << d.status.ToString();
      EXPECT_EQ(d.data, std::string(66560, 'a'));
      EXPECT_EQ(reader.trailers().size(), 0u);
    }
  }
}

TEST(ChunkedReaderTest, AwsDocTrailerExampleInBothFramings) {
  for (bool blank : {false, true}) {
    SCOPED_TRACE(blank);
    TrickleSource raw(DocTrailerBody(blank), 1000);
    auto options = DocOptions(PayloadKind::kStreamingSignedTrailer, kTrailerSeed, 66560);
    options.declared_trailers = {"x-amz-checksum-crc32c"};
    ChunkedReader reader(raw, options);
    Drained d = Drain(reader, 4096);
    ASSERT_TRUE(d.status.ok()) << d.status.ToString();
    EXPECT_EQ(d.data.size(), 66560u);
    ASSERT_NE(reader.trailers().Find("x-amz-checksum-crc32c"), nullptr);
    EXPECT_EQ(*reader.trailers().Find("x-amz-checksum-crc32c"), "sOO8/Q==");
    EXPECT_FALSE(reader.trailers().Has("x-amz-trailer-signature"));
  }
}

TEST(ChunkedReaderTest, BadTrailerSignatureOrTamperedTrailerFails) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"d81f82fc", "d81f82fd"}, {"sOO8/Q==", "sOO8/R=="}}) {
    std::string body = DocTrailerBody(false);
    body.replace(body.find(from), from.size(), to);
    common::StringSource raw(body);
    ChunkedReader reader(raw,
                         DocOptions(PayloadKind::kStreamingSignedTrailer, kTrailerSeed, 66560));
    Drained d = Drain(reader, 65536);
    EXPECT_EQ(d.status.code(), Code::kSignatureDoesNotMatch) << from;
    EXPECT_EQ(d.data.size(), 66560u) << "the data chunks themselves verified";
  }
  // Signed-trailer kind with no trailer signature at all.
  std::string body = DocTrailerBody(false);
  size_t at = body.find("x-amz-trailer-signature");
  body = body.substr(0, at) + "\r\n";
  common::StringSource raw(body);
  ChunkedReader reader(raw, DocOptions(PayloadKind::kStreamingSignedTrailer, kTrailerSeed, 66560));
  EXPECT_EQ(Drain(reader, 65536).status.code(), Code::kSignatureDoesNotMatch);
}

// Three chunks of distinct bytes, made by the test signer.
struct ThreeChunks {
  std::string data = std::string(1000, 'x') + std::string(1000, 'y') + std::string(500, 'z');
  std::string body;
  ChunkedReaderOptions options;
  ThreeChunks(PayloadKind kind = PayloadKind::kStreamingSigned, ChunkedSpec c = {}) {
    SignSpec spec;
    body = TestChunkedBody(spec, kSeed, data, 1000, c);
    options = DocOptions(kind, kSeed, data.size());
  }
};

TEST(ChunkedReaderTest, TamperedChunkNeverReleasesItsBytes) {
  struct Tamper {
    const char* name;
    std::function<void(std::string&)> apply;
  };
  const std::vector<Tamper> tampers = {
      {"data byte", [](std::string& b) { b[b.find('y') + 10] = 'Y'; }},
      {"chunk signature",
       [](std::string& b) {
         size_t sig = b.find("chunk-signature=", b.find('y') - 100) + 16;
         b[sig] = b[sig] == '0' ? '1' : '0';
       }},
  };
  for (const auto& t : tampers) {
    SCOPED_TRACE(t.name);
    ThreeChunks c;
    t.apply(c.body);
    common::StringSource raw(c.body);
    ChunkedReader reader(raw, c.options);
    Drained d = Drain(reader, 300);
    EXPECT_EQ(d.status.code(), Code::kSignatureDoesNotMatch);
    EXPECT_EQ(d.data, std::string(1000, 'x')) << "only the first, verified chunk comes out";
    char buf[10];
    EXPECT_EQ(reader.Read(buf).status().code(), Code::kSignatureDoesNotMatch) << "sticky";
  }
  // Chunks swapped in order break the chain too.
  ThreeChunks c;
  SignSpec spec;
  std::string first = c.body.substr(0, c.body.find("\r\n3e8;") + 2);
  std::string rest = c.body.substr(first.size());
  std::string swapped = rest + first;
  common::StringSource raw(swapped);
  ChunkedReader reader(raw, c.options);
  EXPECT_EQ(Drain(reader, 4096).status.code(), Code::kSignatureDoesNotMatch);
}

TEST(ChunkedReaderTest, TruncatedBodiesAreIncomplete) {
  ThreeChunks c;
  for (size_t cut : {size_t{0}, size_t{10}, c.body.find('y') + 3, c.body.rfind("0;chunk"),
                     c.body.rfind("0;chunk") + 20}) {
    SCOPED_TRACE(cut);
    common::StringSource raw(std::string_view(c.body).substr(0, cut));
    ChunkedReader reader(raw, c.options);
    EXPECT_EQ(Drain(reader, 4096).status.code(), Code::kIncompleteBody);
  }
}

TEST(ChunkedReaderTest, DecodedLengthIsEnforced) {
  {
    ThreeChunks c;
    c.options.decoded_length = c.data.size() + 1;
    common::StringSource raw(c.body);
    ChunkedReader reader(raw, c.options);
    EXPECT_EQ(Drain(reader, 4096).status.code(), Code::kIncompleteBody);
  }
  {
    ThreeChunks c;
    c.options.decoded_length = c.data.size() - 1;
    common::StringSource raw(c.body);
    ChunkedReader reader(raw, c.options);
    Drained d = Drain(reader, 4096);
    EXPECT_EQ(d.status.code(), Code::kInvalidRequest);
    EXPECT_EQ(d.data.size(), 2000u) << "the overlong chunk is refused before it is read";
  }
}

TEST(ChunkedReaderTest, MalformedFramingIsRejected) {
  ThreeChunks c;
  const std::string& b = c.body;
  size_t first_line_end = b.find("\r\n");
  std::vector<std::pair<const char*, std::string>> cases = {
      {"bad size", "zz" + b.substr(b.find(';'))},
      {"negative size", "-3e8" + b.substr(b.find(';'))},
      {"no chunk-signature", "3e8\r\n" + b.substr(first_line_end + 2)},
      {"short signature", b.substr(0, first_line_end - 1) + b.substr(first_line_end)},
      {"data not followed by CRLF",
       b.substr(0, first_line_end + 2 + 1000) + "XX" + b.substr(first_line_end + 2 + 1002)},
      {"LF-only line", b.substr(0, first_line_end) + "\n" + b.substr(first_line_end + 2)},
      {"data after the final chunk", b + "extra"},
      {"trailer on a non-trailer kind",
       b.substr(0, b.size() - 2) + "x-amz-checksum-crc32:AAAAAA==\r\n\r\n"},
      {"endless line", std::string(10000, '1')},
  };
  for (const auto& [name, body] : cases) {
    SCOPED_TRACE(name);
    common::StringSource raw(body);
    ChunkedReader reader(raw, c.options);
    Drained d = Drain(reader, 4096);
    EXPECT_EQ(d.status.code(), Code::kInvalidRequest) << d.status.ToString();
  }
}

TEST(ChunkedReaderTest, ChunkOverTheLimitIsRejected) {
  ThreeChunks c;
  c.options.max_chunk_bytes = 999;
  common::StringSource raw(c.body);
  ChunkedReader reader(raw, c.options);
  Drained d = Drain(reader, 4096);
  EXPECT_EQ(d.status.code(), Code::kInvalidRequest);
  EXPECT_TRUE(d.data.empty());
}

TEST(ChunkedReaderTest, UnsignedTrailerUpload) {
  const std::string body = "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n";
  ChunkedReaderOptions o;
  o.kind = PayloadKind::kStreamingUnsignedTrailer;
  o.decoded_length = 3;
  o.declared_trailers = {"x-amz-checksum-crc32"};
  for (size_t trickle : {1, 5, 100}) {
    TrickleSource raw(body, trickle);
    ChunkedReader reader(raw, o);
    Drained d = Drain(reader, 2);
    ASSERT_TRUE(d.status.ok()) << d.status.ToString();
    EXPECT_EQ(d.data, "abc");
    EXPECT_EQ(reader.trailers().Get("x-amz-checksum-crc32"), "NSRBwg==");
  }
  // No trailers at all, and a test-signer body of several chunks.
  {
    common::StringSource raw("0\r\n\r\n");
    o.decoded_length = 0;
    o.declared_trailers.clear();
    ChunkedReader reader(raw, o);
    EXPECT_TRUE(Drain(reader, 10).status.ok());
  }
  {
    ChunkedSpec spec;
    spec.signed_chunks = false;
    spec.trailers = {{"x-amz-checksum-sha256", "abc="}};
    ThreeChunks c(PayloadKind::kStreamingUnsignedTrailer, spec);
    common::StringSource raw(c.body);
    ChunkedReader reader(raw, c.options);
    Drained d = Drain(reader, 777);
    ASSERT_TRUE(d.status.ok()) << d.status.ToString();
    EXPECT_EQ(d.data, c.data);
    EXPECT_EQ(reader.trailers().Get("x-amz-checksum-sha256"), "abc=");
  }
}

TEST(ChunkedReaderTest, TrailersMustMatchXAmzTrailer) {
  const std::string body = "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n";
  ChunkedReaderOptions o;
  o.kind = PayloadKind::kStreamingUnsignedTrailer;
  o.decoded_length = 3;
  for (const auto& declared : std::vector<std::vector<std::string>>{
           {"x-amz-checksum-crc32c"}, {"x-amz-checksum-crc32", "x-amz-checksum-sha1"}}) {
    o.declared_trailers = declared;
    common::StringSource raw(body);
    ChunkedReader reader(raw, o);
    EXPECT_EQ(Drain(reader, 10).status.code(), Code::kInvalidRequest);
  }
}

TEST(ChunkedReaderTest, SignedTrailerFromTheTestSigner) {
  ChunkedSpec spec;
  spec.signed_trailer = true;
  spec.trailers = {{"x-amz-checksum-crc32", "AAAAAA=="}};
  ThreeChunks c(PayloadKind::kStreamingSignedTrailer, spec);
  common::StringSource raw(c.body);
  ChunkedReader reader(raw, c.options);
  Drained d = Drain(reader, 4096);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.data, c.data);
  EXPECT_EQ(reader.trailers().Get("x-amz-checksum-crc32"), "AAAAAA==");
}

}  // namespace
}  // namespace strata::auth
