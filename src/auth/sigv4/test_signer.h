// Test-only: a deliberately plain SigV4 client used to build test requests
// beyond the AWS documented vectors. It shares no canonicalization code with
// the verifier: paths and queries are taken as already encoded the way the
// client wants them signed, headers are trimmed, and everything is spelled
// out step by step as the AWS documentation describes it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/hash.h"
#include "common/hex.h"
#include "http/request.h"

namespace strata::auth::test_signer {

inline constexpr char kDocAccessKey[] = "AKIAIOSFODNN7EXAMPLE";
inline constexpr char kDocSecretKey[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline constexpr char kDocAmzDate[] = "20130524T000000Z";
inline constexpr int64_t kDocTimeMs = 1369353600000;  // 2013-05-24T00:00:00Z
inline constexpr char kEmptySha256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// A request from a target ("/path?query") and headers, as the server hands it.
inline http::Request MakeRequest(std::string method, std::string target,
                                 std::vector<std::pair<std::string, std::string>> headers) {
  http::Request r;
  r.method = std::move(method);
  r.target = target;
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  for (const auto& [name, value] : headers) r.headers.Add(name, value);
  return r;
}

struct SignSpec {
  std::string access_key = kDocAccessKey;
  std::string secret_key = kDocSecretKey;
  std::string amz_date = kDocAmzDate;
  std::string date = "20130524";  // credential scope date
  std::string region = "us-east-1";
  std::string service = "s3";
  std::string payload_line;  // the payload hash line to sign
  // Lower-case, sorted names to sign; each must be present in the request.
  std::vector<std::string> signed_headers;
  // The canonical URI to sign; empty means the request path as it is.
  std::string canonical_uri;
  // The canonical query to sign; unset means the raw query with its
  // "name=value" parts sorted (X-Amz-Signature left out).
  std::optional<std::string> canonical_query;
};

inline std::string TestHmacHex(std::string_view key, std::string_view data) {
  return common::HexEncode(common::HmacSha256(key, data));
}

inline std::string TestSigningKey(const SignSpec& s) {
  std::string k = common::HmacSha256("AWS4" + s.secret_key, s.date);
  k = common::HmacSha256(k, s.region);
  k = common::HmacSha256(k, s.service);
  return common::HmacSha256(k, "aws4_request");
}

inline std::string TestScope(const SignSpec& s) {
  return s.date + "/" + s.region + "/" + s.service + "/aws4_request";
}

inline std::string TestSortedQuery(std::string_view raw) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t amp = raw.find('&', pos);
    if (amp == std::string_view::npos) amp = raw.size();
    std::string part(raw.substr(pos, amp - pos));
    if (!part.empty() && !part.starts_with("X-Amz-Signature=")) {
      if (part.find('=') == std::string::npos) part += "=";
      parts.push_back(part);
    }
    pos = amp + 1;
  }
  std::sort(parts.begin(), parts.end(), [](const std::string& a, const std::string& b) {
    auto name = [](const std::string& p) { return p.substr(0, p.find('=')); };
    auto value = [](const std::string& p) { return p.substr(p.find('=') + 1); };
    return std::make_pair(name(a), value(a)) < std::make_pair(name(b), value(b));
  });
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "&") + p;
  return out;
}

inline std::string TestTrim(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return std::string(v);
}

// The signature of r under spec.
inline std::string TestSignature(const http::Request& r, const SignSpec& s) {
  std::string canonical = r.method + "\n";
  canonical += (s.canonical_uri.empty() ? r.path : s.canonical_uri) + "\n";
  canonical += (s.canonical_query ? *s.canonical_query : TestSortedQuery(r.query)) + "\n";
  std::string signed_line;
  for (const auto& name : s.signed_headers) {
    std::string joined;
    for (const auto& [n, v] : r.headers.entries()) {
      if (n == name) joined += (joined.empty() ? "" : ",") + TestTrim(v);
    }
    canonical += name + ":" + joined + "\n";
    signed_line += (signed_line.empty() ? "" : ";") + name;
  }
  canonical += "\n" + signed_line + "\n" + s.payload_line;
  std::string to_sign =
      "AWS4-HMAC-SHA256\n" + s.amz_date + "\n" + TestScope(s) + "\n" + common::Sha256Hex(canonical);
  return TestHmacHex(TestSigningKey(s), to_sign);
}

