// multipart/form-data (RFC 7578, RFC 2046 section 5.1) read incrementally
// from a request body. Browser-based S3 uploads (POST Object) send their
// fields this way with the file last: the fields are small and read into
// memory, the file can be gigabytes and is handed on as a ByteSource that
// ends at the part's closing delimiter, so it never sits in memory whole.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/byte_stream.h"
#include "common/result.h"

namespace strata::http {

// The boundary parameter of a "multipart/form-data; boundary=..." Content-Type
// (media type and parameter names case-insensitive, the value as a token or a
// quoted string). nullopt for another media type, or a missing, empty or
// over-long (more than 70 characters, RFC 2046) boundary.
std::optional<std::string> FormBoundary(std::string_view content_type);

// One part's header section.
struct FormPart {
  std::string name;                     // Content-Disposition name=, never empty
  std::optional<std::string> filename;  // Content-Disposition filename=, when present
  std::string content_type;             // the part's Content-Type; "" when absent
  size_t header_bytes = 0;              // size of the header section on the wire
};

// Pull parser over one multipart body. Not thread-safe; one per request.
// Memory: one read buffer (64 KiB plus the largest header section allowed),
// whatever the size of the parts.
//
// Errors (all final: later calls fail again):
//   kMalformedPostRequest  no delimiter where one must be (a missing final
//                          boundary, a body that ends early), a delimiter line
//                          not followed by CRLF, a header line without ':',
//                          a part without a name
//   kRequestHeaderSectionTooLarge  a part's header section over the limit
//                          given to NextPart
//   and any error of the body source.
class MultipartFormReader {
 public:
  // body must outlive the reader. boundary as FormBoundary returns it.
  MultipartFormReader(common::ByteSource& body, std::string_view boundary);

  // Moves to the next part, skipping what is left of the current one (or the
  // preamble before the first). Returns nullopt after the closing delimiter
  // ("--boundary--"); whatever follows it (the epilogue) is never read.
  common::Result<std::optional<FormPart>> NextPart(size_t max_header_bytes);

  // Reads the current part's content into out. Returns 0 at the end of the
  // part (and before the first NextPart, and after the last).
  common::Result<size_t> ReadContent(std::span<char> out);

  // The rest of the current part's content as a string; kEntityTooLarge when
  // it is longer than max_bytes.
  common::Result<std::string> ReadContentToString(size_t max_bytes);

 private:
  enum class State { kPreamble, kContent, kDelimiter, kDone, kFailed };

  // Appends what the body has to the buffer. false at the end of the body.
  common::Result<bool> Fill();
  // At a delimiter (buffer_[pos_]): fails unless "--" or blanks and CRLF
  // follow it.
  common::Status CheckDelimiterLine();
  common::Status Fail(common::Status status);

  common::ByteSource& body_;
  const std::string delimiter_;  // "\r\n--" + boundary
  State state_ = State::kPreamble;
  common::Status failure_;
  std::string buffer_;
  size_t pos_ = 0;  // first unconsumed byte of buffer_
  // In kContent: buffer_[pos_, content_end_) is content for sure (no
  // delimiter starts there); delimiter_at_ is where the part's delimiter
  // starts once found, else npos.
  size_t content_end_ = 0;
  size_t delimiter_at_ = std::string::npos;
};

// The current part of a reader as a ByteSource: what the object write path
// reads. Read returns 0 at the part's closing delimiter. reader must outlive
// the source.
class FormPartSource : public common::ByteSource {
 public:
  explicit FormPartSource(MultipartFormReader& reader) : reader_(reader) {}
  common::Result<size_t> Read(std::span<char> out) override { return reader_.ReadContent(out); }

 private:
  MultipartFormReader& reader_;
};

}  // namespace strata::http
