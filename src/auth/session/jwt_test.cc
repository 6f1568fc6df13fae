#include "auth/session/jwt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/base64.h"
#include "common/hash.h"

namespace strata::auth {
namespace {

using common::Code;
using Json = nlohmann::json;

constexpr int64_t kNow = 1'700'000'000;
constexpr std::string_view kIssuer = "strata";

SecretKey Key(uint8_t fill) {
  SecretKey key;
  key.fill(fill);
  return key;
}

std::string KeyBytes(const SecretKey& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

// A token with any header and payload text, HMAC-SHA256-signed with
// `mac_key`: what an attacker (or, with our key, a buggy signer) could make.
std::string Craft(std::string_view header, std::string_view payload, std::string_view mac_key) {
  std::string input = common::Base64UrlEncode(header) + "." + common::Base64UrlEncode(payload);
  return input + "." + common::Base64UrlEncode(common::HmacSha256(mac_key, input));
}

// A valid access-token payload; tests change one thing at a time.
Json GoodPayload() {
  return {{"iss", kIssuer}, {"sub", "u-1"},     {"name", "alice"},  {"use", "access"},
          {"jti", "j-1"},   {"iat", kNow - 10}, {"exp", kNow + 600}};
}

constexpr std::string_view kGoodHeader = R"({"alg":"HS256","typ":"JWT"})";

class JwtTest : public ::testing::Test {
 protected:
  std::string CraftGood(std::string_view header, const Json& payload) const {
    return Craft(header, payload.dump(), KeyBytes(key_));
  }

  // Rejected with kInvalidToken, and the message does not echo the token.
  void ExpectRejected(std::string_view token, std::string_view expected_use = "access") const {
    auto claims = signer_.Verify(token, kNow, expected_use);
    ASSERT_FALSE(claims.ok()) << token;
    EXPECT_EQ(claims.status().code(), Code::kInvalidToken) << token;
    const std::string& message = claims.status().message();
    EXPECT_EQ(message.rfind("invalid token: ", 0), 0u) << message;
    EXPECT_LT(message.size(), 100u) << message;
    if (!token.empty()) {
      EXPECT_EQ(message.find(token), std::string::npos) << message;
      size_t last_dot = token.rfind('.');
      if (last_dot != std::string_view::npos && token.size() - last_dot > 8) {
        EXPECT_EQ(message.find(token.substr(last_dot + 1)), std::string::npos) << message;
      }
    }
  }

  SecretKey key_ = Key(0x11);
  JwtSigner signer_{key_, std::string(kIssuer)};
};

TEST_F(JwtTest, RoundTrip) {
  JwtClaims claims{.subject = "u-42",
                   .user_name = "Zoë",
                   .token_use = "access",
                   .token_id = "0123abcd",
                   .issued_at_s = kNow,
                   .expires_at_s = kNow + 900};
  std::string token = signer_.Sign(claims);
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  EXPECT_EQ(token.find_first_of("=+/ "), std::string::npos);
  EXPECT_EQ(*common::Base64UrlDecode(token.substr(0, token.find('.'))),
            R"({"alg":"HS256","typ":"JWT"})");

  auto verified = signer_.Verify(token, kNow);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->subject, "u-42");
  EXPECT_EQ(verified->user_name, "Zoë");
  EXPECT_EQ(verified->token_use, "access");
  EXPECT_EQ(verified->token_id, "0123abcd");
  EXPECT_EQ(verified->issued_at_s, kNow);
  EXPECT_EQ(verified->expires_at_s, kNow + 900);
  // Another signer with the same key and issuer (another process) agrees.
  EXPECT_TRUE(JwtSigner(Key(0x11), "strata").Verify(token, kNow + 899).ok());
}

TEST_F(JwtTest, OtherUsesRoundTripOnlyForThatUse) {
  std::string refresh = signer_.Sign(
      {.subject = "u-1", .token_use = "refresh", .issued_at_s = kNow, .expires_at_s = kNow + 60});
  auto verified = signer_.Verify(refresh, kNow, "refresh");
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->token_use, "refresh");
  EXPECT_EQ(verified->user_name, "");
  EXPECT_EQ(verified->token_id, "");
  ExpectRejected(refresh);  // presented as an access token
  ExpectRejected(signer_.Sign({.subject = "u-1", .issued_at_s = kNow, .expires_at_s = kNow + 60}),
                 "refresh");
}

TEST_F(JwtTest, InvalidUtf8NameDoesNotThrow) {
  std::string token = signer_.Sign({.subject = "u-1",
                                    .user_name = std::string("bad\xff\xfe", 5),
                                    .issued_at_s = kNow,
                                    .expires_at_s = kNow + 60});
  auto verified = signer_.Verify(token, kNow);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->user_name.substr(0, 3), "bad");
}

