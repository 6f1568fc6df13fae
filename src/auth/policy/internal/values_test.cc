#include "auth/policy/internal/values.h"

#include <gtest/gtest.h>

#include <string_view>

namespace strata::auth::policy::internal {
namespace {

TEST(ParseNumberTest, GoodAndBad) {
  EXPECT_EQ(ParseNumber("10"), 10.0);
  EXPECT_EQ(ParseNumber("-2.5"), -2.5);
  EXPECT_EQ(ParseNumber("+3"), 3.0);
  EXPECT_EQ(ParseNumber("1e3"), 1000.0);
  EXPECT_EQ(ParseNumber(".5"), 0.5);
  EXPECT_EQ(ParseNumber("5."), 5.0);
  for (std::string_view bad : {"", "-", ".", "abc", "1x", "0x10", "inf", "nan", " 1", "1 ", "1e",
                               "--1", "1..2", "Infinity"}) {
    EXPECT_FALSE(ParseNumber(bad).has_value()) << bad;
  }
}

TEST(ParseDateMillisTest, Iso8601AndEpoch) {
  EXPECT_EQ(ParseDateMillis("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseDateMillis("1970-01-01"), 0);
  EXPECT_EQ(ParseDateMillis("2026-01-31T12:00:00Z"), 1769860800000);
  EXPECT_EQ(ParseDateMillis("2026-01-31T12:00Z"), 1769860800000);
  EXPECT_EQ(ParseDateMillis("2026-01-31T12:00:00"), 1769860800000);
  EXPECT_EQ(ParseDateMillis("2026-01-31T12:00:00.250Z"), 1769860800250);
  EXPECT_EQ(ParseDateMillis("2026-01-31T14:00:00+02:00"), 1769860800000);
  EXPECT_EQ(ParseDateMillis("2026-01-31T14:00:00+0200"), 1769860800000);
  EXPECT_EQ(ParseDateMillis("2026-01-31T10:30:00-01:30"), 1769860800000);
  EXPECT_EQ(ParseDateMillis("2024-02-29"), 1709164800000);
  EXPECT_EQ(ParseDateMillis("1769860800"), 1769860800000);
  EXPECT_EQ(ParseDateMillis("0"), 0);
  EXPECT_EQ(ParseDateMillis("2026"), 2026000);  // all digits: epoch seconds, not a year
  for (std::string_view bad :
       {"", "2026-01", "2026-1-31", "2026-13-01", "2026-02-29", "2026-01-32",
        "2026-01-31T24:00:00Z", "2026-01-31T12:60Z", "2026-01-31 12:00:00Z", "2026-01-31T12:00:00Q",
        "2026-01-31T12", "yesterday", "-5", "2026-01-31T12:00:00.Z", "1769860800000000"}) {
    EXPECT_FALSE(ParseDateMillis(bad).has_value()) << bad;
  }
}

TEST(ParseBoolTest, CaseInsensitive) {
  EXPECT_EQ(ParseBool("true"), true);
  EXPECT_EQ(ParseBool("TRUE"), true);
  EXPECT_EQ(ParseBool("False"), false);
  EXPECT_FALSE(ParseBool("yes").has_value());
  EXPECT_FALSE(ParseBool("1").has_value());
  EXPECT_FALSE(ParseBool("").has_value());
}

struct CidrCase {
  std::string_view network;
  std::string_view address;
  bool contains;
};

TEST(IpTest, NetworkContains) {
  const CidrCase kCases[] = {
      {"192.0.2.0/24", "192.0.2.1", true},
      {"192.0.2.0/24", "192.0.2.255", true},
      {"192.0.2.0/24", "192.0.3.1", false},
      {"192.0.2.7", "192.0.2.7", true},
      {"192.0.2.7", "192.0.2.8", false},
      {"192.0.2.7/32", "192.0.2.7", true},
      {"0.0.0.0/0", "203.0.113.9", true},
      {"10.0.0.0/8", "10.255.1.2", true},
      {"10.0.0.0/8", "11.0.0.1", false},
      {"10.1.2.3/8", "10.9.9.9", true},  // host bits are ignored
      {"172.16.0.0/12", "172.31.255.255", true},
      {"172.16.0.0/12", "172.32.0.0", false},
      {"192.0.2.0/25", "192.0.2.127", true},
      {"192.0.2.0/25", "192.0.2.128", false},
      {"2001:db8::/32", "2001:db8::1", true},
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"2001:db8::1", "2001:db8::1", true},
      {"2001:db8::1/128", "2001:db8::2", false},
      {"::/0", "2001:db8::1", true},
      {"2001:db8:1234::/47", "2001:db8:1235::1", true},
      {"2001:db8:1234::/48", "2001:db8:1235::1", false},
      // Never across families.
      {"0.0.0.0/0", "2001:db8::1", false},
      {"::/0", "192.0.2.1", false},
      // IPv4-mapped IPv6 addresses are IPv4.
      {"192.0.2.0/24", "::ffff:192.0.2.1", true},
      {"::ffff:192.0.2.0/120", "192.0.2.9", true},
  };
  for (const CidrCase& c : kCases) {
    auto network = ParseCidr(c.network);
    auto address = ParseIp(c.address);
    ASSERT_TRUE(network.has_value()) << c.network;
    ASSERT_TRUE(address.has_value()) << c.address;
    EXPECT_EQ(NetworkContains(*network, *address), c.contains) << c.network << " " << c.address;
  }
}

TEST(IpTest, Malformed) {
  for (std::string_view bad :
       {"", "192.0.2", "192.0.2.256", "192.0.2.1/33", "192.0.2.1/", "192.0.2.1/x", "2001:db8::/129",
        "2001:db8:::1", "host.example", "192.0.2.1/-1", "::ffff:1.2.3.4/64", " 192.0.2.1"}) {
    EXPECT_FALSE(ParseCidr(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseIp("192.0.2.0/24").has_value());
}

}  // namespace
}  // namespace strata::auth::policy::internal
