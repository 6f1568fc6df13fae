#include "admin/admin_request.h"

#include <gtest/gtest.h>

#include <string>

#include "common/testing/byte_sources.h"

namespace strata::admin {
namespace {

using common::Code;

TEST(ReadAdminBodyTest, UpToTheLimit) {
  const std::string full(kMaxBodyBytes, 'x');
  common::StringSource at_limit(full);
  auto read = ReadAdminBody(at_limit);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->size(), kMaxBodyBytes);

  common::StringSource empty("");
  read = ReadAdminBody(empty);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
}

TEST(ReadAdminBodyTest, Failures) {
  const std::string over(kMaxBodyBytes + 1, 'x');
  common::StringSource too_long(over);
  auto read = ReadAdminBody(too_long);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Code::kInvalidArgument);
  EXPECT_NE(read.status().message().find("64 KiB"), std::string::npos);

  common::testing::DroppingSource dropped(100);
  read = ReadAdminBody(dropped);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace strata::admin
