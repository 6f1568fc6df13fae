// The CORSConfiguration document of PutBucketCors and GetBucketCors:
//   <CORSConfiguration xmlns="..."><CORSRule><ID>..</ID>
//   <AllowedOrigin>..</AllowedOrigin>+ <AllowedMethod>..</AllowedMethod>+
//   <AllowedHeader>..</AllowedHeader>* <ExposeHeader>..</ExposeHeader>*
//   <MaxAgeSeconds>..</MaxAgeSeconds>?</CORSRule>+</CORSConfiguration>
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "s3/cors.h"

namespace strata::s3::xml {

// Parses a PutBucketCors body and checks it (CheckCorsConfiguration, with
// its codes). Values are taken as written (a method " GET" is not GET),
// except MaxAgeSeconds, which is trimmed of XML whitespace.
// Errors: kMalformedXml for a body that is not such a document: not XML, a
// DOCTYPE, another root, an element S3 does not define there, a repeated ID
// or MaxAgeSeconds, a MaxAgeSeconds that is not a decimal integer, or text
// between elements; then CheckCorsConfiguration's. Thread-safe.
common::Result<CorsConfiguration> ParseCorsConfiguration(std::string_view body);

// The GetBucketCors response, S3's namespace on the root, each rule's
// elements in the order of AWS's response syntax (AllowedHeader,
// AllowedMethod, AllowedOrigin, ExposeHeader, ID, MaxAgeSeconds). Never
// fails; thread-safe.
std::string WriteCorsConfiguration(const CorsConfiguration& config);

}  // namespace strata::s3::xml
