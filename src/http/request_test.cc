#include "http/request.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace strata::http {
namespace {

TEST(RemoteHostTest, StripsThePort) {
  const std::pair<std::string, std::string> kCases[] = {
      {"127.0.0.1:53112", "127.0.0.1"},
      {"10.1.2.3:1", "10.1.2.3"},
      {"[::1]:9000", "::1"},
      {"[fe80::1%eth0]:80", "fe80::1%eth0"},
      {"::1", "::1"},
      {"unknown", "unknown"},
      {"", ""},
  };
  for (const auto& [address, host] : kCases) EXPECT_EQ(RemoteHost(address), host) << address;
}

}  // namespace
}  // namespace strata::http
