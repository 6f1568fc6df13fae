// Parsing of the human-friendly quantities `strata bench` takes on its command
// line: object sizes ("4KiB", "64MiB") and durations ("10s", "1m30s"). Pure
// functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::loadgen {

// A byte count: digits, then an optional unit, case-insensitive:
//   B (or none) = 1; KiB, K = 1024; MiB, M = 1024^2; GiB, G = 1024^3;
//   TiB, T = 1024^4; KB = 1000; MB = 1000^2; GB = 1000^3; TB = 1000^4.
// One space between number and unit is allowed ("4 KiB").
// kInvalidArgument on an empty string, a sign, a fraction, an unknown unit or
// a value above 2^63 - 1 bytes.
common::Result<uint64_t> ParseSize(std::string_view text);

// A duration as Go writes them: one or more <digits><unit> groups with units
// ms, s, m, h ("10s", "500ms", "1m30s"), or plain digits meaning seconds.
// kInvalidArgument on an empty string, a missing or unknown unit after the
// first group, a sign, or overflow.
common::Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// "4 KiB", "1.5 MiB", "64 MiB", "17 B": the largest binary unit in which the
// value is at least 1, with up to one decimal when it is not whole.
std::string FormatSize(uint64_t bytes);

}  // namespace strata::loadgen
