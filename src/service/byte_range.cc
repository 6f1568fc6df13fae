#include "service/byte_range.h"

#include <charconv>

namespace strata::service {
namespace {

std::optional<uint64_t> ParseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

common::Status Unsatisfiable() {
  return common::Error(common::Code::kInvalidRange, "The requested range is not satisfiable");
}

}  // namespace

common::Result<std::optional<ByteRange>> ResolveRange(std::string_view header, uint64_t size) {
  constexpr std::string_view kPrefix = "bytes=";
  std::optional<ByteRange> whole;
  if (!header.starts_with(kPrefix)) return whole;
  std::string_view spec = header.substr(kPrefix.size());
  if (spec.find(',') != std::string_view::npos) return whole;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  std::string_view first = spec.substr(0, dash);
  std::string_view last = spec.substr(dash + 1);

  if (first.empty()) {  // suffix: the last n bytes
    auto n = ParseNumber(last);
    if (!n) return whole;
    if (*n == 0 || size == 0) return Unsatisfiable();
    uint64_t length = std::min(*n, size);
    return std::optional<ByteRange>(ByteRange{size - length, length});
  }
  auto start = ParseNumber(first);
  if (!start) return whole;
  std::optional<uint64_t> end;
  if (!last.empty()) {
    end = ParseNumber(last);
    if (!end || *end < *start) return whole;
  }
  if (*start >= size) return Unsatisfiable();
  uint64_t inclusive_end = end ? std::min(*end, size - 1) : size - 1;
  return std::optional<ByteRange>(ByteRange{*start, inclusive_end - *start + 1});
}

}  // namespace strata::service
