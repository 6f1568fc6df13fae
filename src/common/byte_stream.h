// Byte streams that cross layers: the HTTP body reaches the service and the
// storage as a ByteSource, never as a whole buffer, so memory per request stays
// bounded whatever the object size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace strata::common {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to out.size() bytes into out. Returns 0 only at the end of the
  // stream; a short read is not the end. A failure (client gone, signature
  // mismatch, timeout) is final: later calls fail too.
  virtual Result<size_t> Read(std::span<char> out) = 0;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::span<const char> data) = 0;
};

// A source over a string held by the caller (tests, small XML bodies).
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  Result<size_t> Read(std::span<char> out) override;

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// A source that owns its bytes (a body that lives in memory, such as an
// object stored inline in its metadata row).
class OwnedStringSource : public ByteSource {
 public:
  explicit OwnedStringSource(std::string data) : data_(std::move(data)), view_(data_) {}
  Result<size_t> Read(std::span<char> out) override { return view_.Read(out); }

 private:
  std::string data_;
  StringSource view_;  // over data_, declared after it
};

// Passes another source's bytes through and counts them (request logs and
// metrics).
class CountingSource : public ByteSource {
 public:
  explicit CountingSource(ByteSource& next) : next_(next) {}
  Result<size_t> Read(std::span<char> out) override {
    STRATA_ASSIGN_OR_RETURN(size_t n, next_.Read(out));
    bytes_ += n;
    return n;
  }
  uint64_t bytes() const { return bytes_; }

 private:
  ByteSource& next_;
  uint64_t bytes_ = 0;
};

// Reads the whole source, failing with kEntityTooLarge past max_bytes. For
// small request bodies only (XML documents).
Result<std::string> ReadAll(ByteSource& source, size_t max_bytes);

}  // namespace strata::common
