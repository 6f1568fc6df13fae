#include "obs/log_format.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace strata::obs {
namespace {

// Logs `messages` through a logger with `format`'s formatter; returns the lines.
std::vector<std::string> LogLines(LogFormat format, const std::vector<std::string>& messages,
                                  spdlog::level::level_enum level = spdlog::level::info) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("test", sink);
  logger.set_formatter(MakeLogFormatter(format));
  for (const std::string& m : messages) logger.log(level, "{}", m);
  logger.flush();
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(LogFormat, ParsesTheTwoNames) {
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("JSON").ok());
  EXPECT_FALSE(ParseLogFormat("").ok());
  EXPECT_FALSE(ParseLogFormat("logfmt").ok());
}

TEST(LogFormat, JsonRequestLineKeepsItsFieldsAfterTimeAndLevel) {
  const nlohmann::json request = {{"request_id", "R1"}, {"status", 200}, {"latency_ms", 1.5}};
  auto lines = LogLines(LogFormat::kJson, {request.dump()});
  ASSERT_EQ(lines.size(), 1u);
  const auto parsed = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["request_id"], "R1");
  EXPECT_EQ(parsed["status"], 200);
  EXPECT_DOUBLE_EQ(parsed["latency_ms"].get<double>(), 1.5);
  const std::string time = parsed["time"];
  // 2026-12-01T06:07:43.123Z
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(lines[0].rfind(R"({"time":)", 0), 0u) << "time comes first: " << lines[0];
}

TEST(LogFormat, JsonPlainMessageIsEscapedIntoMsg) {
  const std::string tricky = "drive \"d1\" gone\n\tnext line \\ and \x01 control, ünïcode";
  auto lines = LogLines(LogFormat::kJson, {tricky, "Strata listening on 127.0.0.1:9000"},
                        spdlog::level::warn);
  ASSERT_EQ(lines.size(), 2u);  // the newline inside the message is escaped
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "warning");
  EXPECT_EQ(first["msg"], tricky);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["msg"], "Strata listening on 127.0.0.1:9000");
}

TEST(LogFormat, JsonEmptyObjectAndBraceTextStayValid) {
  auto lines = LogLines(LogFormat::kJson, {"{}", "{ }", "{not json", "}{"});
  ASSERT_EQ(lines.size(), 4u);
  for (const std::string& line : lines) {
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
  }
  EXPECT_EQ(nlohmann::json::parse(lines[2])["msg"], "{not json");
  EXPECT_EQ(nlohmann::json::parse(lines[3])["msg"], "}{");
}

TEST(LogFormat, InvalidUtf8InAPlainMessageIsReplacedNotFatal) {
  auto lines = LogLines(LogFormat::kJson, {std::string("bad \xff\xfe bytes")});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(nlohmann::json::accept(lines[0])) << lines[0];
}

TEST(LogFormat, TextIsSpdlogsPattern) {
  auto lines = LogLines(LogFormat::kText, {"hello"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("[info] hello"), std::string::npos) << lines[0];
  EXPECT_FALSE(nlohmann::json::accept(lines[0]));
}

TEST(LogFormat, ConfigureLoggingRejectsAnUnknownLevel) {
  EXPECT_FALSE(ConfigureLogging(LogFormat::kJson, "loud").ok());
  EXPECT_TRUE(ConfigureLogging(LogFormat::kText, "info").ok());
}

}  // namespace
}  // namespace strata::obs