TEST_F(JwtTest, GoodCraftedTokenIsAccepted) {
  // The crafting helper makes tokens Verify accepts, so each rejection
  // below is for the one thing the test changed.
  EXPECT_TRUE(signer_.Verify(CraftGood(kGoodHeader, GoodPayload()), kNow).ok());
  // typ is optional, and header members Strata does not use are ignored.
  EXPECT_TRUE(signer_.Verify(CraftGood(R"({"alg":"HS256"})", GoodPayload()), kNow).ok());
  EXPECT_TRUE(
      signer_.Verify(CraftGood(R"({"typ":"JWT","kid":"k1","alg":"HS256"})", GoodPayload()), kNow)
          .ok());
  // name and jti are optional.
  Json minimal = GoodPayload();
  minimal.erase("name");
  minimal.erase("jti");
  EXPECT_TRUE(signer_.Verify(CraftGood(kGoodHeader, minimal), kNow).ok());
}

TEST_F(JwtTest, AlgNoneRejected) {
  std::string header = R"({"alg":"none","typ":"JWT"})";
  std::string payload = GoodPayload().dump();
  std::string unsigned_token =
      common::Base64UrlEncode(header) + "." + common::Base64UrlEncode(payload) + ".";
  ExpectRejected(unsigned_token);
  // Even with a signature that our key made.
  ExpectRejected(CraftGood(header, GoodPayload()));
  ExpectRejected(CraftGood(R"({"alg":"None"})", GoodPayload()));
  ExpectRejected(CraftGood(R"({"alg":"NONE"})", GoodPayload()));
  ExpectRejected(CraftGood(R"({"alg":""})", GoodPayload()));
}

TEST_F(JwtTest, OtherAlgorithmsRejected) {
  // All signed with our key as an HMAC key: only the header is wrong.
  const char* kHeaders[] = {
      R"({"alg":"RS256","typ":"JWT"})",
      R"({"alg":"ES256","typ":"JWT"})",
      R"({"alg":"PS256","typ":"JWT"})",
      R"({"alg":"HS512","typ":"JWT"})",
      R"({"alg":"HS384","typ":"JWT"})",
      R"({"alg":"hs256","typ":"JWT"})",
      R"({"alg":"HS256 ","typ":"JWT"})",
      R"({"alg":"EdDSA","typ":"JWT"})",
      R"({"typ":"JWT"})",  // missing alg
      R"({"alg":null,"typ":"JWT"})",
      R"({"alg":["HS256"],"typ":"JWT"})",
      R"({"alg":256,"typ":"JWT"})",
      R"({"alg":"HS256","typ":"JWS"})",
      R"({"alg":"HS256","typ":"jwt"})",
      R"({"alg":"HS256","typ":null})",
      R"({"alg":"HS256","typ":"JWT","crit":["exp"]})",
      R"({"alg":"HS256","typ":"JWT","crit":[]})",
      R"({"alg":"HS256","crit":["b64"],"b64":false})",
      R"(["HS256"])",
      R"("HS256")",
      R"(null)",
      R"({})",
      R"({"alg":"HS256")",  // not JSON
      "",
  };
  for (const char* header : kHeaders) {
    SCOPED_TRACE(header);
    ExpectRejected(CraftGood(header, GoodPayload()));
  }
}

