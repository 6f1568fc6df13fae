#include "admin/api_error.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace strata::admin {
namespace {

using common::Code;

struct Row {
  Code code;
  int http_status;
  std::string wire_code;
};

TEST(ToApiErrorTest, DocumentedCodes) {
  const Row kRows[] = {
      {Code::kInvalidArgument, 400, "InvalidArgument"},
      {Code::kMalformedXml, 400, "MalformedJSON"},
      {Code::kMalformedPolicy, 400, "MalformedPolicy"},
      {Code::kInvalidToken, 401, "InvalidToken"},
      {Code::kAccessDenied, 403, "AccessDenied"},
      {Code::kNoSuchEntity, 404, "NoSuchEntity"},
      {Code::kMethodNotAllowed, 405, "MethodNotAllowed"},
      {Code::kEntityAlreadyExists, 409, "EntityAlreadyExists"},
      {Code::kDeleteConflict, 409, "DeleteConflict"},
      {Code::kTooManyRequests, 429, "TooManyRequests"},
  };
  for (const Row& row : kRows) {
    ApiError error = ToApiError(common::Error(row.code, "what the service said"));
    EXPECT_EQ(error.http_status, row.http_status) << common::CodeName(row.code);
    EXPECT_EQ(error.code, row.wire_code) << common::CodeName(row.code);
    // Client errors carry the service's own message.
    EXPECT_EQ(error.message, "what the service said") << common::CodeName(row.code);
  }
}

TEST(ToApiErrorTest, ServerErrorsNeverShowTheirMessage) {
  const std::string kSecret = "/data/meta/strata.db: SQLITE_BUSY at INSERT INTO users";
  for (Code code : {Code::kUnavailable, Code::kSlowDown, Code::kTimeout}) {
    ApiError error = ToApiError(common::Error(code, kSecret));
    EXPECT_EQ(error.http_status, 503) << common::CodeName(code);
    EXPECT_EQ(error.code, "ServiceUnavailable");
    EXPECT_EQ(error.message.find("strata.db"), std::string::npos);
  }
  for (Code code : {Code::kInternal, Code::kCorruption, Code::kNoSuchKey, Code::kNotImplemented,
                    Code::kInvalidAccessKeyId, Code::kSignatureDoesNotMatch}) {
    ApiError error = ToApiError(common::Error(code, kSecret));
    EXPECT_EQ(error.http_status, 500) << common::CodeName(code);
    EXPECT_EQ(error.code, "InternalError");
    EXPECT_EQ(error.message.find("strata.db"), std::string::npos);
  }
}

// Every code has a row: a status the admin API documents, and a message.
TEST(ToApiErrorTest, EveryCodeMapped) {
  for (int i = static_cast<int>(Code::kInvalidArgument);
       i <= static_cast<int>(Code::kTooManyRequests); ++i) {
    const Code code = static_cast<Code>(i);
    ApiError error = ToApiError(common::Error(code, "m"));
    EXPECT_TRUE(error.http_status == 400 || error.http_status == 401 || error.http_status == 403 ||
                error.http_status == 404 || error.http_status == 405 || error.http_status == 409 ||
                error.http_status == 429 || error.http_status == 500 || error.http_status == 503)
        << common::CodeName(code) << " -> " << error.http_status;
    EXPECT_FALSE(error.code.empty()) << common::CodeName(code);
    EXPECT_FALSE(error.message.empty()) << common::CodeName(code);
  }
}

TEST(ToApiErrorTest, RetryAfterFromTheLimiterMessage) {
  const std::pair<std::string, int64_t> kCases[] = {
      {"too many failed logins; retry in 37 s", 37},
      {"too many failed logins; retry in 3600 s", 3600},
      {"too many failed logins", 60},
      {"retry in soon", 60},
      {"retry in 0 s", 60},
      {"retry in -5 s", 60},
  };
  for (const auto& [message, seconds] : kCases) {
    ApiError error = ToApiError(common::Error(Code::kTooManyRequests, message));
    ASSERT_TRUE(error.retry_after_s.has_value()) << message;
    EXPECT_EQ(*error.retry_after_s, seconds) << message;
  }
  EXPECT_FALSE(ToApiError(common::Error(Code::kAccessDenied, "retry in 5 s")).retry_after_s);
}

TEST(ErrorResponseTest, ShapeAndHeaders) {
  http::Response r = ErrorResponse(common::Error(Code::kNoSuchEntity, "no user \"bob\""));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.headers.Get("Cache-Control"), "no-store");
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.body;
  EXPECT_EQ(doc, (nlohmann::json{{"error", "NoSuchEntity"}, {"message", "no user \"bob\""}}));
  EXPECT_FALSE(r.headers.Has("WWW-Authenticate"));
  EXPECT_FALSE(r.headers.Has("Retry-After"));

  r = ErrorResponse(common::Error(Code::kInvalidToken, "expired"));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.headers.Get("WWW-Authenticate").starts_with("Bearer")) << r.body;

  r = ErrorResponse(common::Error(Code::kTooManyRequests, "retry in 120 s"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.Get("Retry-After"), "120");

  r = ErrorResponse(ApiError{
      .http_status = 405, .code = "MethodNotAllowed", .message = "use GET", .allow = "GET"});
  EXPECT_EQ(r.headers.Get("Allow"), "GET");
}

TEST(JsonResponseTest, InvalidUtf8DoesNotThrow) {
  http::Response r = JsonResponse(200, {{"description", std::string("a\xff"
                                                                    "b")}});
  EXPECT_EQ(r.status, 200);
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.body;
  EXPECT_EQ(doc["description"],
            "a\xEF\xBF\xBD"
            "b");
}

TEST(NoContentResponseTest, Empty) {
  http::Response r = NoContentResponse();
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
}

}  // namespace
}  // namespace strata::admin
