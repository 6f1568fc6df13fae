#include "http/multipart_form.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "http/headers.h"

namespace strata::http {
namespace {

using common::Code;
using common::Error;

constexpr size_t kReadBytes = 64 * 1024;
constexpr size_t kMaxBoundaryBytes = 70;  // RFC 2046 section 5.1.1
constexpr size_t kMaxPaddingBytes = 256;  // blanks allowed after a boundary

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

struct Parameter {
  std::string name;  // lower-case
  std::string value;
};

// Splits `type; a=b; c="d;e"` into the type and its parameters. Quoted
// values may hold ';' and backslash escapes. A parameter without '=' is
// skipped.
std::string_view SplitParameters(std::string_view header, std::vector<Parameter>& out) {
  size_t semi = header.find(';');
  std::string_view type = Trim(header.substr(0, semi));
  size_t pos = semi == std::string_view::npos ? header.size() : semi + 1;
  while (pos < header.size()) {
    while (pos < header.size() && (IsBlank(header[pos]) || header[pos] == ';')) ++pos;
    size_t eq = header.find_first_of("=;", pos);
    if (eq == std::string_view::npos || header[eq] == ';') {
      pos = eq == std::string_view::npos ? header.size() : eq + 1;
      continue;
    }
    Parameter parameter{ToLower(Trim(header.substr(pos, eq - pos))), ""};
    pos = eq + 1;
    while (pos < header.size() && IsBlank(header[pos])) ++pos;
    if (pos < header.size() && header[pos] == '"') {
      ++pos;
      while (pos < header.size() && header[pos] != '"') {
        if (header[pos] == '\\' && pos + 1 < header.size()) ++pos;
        parameter.value.push_back(header[pos++]);
      }
      pos = header.find(';', pos);
      if (pos == std::string_view::npos) pos = header.size();
    } else {
      size_t end = header.find(';', pos);
      if (end == std::string_view::npos) end = header.size();
      parameter.value = std::string(Trim(header.substr(pos, end - pos)));
      pos = end;
    }
    out.push_back(std::move(parameter));
  }
  return type;
}

common::Status Malformed(std::string_view detail) {
  return Error(Code::kMalformedPostRequest,
               "The body of your POST request is not well-formed multipart/form-data: " +
                   std::string(detail));
}

// Fills part from a header section ("Name: value" lines separated by CRLF,
// without the blank line that ends it).
common::Status ParsePartHeaders(std::string_view section, FormPart& part) {
  while (!section.empty()) {
    size_t eol = section.find("\r\n");
    std::string_view line = section.substr(0, eol);
    section = eol == std::string_view::npos ? "" : section.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return Malformed("a header line without ':'");
    std::string name = ToLower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      std::vector<Parameter> parameters;
      SplitParameters(value, parameters);
      for (Parameter& parameter : parameters) {
        if (parameter.name == "name") part.name = std::move(parameter.value);
        if (parameter.name == "filename") part.filename = std::move(parameter.value);
      }
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (part.name.empty()) return Malformed("a part without a name");
  return common::Status::Ok();
}

}  // namespace

std::optional<std::string> FormBoundary(std::string_view content_type) {
  std::vector<Parameter> parameters;
  std::string_view type = SplitParameters(content_type, parameters);
  if (!EqualsIgnoreCase(type, "multipart/form-data")) return std::nullopt;
  for (Parameter& parameter : parameters) {
    if (parameter.name != "boundary") continue;
    if (parameter.value.empty() || parameter.value.size() > kMaxBoundaryBytes) return std::nullopt;
    return std::move(parameter.value);
  }
  return std::nullopt;
}

MultipartFormReader::MultipartFormReader(common::ByteSource& body, std::string_view boundary)
    : body_(body), delimiter_("\r\n--" + std::string(boundary)) {
  // The first delimiter has no CRLF in front when there is no preamble; a
  // CRLF put in front of the body lets one search find it either way.
  buffer_ = "\r\n";
}

common::Status MultipartFormReader::Fail(common::Status status) {
  state_ = State::kFailed;
  failure_ = status;
  return status;
}

common::Result<bool> MultipartFormReader::Fill() {
  // Keep the buffer from growing with the body: drop what was consumed once
  // it is most of the buffer.
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_.erase(0, pos_);
    content_end_ -= std::min(content_end_, pos_);
    if (delimiter_at_ != std::string::npos) delimiter_at_ -= pos_;
    pos_ = 0;
  }
  size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadBytes);
  common::Result<size_t> n = body_.Read(std::span<char>(buffer_.data() + old_size, kReadBytes));
  if (!n.ok()) {
    buffer_.resize(old_size);
    return Fail(n.status());
  }
  buffer_.resize(old_size + *n);
  return *n > 0;
}

