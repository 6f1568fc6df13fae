// SigV4 signing primitives: the key derivation and the three strings to sign
// (request, chunk, trailer). Pure functions over bytes; thread-safe.
//
// The verifier, the chunk reader and the tests all sign through these, so
// one place decides the exact bytes that go under the HMAC.
#pragma once

#include <string>
#include <string_view>

namespace strata::auth {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kSigV4Terminal = "aws4_request";

// HMAC chain "AWS4"+secret -> date (YYYYMMDD) -> region -> service ->
// "aws4_request". Returns the 32 raw key bytes.
std::string DeriveSigningKey(std::string_view secret_key, std::string_view date,
                             std::string_view region, std::string_view service);

// "20130524/us-east-1/s3/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
std::string RequestStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view canonical_request);

// The string signed for one aws-chunked chunk:
// "AWS4-HMAC-SHA256-PAYLOAD\n<amz_date>\n<scope>\n<previous>\n<hex sha256("")>\n<chunk hash>".
// previous is the seed signature for the first chunk, then the signature of
// the chunk before.
std::string ChunkStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature,
                              std::string_view chunk_sha256_hex);

// The string signed for the trailer section of a signed-trailer upload:
// "AWS4-HMAC-SHA256-TRAILER\n<amz_date>\n<scope>\n<previous>\n<hex sha256(trailers)>",
// where trailers is every "name:value\n" line and previous is the signature of
// the final (empty) chunk.
std::string TrailerStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view previous_signature,
                                std::string_view trailers_sha256_hex);

// Lower-case hex HMAC-SHA256 of string_to_sign under signing_key.
std::string SignHex(std::string_view signing_key, std::string_view string_to_sign);

}  // namespace strata::auth
