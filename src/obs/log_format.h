// How the server's log lines look (issue 7): `json` (the default) makes every
// line one JSON object an aggregator can ingest as is — a request line is the
// object S3Handler / LogAdminRequest build, with "time" and "level" put in
// front; any other message becomes {"time", "level", "msg"}. `text` is
// spdlog's usual "[time] [level] message", easier on a terminal.
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string_view>

#include "common/result.h"

namespace strata::obs {

enum class LogFormat { kJson, kText };

// "json" or "text"; kInvalidArgument otherwise.
common::Result<LogFormat> ParseLogFormat(std::string_view name);

// The formatter for `format` (for tests, and for sinks of one's own).
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format);

// Sets `format` and `level` ("info", "debug", ...) on the default logger.
// kInvalidArgument for an unknown level.
common::Status ConfigureLogging(LogFormat format, std::string_view level);

}  // namespace strata::obs
