#include "service/read_conditions.h"

#include <gtest/gtest.h>

namespace strata::service {
namespace {

using common::Code;

meta::ObjectRecord Object() {
  meta::ObjectRecord o;
  o.etag = "abc";
  o.last_modified_ms = 1000'500;  // 1000.5 s
  return o;
}

Code Evaluate(const ReadConditions& c, bool copy = false) {
  return EvaluateReadConditions(c, Object(), copy).code();
}

TEST(ReadConditionsTest, EtagLists) {
  EXPECT_TRUE(EtagListMatches("\"abc\"", "abc"));
  EXPECT_TRUE(EtagListMatches("abc", "abc"));
  EXPECT_TRUE(EtagListMatches("W/\"abc\"", "abc"));
  EXPECT_TRUE(EtagListMatches("\"x\", \"abc\"", "abc"));
  EXPECT_TRUE(EtagListMatches("*", "abc"));
  EXPECT_FALSE(EtagListMatches("\"abd\"", "abc"));
  EXPECT_FALSE(EtagListMatches("", "abc"));
}

TEST(ReadConditionsTest, EachConditionAlone) {
  EXPECT_EQ(Evaluate({}), Code::kOk);
  EXPECT_EQ(Evaluate({.if_match = "\"abc\""}), Code::kOk);
  EXPECT_EQ(Evaluate({.if_match = "\"zzz\""}), Code::kPreconditionFailed);
  EXPECT_EQ(Evaluate({.if_none_match = "\"abc\""}), Code::kNotModified);
  EXPECT_EQ(Evaluate({.if_none_match = "\"zzz\""}), Code::kOk);
  // Last-Modified is compared in whole seconds: 1000.
  EXPECT_EQ(Evaluate({.if_modified_since = 1000}), Code::kNotModified);
  EXPECT_EQ(Evaluate({.if_modified_since = 999}), Code::kOk);
  EXPECT_EQ(Evaluate({.if_unmodified_since = 1000}), Code::kOk);
  EXPECT_EQ(Evaluate({.if_unmodified_since = 999}), Code::kPreconditionFailed);
}

TEST(ReadConditionsTest, S3Precedence) {
  // If-Match true wins over a failing If-Unmodified-Since.
  EXPECT_EQ(Evaluate({.if_match = "abc", .if_unmodified_since = 999}), Code::kOk);
  // If-None-Match false (no match) wins over a failing If-Modified-Since.
  EXPECT_EQ(Evaluate({.if_none_match = "zzz", .if_modified_since = 2000}), Code::kOk);
  EXPECT_EQ(Evaluate({.if_none_match = "abc", .if_modified_since = 10}), Code::kNotModified);
  // 412 outranks 304.
  EXPECT_EQ(Evaluate({.if_match = "zzz", .if_none_match = "abc"}), Code::kPreconditionFailed);
}

TEST(ReadConditionsTest, CopySourceTurnsNotModifiedIntoPreconditionFailed) {
  EXPECT_EQ(Evaluate({.if_none_match = "abc"}, true), Code::kPreconditionFailed);
  EXPECT_EQ(Evaluate({.if_modified_since = 1000}, true), Code::kPreconditionFailed);
  EXPECT_EQ(Evaluate({.if_match = "abc"}, true), Code::kOk);
}

}  // namespace
}  // namespace strata::service
