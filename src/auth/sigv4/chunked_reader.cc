#include "auth/sigv4/chunked_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "auth/sigv4/signing.h"
#include "common/hash.h"

namespace strata::auth {

namespace {

using common::Code;

// Chunk header lines are ~90 bytes and trailer lines short; anything longer
// is not aws-chunked, and must not make us buffer without bound.
constexpr size_t kMaxLineBytes = 4096;
constexpr size_t kMaxTrailers = 32;
constexpr size_t kInputBufferBytes = 64 * 1024;
constexpr std::string_view kChunkSignatureExt = "chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";

common::Status Malformed(std::string detail) {
  return common::Error(Code::kInvalidRequest, "Malformed aws-chunked body: " + std::move(detail));
}

common::Status Truncated() {
  return common::Error(Code::kIncompleteBody,
                       "You did not provide the number of bytes specified by the "
                       "x-amz-decoded-content-length HTTP header.");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Parses the hex chunk size; at most 15 digits so the value cannot overflow.
std::optional<uint64_t> ParseHexSize(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    value = (value << 4) | static_cast<uint64_t>(digit);
  }
  return value;
}

}  // namespace

ChunkedReader::ChunkedReader(common::ByteSource& raw, ChunkedReaderOptions options)
    : raw_(raw),
      options_(std::move(options)),
      signed_chunks_(options_.kind == PayloadKind::kStreamingSigned ||
                     options_.kind == PayloadKind::kStreamingSignedTrailer),
      input_(kInputBufferBytes, '\0'),
      previous_signature_(options_.seed_signature) {}

common::Result<size_t> ChunkedReader::Read(std::span<char> out) {
  if (!error_.ok()) return error_;
  if (out.empty()) return size_t{0};
  while (chunk_pos_ == chunk_.size()) {
    if (done_) return size_t{0};
    common::Status status = NextChunk();
    if (!status.ok()) {
      // The failed chunk's bytes are dropped with it: none were handed out.
      chunk_.clear();
      chunk_pos_ = 0;
      error_ = std::move(status);
      return error_;
    }
  }
  size_t n = std::min(out.size(), chunk_.size() - chunk_pos_);
  std::memcpy(out.data(), chunk_.data() + chunk_pos_, n);
  chunk_pos_ += n;
  return n;
}

common::Status ChunkedReader::NextChunk() {
  chunk_.clear();
  chunk_pos_ = 0;
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> line, ReadLine());
  if (!line) return Truncated();

  // "<hex size>[;name=value]...": only chunk-signature means anything to S3.
  std::string_view header(*line);
  size_t semi = header.find(';');
  std::string_view size_text = header.substr(0, semi);
  std::optional<std::string> claimed_signature;
  while (semi != std::string_view::npos) {
    size_t next = header.find(';', semi + 1);
    std::string_view ext = header.substr(
        semi + 1, next == std::string_view::npos ? std::string_view::npos : next - semi - 1);
    if (ext.starts_with(kChunkSignatureExt)) {
      if (claimed_signature) return Malformed("chunk-signature is repeated");
      claimed_signature = ToLowerAscii(ext.substr(kChunkSignatureExt.size()));
    }
    semi = next;
  }
  auto size = ParseHexSize(size_text);
  if (!size) return Malformed("bad chunk size \"" + std::string(size_text) + "\"");
  if (*size > options_.max_chunk_bytes) {
    return Malformed("chunk of " + std::to_string(*size) + " bytes exceeds the limit of " +
                     std::to_string(options_.max_chunk_bytes));
  }
  if (*size > options_.decoded_length - decoded_so_far_) {
    return common::Error(Code::kInvalidRequest,
                         "The aws-chunked body holds more data than "
                         "x-amz-decoded-content-length says (" +
                             std::to_string(options_.decoded_length) + " bytes).");
  }
  if (signed_chunks_ && (!claimed_signature || !IsLowerHex64(*claimed_signature))) {
    return Malformed("a signed chunk needs chunk-signature=<64 hex digits>");
  }

  if (*size > 0) {
    STRATA_RETURN_IF_ERROR(ReadChunkData(*size));
    STRATA_RETURN_IF_ERROR(ExpectCrlf());
  }
  if (signed_chunks_) {
    std::string expected = SignHex(
        options_.signing_key, ChunkStringToSign(options_.amz_date, options_.scope,
                                                previous_signature_, common::Sha256Hex(chunk_)));
    if (!common::ConstantTimeEquals(expected, *claimed_signature)) {
      return common::Error(Code::kSignatureDoesNotMatch,
                           "The chunk signature we calculated does not match the signature you "
                           "provided.");
    }
    previous_signature_ = std::move(expected);
  }
  if (*size > 0) {
    decoded_so_far_ += *size;
    return common::Status::Ok();
  }

  // The final, empty chunk: the data must be complete, then the trailers.
  if (decoded_so_far_ != options_.decoded_length) return Truncated();
  STRATA_RETURN_IF_ERROR(ReadTrailers());
  STRATA_RETURN_IF_ERROR(ExpectEnd());
  done_ = true;
  return common::Status::Ok();
}

