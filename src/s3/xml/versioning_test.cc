#include "s3/xml/versioning.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::s3::xml {
namespace {

using common::Code;

TEST(ParseVersioningConfigurationTest, Good) {
  struct Case {
    std::string body;
    std::string status;
    std::string mfa_delete;
  };
  const Case kCases[] = {
      {"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>", "Enabled",
       ""},
      {R"(<?xml version="1.0" encoding="UTF-8"?>
<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Status> Suspended </Status>
  <MfaDelete>Disabled</MfaDelete>
</VersioningConfiguration>)",
       "Suspended", "Disabled"},
      {"<VersioningConfiguration><MfaDelete>Enabled</MfaDelete><Status>Enabled</Status>"
       "</VersioningConfiguration>",
       "Enabled", "Enabled"},
      {"<s3:VersioningConfiguration xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "<s3:Status>Enabled</s3:Status></s3:VersioningConfiguration>",
       "Enabled", ""},
  };
  for (const Case& c : kCases) {
    auto parsed = ParseVersioningConfiguration(c.body);
    ASSERT_TRUE(parsed.ok()) << c.body << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->status, c.status) << c.body;
    EXPECT_EQ(parsed->mfa_delete, c.mfa_delete) << c.body;
  }
}

TEST(ParseVersioningConfigurationTest, Bad) {
  const std::string kBad[] = {
      "",
      "not xml",
      "<VersioningConfiguration>",
      "<VersioningConfiguration/>",
      "<VersioningConfiguration></VersioningConfiguration>",
      "<VersioningConfiguration><Status></Status></VersioningConfiguration>",
      "<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>",
      "<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>",
      "<VersioningConfiguration><Status>On</Status></VersioningConfiguration>",
      "<VersioningConfiguration><Status>Enabled</Status><Status>Enabled</Status>"
      "</VersioningConfiguration>",
      "<VersioningConfiguration><Status>Enabled</Status><Extra/></VersioningConfiguration>",
      "<VersioningConfiguration>text<Status>Enabled</Status></VersioningConfiguration>",
      "<VersioningConfiguration><Status><X/></Status></VersioningConfiguration>",
      "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Yes</MfaDelete>"
      "</VersioningConfiguration>",
      "<Versioning><Status>Enabled</Status></Versioning>",
      "<!DOCTYPE x><VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
  };
  for (const std::string& body : kBad) {
    auto parsed = ParseVersioningConfiguration(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), Code::kMalformedXml) << body;
  }
}

TEST(WriteVersioningConfigurationTest, WithAndWithoutStatus) {
  EXPECT_EQ(WriteVersioningConfiguration(""),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
  EXPECT_EQ(WriteVersioningConfiguration("Enabled"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Status>Enabled</Status></VersioningConfiguration>");
}

}  // namespace
}  // namespace strata::s3::xml
