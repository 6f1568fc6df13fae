// Decoder for aws-chunked request bodies (Content-Encoding: aws-chunked), the
// framing S3 clients use for streaming uploads:
//
//   signed:   <hex size>;chunk-signature=<64 hex>\r\n<data>\r\n ...
//             0;chunk-signature=<64 hex>\r\n[trailers]\r\n
//   unsigned: <hex size>\r\n<data>\r\n ... 0\r\n[trailers]\r\n
//   trailers: <name>:<value>\r\n ... [x-amz-trailer-signature:<64 hex>\r\n]
//
// Only the decoded data comes out of Read; framing, signatures and trailers
// never do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "auth/sigv4/payload.h"
#include "common/byte_stream.h"
#include "common/status.h"
#include "http/headers.h"

namespace strata::auth {

struct ChunkedReaderOptions {
  // REQUIRES: one of the three streaming kinds.
  PayloadKind kind = PayloadKind::kStreamingSigned;
  // For the signed kinds: the request's signing key (raw bytes), its
  // signature (the seed of the chunk chain), x-amz-date and credential scope.
  std::string signing_key;
  std::string seed_signature;
  std::string amz_date;
  std::string scope;
  // x-amz-decoded-content-length: the exact number of data bytes.
  uint64_t decoded_length = 0;
  // Largest chunk accepted; also the most this reader ever buffers.
  size_t max_chunk_bytes = 16 << 20;
  // x-amz-trailer, split and lower-cased. When not empty, the trailers
  // received must be exactly these.
  std::vector<std::string> declared_trailers;
};

// Reads one chunk at a time into memory and, for the signed kinds, checks its
// signature (chained from the seed, constant-time compare) before handing out
// any of its bytes, so no unverified byte ever leaves the reader.
//
// Read fails with:
//   kSignatureDoesNotMatch  a chunk or the trailer signature does not verify;
//   kIncompleteBody         the body ends early, or the data is shorter than
//                           x-amz-decoded-content-length;
//   kInvalidRequest         malformed framing (bad size, missing CRLF, missing
//                           chunk-signature, line too long), a chunk over
//                           max_chunk_bytes, data longer than the decoded
//                           length, bytes after the final chunk, trailers that
//                           do not match x-amz-trailer, or trailers on
//                           STREAMING-AWS4-HMAC-SHA256-PAYLOAD;
//   any error of raw, unchanged.
// Every failure is final: later reads return it again.
//
// Not thread-safe. raw must outlive the reader.
class ChunkedReader : public common::ByteSource {
 public:
  ChunkedReader(common::ByteSource& raw, ChunkedReaderOptions options);

  common::Result<size_t> Read(std::span<char> out) override;

  // The trailers received after the final chunk (lower-case names, trimmed
  // values), without x-amz-trailer-signature: e.g. x-amz-checksum-crc32c.
  // Complete, and verified for the signed-trailer kind, only once Read has
  // returned 0; empty until then.
  const http::Headers& trailers() const { return trailers_; }

 private:
  common::Status NextChunk();
  common::Status ReadTrailers();
  common::Status ExpectEnd();
  // Refills the input buffer when it is empty. False at the end of raw.
  common::Result<bool> FillInput();
  // One CRLF-terminated line, without the CRLF; nullopt at the end of raw.
  common::Result<std::optional<std::string>> ReadLine();
  // Reads exactly n bytes into chunk_.
  common::Status ReadChunkData(size_t n);
  common::Status ExpectCrlf();

  common::ByteSource& raw_;
  const ChunkedReaderOptions options_;
  const bool signed_chunks_;

  std::string input_;  // bytes read from raw_ ahead of the parser
  size_t input_pos_ = 0;
  size_t input_end_ = 0;

  std::string chunk_;  // the current verified chunk
  size_t chunk_pos_ = 0;
  std::string previous_signature_;
  uint64_t decoded_so_far_ = 0;
  bool done_ = false;
  common::Status error_;  // sticky
  http::Headers trailers_;
};

}  // namespace strata::auth
