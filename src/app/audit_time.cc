#include "app/audit_time.h"

#include <charconv>
#include <string>

#include "common/time_format.h"

namespace strata::app {

common::Result<int64_t> ParseAuditTime(std::string_view flag, std::string_view text,
                                       int64_t now_ms) {
  if (auto ms = common::ParseRfc3339Millis(text)) return *ms;
  int64_t unit_ms = 0;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit_ms = 1000;
        break;
      case 'm':
        unit_ms = 60 * 1000;
        break;
      case 'h':
        unit_ms = 3600 * 1000;
        break;
      case 'd':
        unit_ms = 24 * 3600 * 1000;
        break;
      default:
        break;
    }
  }
  int64_t count = 0;
  if (unit_ms > 0) {
    const std::string_view digits = text.substr(0, text.size() - 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    // At most ~100 years back: keeps the product far from overflowing.
    if (!digits.empty() && ec == std::errc() && end == digits.data() + digits.size() &&
        count >= 0 && count <= int64_t{100} * 366 * 24 * 3600 && count * unit_ms <= now_ms) {
      return now_ms - count * unit_ms;
    }
  }
  return common::Error(common::Code::kInvalidArgument,
                       std::string(flag) +
                           " takes an age (30m, 1h, 7d) or an RFC 3339 time "
                           "(2026-12-01T06:00:00Z), not '" +
                           std::string(text) + "'");
}

}  // namespace strata::app
