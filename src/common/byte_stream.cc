#include "common/byte_stream.h"

#include <algorithm>
#include <cstring>

namespace strata::common {

Result<size_t> StringSource::Read(std::span<char> out) {
  size_t n = std::min(out.size(), data_.size() - pos_);
  std::memcpy(out.data(), data_.data() + pos_, n);
  pos_ += n;
  return n;
}

Result<std::string> ReadAll(ByteSource& source, size_t max_bytes) {
  std::string out;
  char buf[16 * 1024];
  while (true) {
    STRATA_ASSIGN_OR_RETURN(size_t n, source.Read(buf));
    if (n == 0) return out;
    if (out.size() + n > max_bytes) {
      return Error(Code::kEntityTooLarge, "request body exceeds " + std::to_string(max_bytes));
    }
    out.append(buf, n);
  }
}

}  // namespace strata::common
