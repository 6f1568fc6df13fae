#include "s3/xml/cors.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::s3::xml {
namespace {

using common::Code;

std::string Document(std::string_view rules) {
  return "<CORSConfiguration>" + std::string(rules) + "</CORSConfiguration>";
}

constexpr std::string_view kMinimal =
    "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>";

TEST(ParseCorsConfigurationTest, Good) {
  common::Result<CorsConfiguration> parsed = ParseCorsConfiguration(R"(<?xml version="1.0"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <ID>web app</ID>
    <AllowedOrigin>https://app.example.com</AllowedOrigin>
    <AllowedOrigin>http://*.dev.example.com</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-amz-request-id</ExposeHeader>
    <MaxAgeSeconds> 3000 </MaxAgeSeconds>
  </CORSRule>
  <!-- the second rule -->
  <CORSRule>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedOrigin>*</AllowedOrigin>
  </CORSRule>
</CORSConfiguration>)");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->rules.size(), 2u);
  const CorsRule& first = parsed->rules[0];
  EXPECT_EQ(first.id, "web app");
  EXPECT_EQ(first.allowed_origins,
            (std::vector<std::string>{"https://app.example.com", "http://*.dev.example.com"}));
  EXPECT_EQ(first.allowed_methods, (std::vector<std::string>{"PUT", "GET"}));
  EXPECT_EQ(first.allowed_headers, (std::vector<std::string>{"*"}));
  EXPECT_EQ(first.expose_headers, (std::vector<std::string>{"ETag", "x-amz-request-id"}));
  EXPECT_EQ(first.max_age_seconds, 3000);
  const CorsRule& second = parsed->rules[1];
  EXPECT_EQ(second.id, "");
  EXPECT_EQ(second.allowed_origins, (std::vector<std::string>{"*"}));
  EXPECT_FALSE(second.max_age_seconds.has_value());

  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += kMinimal;
  EXPECT_TRUE(ParseCorsConfiguration(Document(hundred)).ok());
  EXPECT_TRUE(ParseCorsConfiguration(
                  "<s3:CORSConfiguration xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                  "<s3:CORSRule><s3:AllowedOrigin>*</s3:AllowedOrigin>"
                  "<s3:AllowedMethod>HEAD</s3:AllowedMethod></s3:CORSRule></s3:CORSConfiguration>")
                  .ok());
}

TEST(ParseCorsConfigurationTest, Bad) {
  std::string many;
  for (int i = 0; i < 101; ++i) many += kMinimal;
  const std::string origin = "<AllowedOrigin>*</AllowedOrigin>";
  const std::string method = "<AllowedMethod>GET</AllowedMethod>";
  auto rule = [](std::string_view inside) {
    return Document("<CORSRule>" + std::string(inside) + "</CORSRule>");
  };
  const std::pair<std::string, Code> kCases[] = {
      // Not the document.
      {"", Code::kMalformedXml},
      {"<CORSConfiguration>", Code::kMalformedXml},
      {"<CORSConfig>" + std::string(kMinimal) + "</CORSConfig>", Code::kMalformedXml},
      {std::string(kMinimal), Code::kMalformedXml},
      {Document(""), Code::kMalformedXml},  // no rule
      {Document(many), Code::kMalformedXml},
      {Document(std::string(kMinimal) + "<Rule/>"), Code::kMalformedXml},
      {Document("text" + std::string(kMinimal)), Code::kMalformedXml},
      {rule(origin), Code::kMalformedXml},  // no method
      {rule(method), Code::kMalformedXml},  // no origin
      {rule(origin + method + "<Color>red</Color>"), Code::kMalformedXml},
      {rule(origin + method + "<ID>a</ID><ID>b</ID>"), Code::kMalformedXml},
      {rule(origin + method + "<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds>"),
       Code::kMalformedXml},
      {rule(origin + method + "<MaxAgeSeconds>ten</MaxAgeSeconds>"), Code::kMalformedXml},
      {rule(origin + method + "<MaxAgeSeconds>1.5</MaxAgeSeconds>"), Code::kMalformedXml},
      {rule(origin + method + "<MaxAgeSeconds></MaxAgeSeconds>"), Code::kMalformedXml},
      {rule(origin + method + "<MaxAgeSeconds>-1</MaxAgeSeconds>"), Code::kMalformedXml},
      {rule(origin + method + "<MaxAgeSeconds>99999999999999999999</MaxAgeSeconds>"),
       Code::kMalformedXml},
      {rule("<AllowedOrigin><x/></AllowedOrigin>" + method), Code::kMalformedXml},
      {"<!DOCTYPE c><CORSConfiguration>" + std::string(kMinimal) + "</CORSConfiguration>",
       Code::kMalformedXml},
      // The document, with values S3 refuses.
      {rule(origin + "<AllowedMethod>PATCH</AllowedMethod>"), Code::kInvalidRequest},
      {rule(origin + "<AllowedMethod> GET</AllowedMethod>"), Code::kInvalidRequest},
      {rule("<AllowedOrigin>https://*.*.example</AllowedOrigin>" + method), Code::kInvalidRequest},
      {rule(origin + method + "<AllowedHeader>a-*-*</AllowedHeader>"), Code::kInvalidRequest},
      {rule(origin + method + "<ExposeHeader>*</ExposeHeader>"), Code::kInvalidRequest},
      {rule(origin + method + "<ID>" + std::string(256, 'i') + "</ID>"), Code::kInvalidArgument},
      // Header injection attempts, as a client would write them.
      {rule("<AllowedOrigin>https://a.example&#13;&#10;Set-Cookie: x=1</AllowedOrigin>" + method),
       Code::kInvalidRequest},
      {rule("<AllowedOrigin>https://a.example\nX: 1</AllowedOrigin>" + method),
       Code::kInvalidRequest},
      {rule(origin + method + "<ExposeHeader>ETag&#10;X-Injected: 1</ExposeHeader>"),
       Code::kInvalidRequest},
      {rule(origin + method + "<AllowedHeader>a&#13;b</AllowedHeader>"), Code::kInvalidRequest},
      {rule("<AllowedOrigin>https://a, https://b</AllowedOrigin>" + method), Code::kInvalidRequest},
  };
  for (const auto& [body, code] : kCases) {
    common::Result<CorsConfiguration> parsed = ParseCorsConfiguration(body);
    EXPECT_EQ(parsed.status().code(), code) << body << ": " << parsed.status().ToString();
  }
}

TEST(WriteCorsConfigurationTest, Document) {
  CorsRule rule;
  rule.id = "r&1";
  rule.allowed_origins = {"https://a.example", "*"};
  rule.allowed_methods = {"GET", "HEAD"};
  rule.allowed_headers = {"*"};
  rule.expose_headers = {"ETag"};
  rule.max_age_seconds = 0;
  CorsRule plain;
  plain.allowed_origins = {"*"};
  plain.allowed_methods = {"PUT"};
  const CorsConfiguration config{{rule, plain}};
  EXPECT_EQ(WriteCorsConfiguration(config),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>"
            "<AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod>"
            "<AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>https://a.example</AllowedOrigin>"
            "<AllowedOrigin>*</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><ID>r&amp;1</ID>"
            "<MaxAgeSeconds>0</MaxAgeSeconds></CORSRule><CORSRule>"
            "<AllowedMethod>PUT</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>"
            "</CORSConfiguration>");
  common::Result<CorsConfiguration> parsed = ParseCorsConfiguration(WriteCorsConfiguration(config));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, config);
}

}  // namespace
}  // namespace strata::s3::xml
