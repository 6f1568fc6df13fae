// Test-only: the request bodies of the AWS documented chunked-upload examples
// ("Transferring Payload in Multiple Chunks" and "Including Trailing
// Headers"): 64 KiB + 1 KiB of 'a', with the documented chunk signatures.
#pragma once

#include <string>

namespace strata::auth::test_signer {

inline constexpr char kDocChunkedSeed[] =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
inline constexpr char kDocTrailerSeed[] =
    "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";

inline std::string DocChunkedBody() {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
         "\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
         "\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
         "\r\n\r\n";
}

// The documentation shows a blank line between the final chunk and the
// trailers; the SDKs do not send one. Both must decode.
inline std::string DocTrailerBody(bool blank_line_before_trailers) {
  return "10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"
         "\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7"
         "\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"
         "\r\n" +
         (blank_line_before_trailers ? "\r\n" : "") +
         "x-amz-checksum-crc32c:sOO8/Q==\r\n"
         "x-amz-trailer-signature:"
         "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n";
}

}  // namespace strata::auth::test_signer
