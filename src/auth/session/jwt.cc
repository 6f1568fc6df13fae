#include "auth/session/jwt.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "common/base64.h"
#include "common/hash.h"

namespace strata::auth {
namespace {

using common::Code;
using common::Error;
using Json = nlohmann::json;

constexpr size_t kMaxTokenBytes = 8 * 1024;
constexpr int64_t kMaxIssuedAheadS = 60;
// The only header Strata writes, and the only alg it reads.
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

// Every failure is kInvalidToken; the reason goes in the message, the token
// never does (it would be a bearer credential in the log).
common::Status Invalid(std::string_view why) {
  return Error(Code::kInvalidToken, "invalid token: " + std::string(why));
}

std::string Mac(const SecretKey& key, std::string_view signing_input) {
  return common::HmacSha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()),
                            signing_input);
}

// A JSON object from one base64url part, or nullopt. Never throws: the
// non-throwing parse returns a "discarded" value for bad JSON (and for
// invalid UTF-8).
std::optional<Json> DecodeObject(std::string_view part) {
  std::optional<std::string> text = common::Base64UrlDecode(part);
  if (!text) return std::nullopt;
  Json json = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

// The member `name` when it is a string; nullptr when absent or not a string.
const std::string* StringMember(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

// The member `name` when it is an integer that fits int64_t (NumericDate as
// Strata writes it: whole seconds); nullopt otherwise.
std::optional<int64_t> IntMember(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    uint64_t value = *it->get_ptr<const Json::number_unsigned_t*>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(value);
  }
  if (it->is_number_integer()) return *it->get_ptr<const Json::number_integer_t*>();
  return std::nullopt;
}

}  // namespace

std::string JwtSigner::Sign(const JwtClaims& claims) const {
  Json payload = {
      {"iss", issuer_},
      {"sub", claims.subject},
      {"use", claims.token_use},
      {"iat", claims.issued_at_s},
      {"exp", claims.expires_at_s},
  };
  if (!claims.user_name.empty()) payload["name"] = claims.user_name;
  if (!claims.token_id.empty()) payload["jti"] = claims.token_id;
  if (!claims.credential_tag.empty()) payload["ctag"] = claims.credential_tag;
  // `replace`: a name that is not valid UTF-8 must not make dump() throw.
  std::string payload_text = payload.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string input =
      common::Base64UrlEncode(kHeader) + "." + common::Base64UrlEncode(payload_text);
  std::string signature = common::Base64UrlEncode(Mac(key_, input));
  return input + "." + signature;
}

common::Result<JwtClaims> JwtSigner::Verify(std::string_view token, int64_t now_s,
                                            std::string_view expected_use) const {
  if (token.size() > kMaxTokenBytes) return Invalid("longer than 8 KiB");

  // Exactly three non-empty parts. Base64UrlDecode then refuses '=' padding,
  // foreign characters and non-canonical final bits, so each accepted token
  // has one spelling.
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Invalid("not three dot-separated parts");
  }
  std::string_view header_part = token.substr(0, dot1);
  std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_part = token.substr(dot2 + 1);
  if (header_part.empty() || payload_part.empty() || signature_part.empty()) {
    return Invalid("empty part");
  }

  // The header decides nothing but whether to go on: alg is fixed, so no key
  // or algorithm is ever chosen from the token (no "none", no HS/RS
  // confusion), and that is settled before any signature work.
  std::optional<Json> header = DecodeObject(header_part);
  if (!header) return Invalid("header is not a base64url JSON object");
  const std::string* alg = StringMember(*header, "alg");
  if (alg == nullptr || *alg != "HS256") return Invalid("algorithm is not HS256");
  if (header->contains("typ")) {
    const std::string* typ = StringMember(*header, "typ");
    if (typ == nullptr || *typ != "JWT") return Invalid("type is not JWT");
  }
  // RFC 7515 section 4.1.11: extensions the recipient does not understand
  // must be refused, and Strata understands none.
  if (header->contains("crit")) return Invalid("critical header parameters are not supported");

  std::optional<std::string> signature = common::Base64UrlDecode(signature_part);
  if (!signature) return Invalid("signature is not base64url");
  std::string expected = Mac(key_, token.substr(0, dot2));
  if (!common::ConstantTimeEquals(*signature, expected)) {
    return Invalid("signature does not match");
  }

  // From here on the payload is ours (or made with our key): check that it
  // is well formed and meant for this use, now.
  std::optional<Json> payload = DecodeObject(payload_part);
  if (!payload) return Invalid("payload is not a base64url JSON object");
  const std::string* iss = StringMember(*payload, "iss");
  if (iss == nullptr || *iss != issuer_) return Invalid("wrong issuer");
  const std::string* use = StringMember(*payload, "use");
  if (use == nullptr || *use != expected_use) return Invalid("not valid for this use");
  const std::string* sub = StringMember(*payload, "sub");
  if (sub == nullptr || sub->empty()) return Invalid("sub missing or not a string");
  std::optional<int64_t> exp = IntMember(*payload, "exp");
  if (!exp) return Invalid("exp missing or not an integer");
  std::optional<int64_t> iat = IntMember(*payload, "iat");
  if (!iat) return Invalid("iat missing or not an integer");
  JwtClaims claims;
  const std::pair<const char*, std::string*> optional_fields[] = {
      {"name", &claims.user_name}, {"jti", &claims.token_id}, {"ctag", &claims.credential_tag}};
  for (const auto& [name, field] : optional_fields) {
    if (!payload->contains(name)) continue;
    const std::string* value = StringMember(*payload, name);
    if (value == nullptr) return Invalid(std::string(name) + " is not a string");
    *field = *value;
  }
  if (*exp <= now_s) return Invalid("expired");
  // A token from the future means a forged clock or key; allow only skew.
  if (*iat > now_s + kMaxIssuedAheadS) return Invalid("issued in the future");

  claims.subject = *sub;
  claims.token_use = *use;
  claims.issued_at_s = *iat;
  claims.expires_at_s = *exp;
  return claims;
}

}  // namespace strata::auth
