// A minimal blocking S3 client for `strata bench`: one keep-alive HTTP/1.1
// connection (plain or TLS), SigV4 header signing, path-style addressing.
// Request bodies are generated on the fly by a PayloadGenerator in 1 MiB
// pieces, and response bodies are read in 256 KiB pieces and dropped (or
// compared with the expected payload), so memory per client stays ~1.5 MiB
// whatever the object size.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "loadgen/endpoint.h"
#include "loadgen/payload.h"

namespace strata::loadgen {

struct ClientOptions {
  Endpoint endpoint;
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  // https only: skip certificate verification (self-signed test servers).
  // Otherwise the system's trust store (and SSL_CERT_FILE) is used.
  bool insecure_tls = false;
};

// The outcome of one request.
struct OpResult {
  // OK for a 2xx answer whose body (when verified) matched. Otherwise:
  //   kUnavailable  the connection failed (connect, TLS, read or write);
  //   kCorruption   GET --verify found other bytes or another length;
  //   kInternal     any non-2xx answer (message "HTTP <status> <S3 code>: ...").
  common::Status status;
  int http_status = 0;     // 0 when no answer arrived
  std::string s3_code;     // <Code> of an S3 error body, if any
  uint64_t bytes = 0;      // body bytes sent (PUT) or received (GET, LIST)
  int64_t latency_ns = 0;  // from the first byte written to the last byte read
  // GET only: from the request fully sent to the first body byte; -1 when
  // there was no body.
  int64_t ttfb_ns = -1;
  std::string body;  // ListObjects and error answers only (capped at 1 MiB)
};

// One connection, opened on first use and again after any failure. Not
// thread-safe: one client per worker thread. The PayloadGenerator must
// outlive the client.
class S3Client {
 public:
  S3Client(ClientOptions options, const PayloadGenerator& payload);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Opens the connection now (it is otherwise opened by the first request).
  // kUnavailable when resolving, connecting or the TLS handshake fails.
  common::Status Connect();

  // CreateBucket; an existing bucket of ours (409 BucketAlreadyOwnedByYou)
  // counts as success.
  OpResult CreateBucket(std::string_view bucket);
  // PutObject of size bytes of the object with seed (see payload.h), sent with
  // x-amz-content-sha256: UNSIGNED-PAYLOAD.
  OpResult PutObject(std::string_view bucket, std::string_view key, uint64_t size, uint64_t seed);
  // GetObject. With verify, the body must be exactly expected_size bytes of
  // the object with seed.
  OpResult GetObject(std::string_view bucket, std::string_view key, bool verify,
                     uint64_t expected_size, uint64_t seed);
  OpResult HeadObject(std::string_view bucket, std::string_view key);
  OpResult DeleteObject(std::string_view bucket, std::string_view key);
  // ListObjectsV2, first page only (max_keys at most), body kept in result.
  OpResult ListObjects(std::string_view bucket, std::string_view prefix, int max_keys);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::loadgen
