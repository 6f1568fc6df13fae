// JSON Web Tokens for admin API sessions (RFC 7519), signed with HMAC-SHA256
// (HS256) under a key derived from the master key. Verification accepts only
// a header of exactly {"alg":"HS256","typ":"JWT"} semantics: "none", RS*/ES*
// (the HS/RS confusion), unknown algorithms and a missing alg are rejected
// before any signature work; the signature is compared in constant time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/session/secret_box.h"
#include "common/result.h"

namespace strata::auth {

struct JwtClaims {
  std::string subject;    // "sub": the user id
  std::string user_name;  // "name"
  // "use": what the token is for. Access tokens say "access"; Verify checks
  // it against what the caller expects, so a token minted for anything else
  // is refused.
  std::string token_use = "access";
  std::string token_id;      // "jti": random, for the audit log
  int64_t issued_at_s = 0;   // "iat"
  int64_t expires_at_s = 0;  // "exp"
  // "ctag": a digest of the credential the session was opened with (the
  // user's password hash), so changing the password voids access tokens
  // already issued. Optional; opaque to the signer.
  std::string credential_tag;
};

// Thread-safe (const methods, no shared state).
class JwtSigner {
 public:
  JwtSigner(const SecretKey& key, std::string issuer) : key_(key), issuer_(std::move(issuer)) {}

  // header.payload.signature, base64url without padding; "iss" = issuer.
  // "name" and "jti" are left out when empty; a name that is not UTF-8 has
  // its bad bytes replaced by U+FFFD.
  std::string Sign(const JwtClaims& claims) const;

  // kInvalidToken (message says why, without echoing the token) when: not
  // three base64url parts; header or payload not a JSON object; alg is not
  // HS256 (including "none" and any RS/ES/PS algorithm) or typ present and not
  // "JWT"; a "crit" header; the signature does not match; iss differs;
  // "use" differs from expected_use; sub, exp or iat missing or of the wrong
  // type; exp <= now_s; iat more than 60 s in the future. Tokens over 8 KiB
  // are refused unread.
  common::Result<JwtClaims> Verify(std::string_view token, int64_t now_s,
                                   std::string_view expected_use = "access") const;

 private:
  SecretKey key_;
  std::string issuer_;
};

}  // namespace strata::auth