TEST_F(JwtTest, HsRsConfusionRejected) {
  // An attacker who knows a public RSA key signs with its PEM text as an
  // HMAC key, hoping the verifier takes "the key" from the algorithm.
  const std::string kPublicPem =
      "-----BEGIN PUBLIC KEY-----\n"
      "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5aL+zCdwhl1uc6mHWGwBhwOu5\n"
      "sDzHljvdDDzdkbjOTqgjX3BeqL5Y9IEOlaF0yxtiQqwEWaeqmp5YKU77zbcMKSSp\n"
      "jUysutQKwREFArTsHFqiBydwx3DZsXI92F/GxwZq9KeAMDq6runn5UwNPvhzpnz7\n"
      "kGKmNQLQXcSXu9JIqwIDAQAB\n"
      "-----END PUBLIC KEY-----\n";
  std::string payload = GoodPayload().dump();
  ExpectRejected(Craft(R"({"alg":"HS256","typ":"JWT"})", payload, kPublicPem));
  ExpectRejected(Craft(R"({"alg":"RS256","typ":"JWT"})", payload, kPublicPem));
}

TEST_F(JwtTest, OtherKeyRejected) {
  JwtClaims claims{.subject = "u-1", .issued_at_s = kNow, .expires_at_s = kNow + 60};
  ExpectRejected(JwtSigner(Key(0x12), std::string(kIssuer)).Sign(claims));
  SecretKey one_bit = key_;
  one_bit[0] ^= 0x80;
  ExpectRejected(JwtSigner(one_bit, std::string(kIssuer)).Sign(claims));
  ExpectRejected(Craft(kGoodHeader, GoodPayload().dump(), ""));
}

TEST_F(JwtTest, TamperedTokenRejected) {
  std::string token = CraftGood(kGoodHeader, GoodPayload());
  size_t dot1 = token.find('.');
  size_t dot2 = token.rfind('.');
  std::string signature = token.substr(dot2 + 1);

  Json admin = GoodPayload();
  admin["sub"] = "u-0";
  ExpectRejected(token.substr(0, dot1 + 1) + common::Base64UrlEncode(admin.dump()) + "." +
                 signature);
  Json longer = GoodPayload();
  longer["exp"] = kNow + 86400 * 365;
  ExpectRejected(token.substr(0, dot1 + 1) + common::Base64UrlEncode(longer.dump()) + "." +
                 signature);
  // The same header written differently is another signing input.
  ExpectRejected(common::Base64UrlEncode(R"({"typ":"JWT","alg":"HS256"})") +
                 token.substr(dot1, std::string::npos));
  // One flipped character anywhere.
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    ExpectRejected(altered);
  }
  // A truncated signature.
  ExpectRejected(token.substr(0, token.size() - 1));
  ExpectRejected(token.substr(0, dot2 + 1) + signature.substr(0, 20));
}

TEST_F(JwtTest, ExpiryAndIssueTime) {
  Json payload = GoodPayload();
  payload["exp"] = kNow;
  ExpectRejected(CraftGood(kGoodHeader, payload));  // exp == now
  payload["exp"] = kNow - 1;
  ExpectRejected(CraftGood(kGoodHeader, payload));
  payload["exp"] = kNow + 1;
  EXPECT_TRUE(signer_.Verify(CraftGood(kGoodHeader, payload), kNow).ok());

  std::string token = signer_.Sign({.subject = "u", .issued_at_s = kNow, .expires_at_s = kNow + 5});
  EXPECT_TRUE(signer_.Verify(token, kNow + 4).ok());
  EXPECT_FALSE(signer_.Verify(token, kNow + 5).ok());

  payload = GoodPayload();
  payload["iat"] = kNow + 60;  // clock skew is tolerated
  EXPECT_TRUE(signer_.Verify(CraftGood(kGoodHeader, payload), kNow).ok());
  payload["iat"] = kNow + 61;
  ExpectRejected(CraftGood(kGoodHeader, payload));
  payload["iat"] = kNow + 86400;
  payload["exp"] = kNow + 2 * 86400;
  ExpectRejected(CraftGood(kGoodHeader, payload));
}