common::Result<size_t> MultipartFormReader::ReadContent(std::span<char> out) {
  if (state_ == State::kFailed) return failure_;
  if (state_ != State::kContent || out.empty()) return 0;
  while (true) {
    if (pos_ < content_end_) {
      size_t n = std::min(out.size(), content_end_ - pos_);
      std::memcpy(out.data(), buffer_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    if (delimiter_at_ != std::string::npos) {
      // pos_ == delimiter_at_: the part is over, if this is a delimiter line
      // at all. The boundary never occurs inside a part (RFC 2046), so one
      // followed by anything else is a broken body, not content: refusing it
      // here keeps a truncated file from being taken for the whole of it.
      STRATA_RETURN_IF_ERROR(CheckDelimiterLine());
      state_ = State::kDelimiter;
      return 0;
    }
    size_t found = buffer_.find(delimiter_, pos_);
    if (found != std::string::npos) {
      content_end_ = found;
      delimiter_at_ = found;
      continue;
    }
    // Bytes that could be the start of a delimiter split across reads stay
    // in the buffer until the next read decides.
    size_t keep = delimiter_.size() - 1;
    if (buffer_.size() > pos_ + keep) {
      content_end_ = buffer_.size() - keep;
      continue;
    }
    STRATA_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Fail(Malformed("the body ended before the closing boundary"));
  }
}

common::Status MultipartFormReader::CheckDelimiterLine() {
  // After "\r\n--boundary": "--", or transport padding (blanks) and CRLF.
  // Offsets are from pos_, which a Fill may move.
  size_t offset = delimiter_.size();
  while (true) {
    while (buffer_.size() < pos_ + offset + 2) {
      STRATA_ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Fail(Malformed("the body ended inside a boundary line"));
    }
    if (!IsBlank(buffer_[pos_ + offset])) break;
    if (offset > delimiter_.size() + kMaxPaddingBytes) {
      return Fail(Malformed("too much padding after a boundary"));
    }
    ++offset;
  }
  if (buffer_.compare(pos_ + offset, 2, "--") == 0 ||
      buffer_.compare(pos_ + offset, 2, "\r\n") == 0) {
    return common::Status::Ok();
  }
  return Fail(Malformed("a boundary line not followed by CRLF"));
}

common::Result<std::string> MultipartFormReader::ReadContentToString(size_t max_bytes) {
  std::string out;
  char chunk[4096];
  while (true) {
    STRATA_ASSIGN_OR_RETURN(size_t n, ReadContent(chunk));
    if (n == 0) return out;
    if (out.size() + n > max_bytes) {
      return Error(Code::kEntityTooLarge,
                   "form field longer than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(chunk, n);
  }
}

common::Result<std::optional<FormPart>> MultipartFormReader::NextPart(size_t max_header_bytes) {
  if (state_ == State::kFailed) return failure_;
  if (state_ == State::kDone) return std::optional<FormPart>();
  if (state_ == State::kPreamble) {
    // The preamble is content nobody reads.
    state_ = State::kContent;
    content_end_ = pos_;
    delimiter_at_ = std::string::npos;
  }
  // Skip the rest of the current part (or the preamble).
  char sink[4096];
  while (state_ == State::kContent) {
    STRATA_ASSIGN_OR_RETURN(size_t n, ReadContent(sink));
    (void)n;
  }
  // At the delimiter. Then "--" (the close) or transport padding and CRLF.
  pos_ += delimiter_.size();
  auto need = [&](size_t bytes) -> common::Result<bool> {
    while (buffer_.size() - pos_ < bytes) {
      STRATA_ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return false;
    }
    return true;
  };
  STRATA_ASSIGN_OR_RETURN(bool have_two, need(2));
  if (have_two && buffer_.compare(pos_, 2, "--") == 0) {
    state_ = State::kDone;
    return std::optional<FormPart>();
  }
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool have, need(1));
    if (!have || !IsBlank(buffer_[pos_])) break;
    ++pos_;
  }
  STRATA_ASSIGN_OR_RETURN(bool have_crlf, need(2));
  if (!have_crlf || buffer_.compare(pos_, 2, "\r\n") != 0) {
    return Fail(Malformed("a boundary line not followed by CRLF"));
  }
  // The header section ends at an empty line. Searching from the CRLF that
  // ended the delimiter line finds an empty header section too. The search
  // starts over after each read: the section is bounded by max_header_bytes,
  // so that costs little.
  size_t end;
  while (true) {
    end = buffer_.find("\r\n\r\n", pos_);
    if (end != std::string::npos) break;
    if (buffer_.size() - pos_ > max_header_bytes + 4) {
      return Fail(Error(Code::kRequestHeaderSectionTooLarge,
                        "a part's headers exceed " + std::to_string(max_header_bytes) + " bytes"));
    }
    STRATA_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Fail(Malformed("the body ended inside a part's headers"));
  }
  const size_t section_start = pos_ + 2;
  FormPart part;
  std::string_view section;
  if (end >= section_start) {
    section = std::string_view(buffer_).substr(section_start, end - section_start);
  }
  part.header_bytes = end + 4 - pos_;
  if (section.size() > max_header_bytes) {
    return Fail(Error(Code::kRequestHeaderSectionTooLarge,
                      "a part's headers exceed " + std::to_string(max_header_bytes) + " bytes"));
  }
  if (common::Status parsed = ParsePartHeaders(section, part); !parsed.ok()) {
    return Fail(std::move(parsed));
  }
  pos_ = end + 4;
  state_ = State::kContent;
  content_end_ = pos_;
  delimiter_at_ = std::string::npos;
  return std::optional<FormPart>(std::move(part));
}

}  // namespace strata::http