common::Status ChunkedReader::ReadTrailers() {
  const bool trailers_allowed = options_.kind != PayloadKind::kStreamingSigned;
  const bool signed_trailer = options_.kind == PayloadKind::kStreamingSignedTrailer;
  std::string canonical;  // "name:value\n" per trailer, what the trailer signature covers
  bool have_signature = false;
  bool ended_by_blank = false;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(std::optional<std::string> line, ReadLine());
    if (!line) break;
    if (line->empty()) {
      // The AWS documentation puts a blank line between the final chunk and
      // the trailers, while the SDKs send the trailers at once: a blank line
      // before any trailer is skipped when trailers may follow.
      if (trailers_allowed && trailers_.size() == 0 && !have_signature) continue;
      ended_by_blank = true;
      break;
    }
    if (!trailers_allowed) return Malformed("trailers need a *-TRAILER x-amz-content-sha256");
    if (have_signature) return Malformed("trailer after x-amz-trailer-signature");
    size_t colon = line->find(':');
    if (colon == std::string::npos || colon == 0) {
      return Malformed("trailer line without \"name:\"");
    }
    std::string name = ToLowerAscii(Trim(std::string_view(*line).substr(0, colon)));
    std::string value(Trim(std::string_view(*line).substr(colon + 1)));
    if (name == kTrailerSignatureName) {
      // Unsigned-trailer uploads have no key to check it with; it is dropped.
      if (!signed_trailer) continue;
      std::string expected =
          SignHex(options_.signing_key,
                  TrailerStringToSign(options_.amz_date, options_.scope, previous_signature_,
                                      common::Sha256Hex(canonical)));
      if (!common::ConstantTimeEquals(expected, ToLowerAscii(value))) {
        return common::Error(Code::kSignatureDoesNotMatch,
                             "The trailer signature we calculated does not match the signature "
                             "you provided.");
      }
      have_signature = true;
      continue;
    }
    if (trailers_.size() >= kMaxTrailers) return Malformed("too many trailers");
    canonical.append(name).append(":").append(value).append("\n");
    trailers_.Add(name, value);
  }
  if (signed_trailer && !have_signature) {
    if (!ended_by_blank) return Truncated();
    return common::Error(Code::kSignatureDoesNotMatch,
                         "The trailers are not followed by x-amz-trailer-signature.");
  }
  if (!options_.declared_trailers.empty()) {
    const auto& declared = options_.declared_trailers;
    for (const auto& [name, value] : trailers_.entries()) {
      if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
        return Malformed("trailer " + name + " is not declared in x-amz-trailer");
      }
    }
    for (const std::string& name : declared) {
      if (!trailers_.Has(name)) return Malformed("trailer " + name + " declared but not sent");
    }
  }
  return common::Status::Ok();
}

common::Status ChunkedReader::ExpectEnd() {
  if (input_pos_ < input_end_) return Malformed("data after the final chunk");
  char probe[64];
  STRATA_ASSIGN_OR_RETURN(size_t n, raw_.Read(probe));
  if (n != 0) return Malformed("data after the final chunk");
  return common::Status::Ok();
}

common::Result<bool> ChunkedReader::FillInput() {
  if (input_pos_ < input_end_) return true;
  STRATA_ASSIGN_OR_RETURN(size_t n, raw_.Read(std::span<char>(input_.data(), input_.size())));
  input_pos_ = 0;
  input_end_ = n;
  return n > 0;
}

common::Result<std::optional<std::string>> ChunkedReader::ReadLine() {
  std::string line;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, FillInput());
    if (!more) {
      if (line.empty()) return std::optional<std::string>();
      return Truncated();
    }
    const char* begin = input_.data() + input_pos_;
    size_t available = input_end_ - input_pos_;
    const void* newline = std::memchr(begin, '\n', available);
    size_t take =
        newline ? static_cast<size_t>(static_cast<const char*>(newline) - begin) + 1 : available;
    if (line.size() + take > kMaxLineBytes) return Malformed("line too long");
    line.append(begin, take);
    input_pos_ += take;
    if (newline) {
      if (line.size() < 2 || line[line.size() - 2] != '\r') {
        return Malformed("line not terminated by CRLF");
      }
      line.resize(line.size() - 2);
      return std::optional<std::string>(std::move(line));
    }
  }
}

common::Status ChunkedReader::ReadChunkData(size_t n) {
  chunk_.resize(n);
  size_t have = std::min(n, input_end_ - input_pos_);
  std::memcpy(chunk_.data(), input_.data() + input_pos_, have);
  input_pos_ += have;
  // The rest goes straight from raw into the chunk, with no second copy.
  while (have < n) {
    STRATA_ASSIGN_OR_RETURN(size_t got, raw_.Read(std::span<char>(chunk_.data() + have, n - have)));
    if (got == 0) return Truncated();
    have += got;
  }
  return common::Status::Ok();
}

common::Status ChunkedReader::ExpectCrlf() {
  char crlf[2];
  for (char& c : crlf) {
    STRATA_ASSIGN_OR_RETURN(bool more, FillInput());
    if (!more) return Truncated();
    c = input_[input_pos_++];
  }
  if (crlf[0] != '\r' || crlf[1] != '\n') return Malformed("chunk data not followed by CRLF");
  return common::Status::Ok();
}

}  // namespace strata::auth