TEST_F(JwtTest, WrongIssuerOrUseRejected) {
  JwtClaims claims{.subject = "u-1", .issued_at_s = kNow, .expires_at_s = kNow + 60};
  ExpectRejected(JwtSigner(key_, "other").Sign(claims));
  ExpectRejected(JwtSigner(key_, "").Sign(claims));
  ExpectRejected(JwtSigner(key_, "strata ").Sign(claims));

  for (const Json& use : {Json("refresh"), Json("Access"), Json(""), Json(nullptr), Json(1)}) {
    Json payload = GoodPayload();
    payload["use"] = use;
    ExpectRejected(CraftGood(kGoodHeader, payload));
  }
  Json payload = GoodPayload();
  payload.erase("use");
  ExpectRejected(CraftGood(kGoodHeader, payload));
  payload = GoodPayload();
  payload.erase("iss");
  ExpectRejected(CraftGood(kGoodHeader, payload));
  payload["iss"] = Json::array({"strata"});
  ExpectRejected(CraftGood(kGoodHeader, payload));
}

TEST_F(JwtTest, MissingOrMistypedClaimsRejected) {
  struct Case {
    const char* claim;
    Json value;  // null with erase = true means "absent"
    bool erase;
  };
  const Case kCases[] = {
      {"sub", nullptr, true},
      {"sub", 42, false},
      {"sub", nullptr, false},
      {"sub", "", false},
      {"sub", Json::array({"u-1"}), false},
      {"sub", Json::object({{"id", "u-1"}}), false},
      {"exp", nullptr, true},
      {"exp", "1700000600", false},
      {"exp", 1.7000006e9, false},
      {"exp", true, false},
      {"exp", nullptr, false},
      {"exp", 18446744073709551615ull, false},  // does not fit int64
      {"iat", nullptr, true},
      {"iat", "1700000000", false},
      {"iat", 1.7e9, false},
      {"name", 7, false},
      {"jti", Json::array(), false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.claim) + " " + c.value.dump());
    Json payload = GoodPayload();
    if (c.erase) {
      payload.erase(c.claim);
    } else {
      payload[c.claim] = c.value;
    }
    ExpectRejected(CraftGood(kGoodHeader, payload));
  }
  // A payload that is not an object.
  for (const char* text : {"[]", "null", "\"u-1\"", "{", "", "{\"sub\":\"u\"} x"}) {
    SCOPED_TRACE(text);
    ExpectRejected(Craft(kGoodHeader, text, KeyBytes(key_)));
  }
}

TEST_F(JwtTest, MalformedTokensRejected) {
  std::string good = CraftGood(kGoodHeader, GoodPayload());
  size_t dot1 = good.find('.');
  size_t dot2 = good.rfind('.');
  std::string h = good.substr(0, dot1);
  std::string p = good.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string s = good.substr(dot2 + 1);
  const std::string kBad[] = {
      "",
      ".",
      "..",
      "...",
      h,
      h + "." + p,
      h + "." + p + ".",
      "." + p + "." + s,
      h + ".." + s,
      h + "." + p + "." + s + ".",
      h + "." + p + "." + s + "." + s,
      "." + good,
      good + ".",
      h + "." + p + ".." + s,
      good + "=",
      h + "=." + p + "." + s,
      h + "." + p + "=." + s,
      good + " ",
      " " + good,
      good + "\n",
      h + "." + p + "." + s.substr(0, 10) + "+" + s.substr(11),
      h + "." + p + "." + s.substr(0, 10) + "/" + s.substr(11),
      h + "." + p + "." + s.substr(0, 10) + "*" + s.substr(11),
      good + std::string(1, '\0'),
      std::string(good).insert(dot2, std::string(1, '\0')),
      "Bearer " + good,
      "not a token",
  };
  for (const std::string& token : kBad) ExpectRejected(token);
  EXPECT_TRUE(signer_.Verify(good, kNow).ok());
}

TEST_F(JwtTest, OversizedTokenRefusedUnread) {
  // Validly signed, but 9 KiB: refused for its size alone.
  JwtClaims claims{.subject = "u-1",
                   .user_name = std::string(9 * 1024, 'n'),
                   .issued_at_s = kNow,
                   .expires_at_s = kNow + 60};
  std::string big = signer_.Sign(claims);
  ASSERT_GT(big.size(), 9u * 1024);
  ExpectRejected(big);
  ExpectRejected(std::string(9 * 1024, 'A'));
  // Just under the limit is fine.
  claims.user_name = std::string(5 * 1024, 'n');
  std::string under = signer_.Sign(claims);
  ASSERT_LE(under.size(), 8u * 1024);
  EXPECT_TRUE(signer_.Verify(under, kNow).ok());
}

}  // namespace
}  // namespace strata::auth
