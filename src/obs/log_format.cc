#include "obs/log_format.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

namespace strata::obs {
namespace {

using common::Code;
using common::Error;

// A message that is already one JSON object (the request lines) is spliced,
// not parsed again: they are built by nlohmann::json, so they are well formed.
bool IsJsonObject(std::string_view text) {
  return text.size() >= 2 && text.front() == '{' && text.back() == '}';
}

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    Append(dest, R"({"time":")");
    AppendTime(msg.time, dest);
    Append(dest, R"(","level":")");
    const auto level = spdlog::level::to_string_view(msg.level);
    Append(dest, std::string_view(level.data(), level.size()));
    Append(dest, "\"");
    if (IsJsonObject(payload)) {
      std::string_view rest = payload.substr(1);  // the fields and the closing brace
      if (rest.find_first_not_of(" \t") != std::string_view::npos &&
          rest[rest.find_first_not_of(" \t")] != '}') {
        Append(dest, ",");
      }
      Append(dest, rest);
    } else {
      Append(dest, R"(,"msg":)");
      Append(dest, nlohmann::json(std::string(payload))
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      Append(dest, "}");
    }
    Append(dest, "\n");
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }

 private:
  static void Append(spdlog::memory_buf_t& dest, std::string_view text) {
    dest.append(text.data(), text.data() + text.size());
  }

  // RFC 3339 in UTC with milliseconds: 2026-12-01T06:07:43.123Z.
  static void AppendTime(spdlog::log_clock::time_point time, spdlog::memory_buf_t& dest) {
    const auto since_epoch = time.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
    const std::time_t t = seconds.count();
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    const size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
    Append(dest, std::string_view(buf, n));
    char frac[8];
    const int m = std::snprintf(frac, sizeof(frac), ".%03dZ", static_cast<int>(millis));
    Append(dest, std::string_view(frac, static_cast<size_t>(m)));
  }
};

}  // namespace

common::Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "json") return LogFormat::kJson;
  if (name == "text") return LogFormat::kText;
  return Error(Code::kInvalidArgument,
               "unknown log format '" + std::string(name) + "' (json or text)");
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format) {
  if (format == LogFormat::kJson) return std::make_unique<JsonFormatter>();
  return std::make_unique<spdlog::pattern_formatter>();
}

common::Status ConfigureLogging(LogFormat format, std::string_view level) {
  const spdlog::level::level_enum parsed = spdlog::level::from_str(std::string(level));
  // from_str answers "off" for anything it does not know.
  if (parsed == spdlog::level::off && level != "off") {
    return Error(Code::kInvalidArgument, "unknown log level '" + std::string(level) +
                                             "' (trace, debug, info, warn, error, critical, off)");
  }
  spdlog::set_level(parsed);
  spdlog::set_formatter(MakeLogFormatter(format));
  return common::Status::Ok();
}

}  // namespace strata::obs
