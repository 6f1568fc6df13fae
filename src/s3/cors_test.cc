#include "s3/cors.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::s3 {
namespace {

using common::Code;

CorsRule Rule(std::vector<std::string> origins, std::vector<std::string> methods) {
  CorsRule rule;
  rule.allowed_origins = std::move(origins);
  rule.allowed_methods = std::move(methods);
  return rule;
}

CorsConfiguration Config(std::vector<CorsRule> rules) {
  return CorsConfiguration{std::move(rules)};
}

// --- CheckCorsConfiguration -------------------------------------------------

TEST(CheckCorsConfigurationTest, Good) {
  CorsRule full = Rule({"https://*.example.com", "http://localhost:8080"},
                       {"GET", "PUT", "POST", "DELETE", "HEAD"});
  full.id = "rule one (" + std::string(200, 'x') + ")";
  full.allowed_headers = {"*", "x-amz-*", "Content-Type", "authorization"};
  full.expose_headers = {"ETag", "x-amz-request-id"};
  full.max_age_seconds = 3000;
  CorsRule zero_age = Rule({"*"}, {"GET"});
  zero_age.max_age_seconds = 0;
  CorsRule longest_id = Rule({"*"}, {"GET"});
  longest_id.id = std::string(255, 'i');
  const CorsConfiguration kCases[] = {
      Config({Rule({"*"}, {"GET"})}),
      Config({full, zero_age, longest_id}),
      Config(std::vector<CorsRule>(100, Rule({"*"}, {"HEAD"}))),
      Config({Rule({std::string(1024, 'o')}, {"GET"})}),
      Config({Rule({"*.example.com"}, {"GET"})}),
  };
  for (const CorsConfiguration& config : kCases) {
    common::Status status = CheckCorsConfiguration(config);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
}

TEST(CheckCorsConfigurationTest, Bad) {
  struct Case {
    const char* name;
    CorsRule rule;
    Code code;
    std::string message;  // "" to check the code only
  };
  auto with = [](auto change) {
    CorsRule rule = Rule({"https://a.example"}, {"GET"});
    change(rule);
    return rule;
  };
  const std::string not_allowed =
      " holds a value that is empty, too long, or has a character that is not allowed there "
      "(control characters, spaces, commas, non-ASCII)";
  const Case kCases[] = {
      {"no origin", Rule({}, {"GET"}), Code::kMalformedXml, ""},
      {"no method", Rule({"*"}, {}), Code::kMalformedXml, ""},
      {"method PATCH", Rule({"*"}, {"GET", "PATCH"}), Code::kInvalidRequest,
       "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"},
      {"method in lower case", Rule({"*"}, {"get"}), Code::kInvalidRequest,
       "Found unsupported HTTP method in CORS config. Unsupported method is get"},
      {"method OPTIONS", Rule({"*"}, {"OPTIONS"}), Code::kInvalidRequest, ""},
      {"method with a space", Rule({"*"}, {" GET"}), Code::kInvalidRequest,
       "Found unsupported HTTP method in CORS config. Unsupported method is (not printable)"},
      {"method with CR LF", Rule({"*"}, {"GET\r\nX-Evil: 1"}), Code::kInvalidRequest,
       "Found unsupported HTTP method in CORS config. Unsupported method is (not printable)"},
      {"origin with two wildcards", Rule({"https://*.example.*"}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin \"https://*.example.*\" can not have more than one wildcard."},
      {"origin **", Rule({"**"}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin \"**\" can not have more than one wildcard."},
      {"empty origin", Rule({""}, {"GET"}), Code::kInvalidRequest, "AllowedOrigin" + not_allowed},
      {"origin with CR LF", Rule({"https://a\r\nSet-Cookie: x=1"}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin" + not_allowed},
      {"origin with LF", Rule({"https://a\nb"}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin" + not_allowed},
      {"origin with NUL", Rule({std::string("https://a\0b", 11)}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin" + not_allowed},
      {"origin with a comma", Rule({"https://a.example, https://b.example"}, {"GET"}),
       Code::kInvalidRequest, "AllowedOrigin" + not_allowed},
      {"origin with a space", Rule({"https://a .example"}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin" + not_allowed},
      {"origin with a tab", Rule({"https://a\t.example"}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin" + not_allowed},
      {"origin with DEL", Rule({"https://a\x7f"}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin" + not_allowed},
      {"origin not ASCII", Rule({"https://ü.example"}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin" + not_allowed},
      {"origin too long", Rule({std::string(1025, 'o')}, {"GET"}), Code::kInvalidRequest,
       "AllowedOrigin" + not_allowed},
      {"header with two wildcards", with([](CorsRule& r) { r.allowed_headers = {"x-*-*"}; }),
       Code::kInvalidRequest, "AllowedHeader \"x-*-*\" can not have more than one wildcard."},
      {"header with CR LF", with([](CorsRule& r) { r.allowed_headers = {"x\r\ny"}; }),
       Code::kInvalidRequest, "AllowedHeader" + not_allowed},
      {"header with a colon", with([](CorsRule& r) { r.allowed_headers = {"x:y"}; }),
       Code::kInvalidRequest, "AllowedHeader" + not_allowed},
      {"header with a comma", with([](CorsRule& r) { r.allowed_headers = {"a,b"}; }),
       Code::kInvalidRequest, "AllowedHeader" + not_allowed},
      {"empty header", with([](CorsRule& r) { r.allowed_headers = {""}; }), Code::kInvalidRequest,
       "AllowedHeader" + not_allowed},
      {"header too long", with([](CorsRule& r) { r.allowed_headers = {std::string(257, 'h')}; }),
       Code::kInvalidRequest, "AllowedHeader" + not_allowed},
      {"expose wildcard", with([](CorsRule& r) { r.expose_headers = {"*"}; }),
       Code::kInvalidRequest,
       "ExposeHeader \"*\" contains wildcard. We currently do not support wildcard for "
       "ExposeHeader."},
      {"expose with LF", with([](CorsRule& r) { r.expose_headers = {"ETag\nX-Evil"}; }),
       Code::kInvalidRequest, "ExposeHeader" + not_allowed},
      {"expose with a space", with([](CorsRule& r) { r.expose_headers = {"E Tag"}; }),
       Code::kInvalidRequest, "ExposeHeader" + not_allowed},
      {"ID of 256", with([](CorsRule& r) { r.id = std::string(256, 'i'); }), Code::kInvalidArgument,
       ""},
      {"ID with LF", with([](CorsRule& r) { r.id = "a\nb"; }), Code::kInvalidRequest,
       "ID" + not_allowed},
      {"negative max age", with([](CorsRule& r) { r.max_age_seconds = -1; }), Code::kMalformedXml,
       ""},
      {"max age past int32", with([](CorsRule& r) { r.max_age_seconds = 2147483648; }),
       Code::kMalformedXml, ""},
  };
  for (const Case& c : kCases) {
    common::Status status = CheckCorsConfiguration(Config({Rule({"*"}, {"GET"}), c.rule}));
    EXPECT_EQ(status.code(), c.code) << c.name << ": " << status.ToString();
    if (!c.message.empty()) {
      EXPECT_EQ(status.message(), c.message) << c.name;
    }
  }
  EXPECT_EQ(CheckCorsConfiguration(Config({})).code(), Code::kMalformedXml);
  EXPECT_EQ(CheckCorsConfiguration(Config(std::vector<CorsRule>(101, Rule({"*"}, {"GET"})))).code(),
            Code::kMalformedXml);
}

// --- The stored form ----------------------------------------------------------

TEST(CorsJsonTest, RoundTripsAndIsCanonical) {
  CorsRule full = Rule({"https://*.example.com"}, {"GET", "PUT"});
  full.id = "r1";
  full.allowed_headers = {"*"};
  full.expose_headers = {"ETag"};
  full.max_age_seconds = 600;
  const CorsConfiguration config = Config({full, Rule({"*"}, {"HEAD"})});
  const std::string json = EncodeCorsJson(config);
  EXPECT_EQ(json, R"({"rules":[{"expose":["ETag"],"headers":["*"],"id":"r1","max_age":600,)"
                  R"("methods":["GET","PUT"],"origins":["https://*.example.com"]},)"
                  R"({"expose":[],"headers":[],"methods":["HEAD"],"origins":["*"]}]})");
  common::Result<CorsConfiguration> decoded = DecodeCorsJson(json);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, config);
  EXPECT_EQ(EncodeCorsJson(*decoded), json);
}

TEST(CorsJsonTest, DecodeRefusesAnythingElse) {
  const std::string_view kCases[] = {
      "",
      "[]",
      "{}",
      R"({"rules":[]})",  // no rule: fails the check
      R"({"rules":{}})",
      R"({"rules":[1]})",
      R"({"rules":[{"origins":["*"]}]})",
      R"({"rules":[{"origins":"*","methods":["GET"]}]})",
      R"({"rules":[{"origins":["*"],"methods":["GET"],"max_age":1.5}]})",
      R"({"rules":[{"origins":["*"],"methods":["GET"],"id":7}]})",
      R"({"rules":[{"origins":["*"],"methods":["GET"],"extra":[]}]})",
      R"({"rules":[{"origins":["*"],"methods":["PATCH"]}]})",
      R"({"rules":[{"origins":["a\r\nb"],"methods":["GET"]}]})",
      R"({"rules":[{"origins":["*"],"methods":["GET"]}],"more":1})",
  };
  for (std::string_view json : kCases) {
    EXPECT_EQ(DecodeCorsJson(json).status().code(), Code::kCorruption) << json;
  }
}

// --- Preflight requests and matching ----------------------------------------------

TEST(ParsePreflightRequestTest, Headers) {
  http::Headers headers;
  headers.Set("Origin", "https://app.example.com");
  headers.Set("Access-Control-Request-Method", "PUT");
  headers.Add("Access-Control-Request-Headers", " Content-Type ,X-Amz-Date,,");
  headers.Add("Access-Control-Request-Headers", "authorization");
  common::Result<PreflightRequest> parsed = ParsePreflightRequest(headers);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->origin, "https://app.example.com");
  EXPECT_EQ(parsed->method, "PUT");
  EXPECT_EQ(parsed->headers,
            (std::vector<std::string>{"content-type", "x-amz-date", "authorization"}));
}

TEST(ParsePreflightRequestTest, Bad) {
  const std::tuple<std::string, std::string, std::string> kCases[] = {
      {"", "GET", "Insufficient information. Origin request header needed."},
      {"https://a", "", "Invalid Access-Control-Request-Method: null"},
      {"https://a", "PATCH", "Invalid Access-Control-Request-Method: PATCH"},
      {"https://a", "get", "Invalid Access-Control-Request-Method: get"},
      {"https://a", "G T", "Invalid Access-Control-Request-Method: (not printable)"},
  };
  for (const auto& [origin, method, message] : kCases) {
    http::Headers headers;
    if (!origin.empty()) headers.Set("Origin", origin);
    if (!method.empty()) headers.Set("Access-Control-Request-Method", method);
    common::Result<PreflightRequest> parsed = ParsePreflightRequest(headers);
    EXPECT_EQ(parsed.status().code(), Code::kBadRequest) << origin << " " << method;
    EXPECT_EQ(parsed.status().message(), message);
  }
}

// A configuration of three rules; the table says which one (by id) each
// preflight and request matches, "" for none.
CorsConfiguration ThreeRules() {
  CorsRule first = Rule({"https://app.example.com", "http://*.dev.example.com"}, {"GET", "PUT"});
  first.id = "first";
  first.allowed_headers = {"content-type", "x-amz-*"};
  CorsRule second = Rule({"https://app.example.com"}, {"DELETE"});
  second.id = "second";
  second.allowed_headers = {"*"};
  CorsRule any = Rule({"*"}, {"GET", "HEAD"});
  any.id = "any";
  return Config({first, second, any});
}

TEST(MatchPreflightTest, Table) {
  const CorsConfiguration config = ThreeRules();
  struct Case {
    std::string origin;
    std::string method;
    std::vector<std::string> headers;
    std::string rule;  // id of the matching rule, "" for none
  };
  const Case kCases[] = {
      {"https://app.example.com", "GET", {}, "first"},
      {"https://app.example.com", "PUT", {"content-type", "x-amz-date"}, "first"},
      {"HTTPS://APP.EXAMPLE.COM", "PUT", {}, "first"},            // origins without case
      {"http://a.b.dev.example.com", "GET", {}, "first"},         // wildcard covers dots
      {"http://.dev.example.com", "GET", {}, "first"},            // and the empty run
      {"https://app.example.com", "PUT", {"authorization"}, ""},  // header not allowed
      {"https://app.example.com", "GET", {"authorization"}, ""},  // no rule allows the header
      {"https://app.example.com", "DELETE", {"anything-at-all"}, "second"},
      {"https://app.example.com", "POST", {}, ""},
      {"https://other.example.com", "GET", {}, "any"},
      {"https://other.example.com", "GET", {"x-amz-date"}, ""},
      {"https://other.example.com", "PUT", {}, ""},
      {"http://dev.example.com", "GET", {}, "any"},  // not "*.dev.example.com"
      // Nothing that could not be echoed safely matches, even the '*' rule.
      {"https://a.example.com, https://b", "GET", {}, ""},
      {"https://a b", "GET", {}, ""},
      {"https://app.example.com", "DELETE", {"x y"}, ""},
      {"https://app.example.com", "DELETE", {"a:b"}, ""},
  };
  for (const Case& c : kCases) {
    const CorsRule* rule = MatchPreflight(config, {c.origin, c.method, c.headers});
    EXPECT_EQ(rule == nullptr ? "" : rule->id, c.rule) << c.origin << " " << c.method;
  }
}

TEST(MatchRequestTest, Table) {
  const CorsConfiguration config = ThreeRules();
  const std::tuple<std::string, std::string, std::string> kCases[] = {
      {"https://app.example.com", "PUT", "first"},
      {"https://app.example.com", "DELETE", "second"},
      {"https://app.example.com", "HEAD", "any"},
      {"https://x.example.com", "HEAD", "any"},
      {"https://x.example.com", "PUT", ""},
      {"https://app.example.com", "POST", ""},
      {"https://a,b", "GET", ""},
      {"", "GET", ""},
  };
  for (const auto& [origin, method, id] : kCases) {
    const CorsRule* rule = MatchRequest(config, origin, method);
    EXPECT_EQ(rule == nullptr ? "" : rule->id, id) << origin << " " << method;
  }
  EXPECT_EQ(MatchRequest(Config({Rule({"https://a"}, {"GET"})}), "https://b", "GET"), nullptr);
}

// --- The headers -------------------------------------------------------------

std::string Header(const http::Headers& headers, std::string_view name) {
  const std::string* value = headers.Find(name);
  return value == nullptr ? "<absent>" : *value;
}

TEST(CorsHeadersTest, PreflightWithSpecificOrigin) {
  CorsRule rule = Rule({"https://*.example.com"}, {"GET", "PUT"});
  rule.allowed_headers = {"*"};
  rule.expose_headers = {"ETag", "x-amz-request-id"};
  rule.max_age_seconds = 3000;
  http::Headers headers =
      PreflightHeaders(rule, {"https://app.example.com", "PUT", {"content-type", "x-amz-date"}});
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Methods"), "GET, PUT");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Headers"), "content-type, x-amz-date");
  EXPECT_EQ(Header(headers, "Access-Control-Expose-Headers"), "ETag, x-amz-request-id");
  EXPECT_EQ(Header(headers, "Access-Control-Max-Age"), "3000");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(Header(headers, "Vary"),
            "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
}

TEST(CorsHeadersTest, PreflightWithAnyOrigin) {
  http::Headers headers = PreflightHeaders(Rule({"*"}, {"GET"}), {"https://a", "GET", {}});
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Methods"), "GET");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Headers"), "<absent>");
  EXPECT_EQ(Header(headers, "Access-Control-Expose-Headers"), "<absent>");
  EXPECT_EQ(Header(headers, "Access-Control-Max-Age"), "<absent>");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Credentials"), "<absent>");
}

TEST(CorsHeadersTest, ActualRequest) {
  CorsRule rule = Rule({"https://app.example.com", "*"}, {"GET", "HEAD"});
  rule.expose_headers = {"ETag"};
  http::Headers headers = ResponseCorsHeaders(rule, "https://app.example.com");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Methods"), "GET, HEAD");
  EXPECT_EQ(Header(headers, "Access-Control-Expose-Headers"), "ETag");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(Header(headers, "Access-Control-Allow-Headers"), "<absent>");
  EXPECT_EQ(Header(headers, "Vary"), "Origin");
  // Another origin falls to the "*" pattern of the same rule.
  http::Headers any = ResponseCorsHeaders(rule, "https://elsewhere");
  EXPECT_EQ(Header(any, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(Header(any, "Access-Control-Allow-Credentials"), "<absent>");
}

}  // namespace
}  // namespace strata::s3
