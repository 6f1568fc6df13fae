// The times `strata admin audit --since/--until` take: an age ("30s", "30m",
// "1h", "7d": that long before now) or an RFC 3339 time
// ("2026-12-01T06:00:00Z", "2026-12-01T07:00:00+01:00").
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace strata::app {

// Unix milliseconds for `text`; ages count back from now_ms. kInvalidArgument
// for anything else (a bare number has no unit: refused rather than
// guessed), naming `flag` in the message. Pure.
common::Result<int64_t> ParseAuditTime(std::string_view flag, std::string_view text,
                                       int64_t now_ms);

}  // namespace strata::app