inline std::string TestJoin(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ";") + n;
  return out;
}

// Adds the Authorization header for spec to r.
inline void SignWithHeader(http::Request& r, const SignSpec& s) {
  r.headers.Set("authorization", "AWS4-HMAC-SHA256 Credential=" + s.access_key + "/" +
                                     TestScope(s) +
                                     ", SignedHeaders=" + TestJoin(s.signed_headers) +
                                     ", Signature=" + TestSignature(r, s));
}

// Appends the presign parameters and their X-Amz-Signature to r's query.
inline void SignWithQuery(http::Request& r, const SignSpec& s, int64_t expires_s) {
  std::string params = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + s.access_key + "%2F" +
                       s.date + "%2F" + s.region + "%2F" + s.service +
                       "%2Faws4_request&X-Amz-Date=" + s.amz_date +
                       "&X-Amz-Expires=" + std::to_string(expires_s) +
                       "&X-Amz-SignedHeaders=" + TestJoin(s.signed_headers);
  // ';' in the signed-headers list is encoded in the canonical query.
  std::string encoded = params;
  for (size_t p = encoded.find(';'); p != std::string::npos; p = encoded.find(';', p)) {
    encoded.replace(p, 1, "%3B");
  }
  r.query = r.query.empty() ? encoded : r.query + "&" + encoded;
  std::string signature = TestSignature(r, s);
  r.query += "&X-Amz-Signature=" + signature;
  r.target = r.path + "?" + r.query;
}

// One aws-chunked chunk signature.
inline std::string TestChunkSignature(const SignSpec& s, std::string_view previous,
                                      std::string_view data) {
  return TestHmacHex(TestSigningKey(s), "AWS4-HMAC-SHA256-PAYLOAD\n" + s.amz_date + "\n" +
                                            TestScope(s) + "\n" + std::string(previous) + "\n" +
                                            kEmptySha256 + "\n" + common::Sha256Hex(data));
}

struct ChunkedSpec {
  bool signed_chunks = true;
  bool signed_trailer = false;
  std::vector<std::pair<std::string, std::string>> trailers;
};

// Frames data as aws-chunked, in chunks of chunk_size, chained from seed.
inline std::string TestChunkedBody(const SignSpec& s, std::string_view seed, std::string_view data,
                                   size_t chunk_size, const ChunkedSpec& c) {
  std::string body;
  std::string previous(seed);
  size_t pos = 0;
  while (true) {
    size_t n = std::min(chunk_size, data.size() - pos);
    std::string_view chunk = data.substr(pos, n);
    char size_hex[32];
    std::snprintf(size_hex, sizeof(size_hex), "%zx", n);
    body += size_hex;
    if (c.signed_chunks) {
      previous = TestChunkSignature(s, previous, chunk);
      body += ";chunk-signature=" + previous;
    }
    body += "\r\n";
    if (n == 0) break;
    body += std::string(chunk) + "\r\n";
    pos += n;
  }
  std::string canonical;
  for (const auto& [name, value] : c.trailers) {
    body += name + ":" + value + "\r\n";
    canonical += name + ":" + value + "\n";
  }
  if (c.signed_trailer) {
    body += "x-amz-trailer-signature:" +
            TestHmacHex(TestSigningKey(s), "AWS4-HMAC-SHA256-TRAILER\n" + s.amz_date + "\n" +
                                               TestScope(s) + "\n" + previous + "\n" +
                                               common::Sha256Hex(canonical)) +
            "\r\n";
  }
  body += "\r\n";
  return body;
}

}  // namespace strata::auth::test_signer
