// A small blocking HTTP/1.1 client (plain TCP; no TLS) for command-line
// tools such as `strata admin`: one request at a time over one keep-alive
// connection, every step bounded by a timeout. Built on Boost.Beast; the
// calling thread waits for each exchange.
//
// ClientTransport is the seam: code that makes HTTP calls takes a
// ClientTransport&, so tests can answer with a fake.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "http/headers.h"

namespace strata::http {

struct OutgoingRequest {
  std::string method;  // "GET", "POST", "PUT", "DELETE", "HEAD", ...
  std::string target;  // origin form, already percent-encoded: "/a/b%20c?x=1"
  // Sent as given. Host, Content-Length and User-Agent are added by the
  // transport.
  Headers headers;
  std::string body;
};

struct IncomingResponse {
  int status = 0;
  Headers headers;
  std::string body;  // empty for HEAD, 1xx, 204 and 304
};

class ClientTransport {
 public:
  virtual ~ClientTransport() = default;
  // Sends request and waits for the whole answer. Any HTTP status is a
  // successful round trip; failures are about the transport only:
  //   kUnavailable      resolving, connecting, writing or reading failed, or
  //                     the answer was not valid HTTP/1.1 (message names the
  //                     host and port and the cause, never the request);
  //   kTimeout          a step took longer than the timeout;
  //   kEntityTooLarge   the answer's body exceeded the limit;
  //   kInvalidArgument  request.method is not an HTTP method.
  virtual common::Result<IncomingResponse> RoundTrip(const OutgoingRequest& request) = 0;
};

struct BlockingClientOptions {
  std::string host;  // name or address; an IPv6 address without brackets
  uint16_t port = 80;
  // The Host header; "" means host:port (IPv6 in brackets).
  std::string host_header;
  std::string user_agent = "strata";
  // Bounds each of connect, write and read (not name resolution, which uses
  // the system resolver's own timeouts).
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  uint64_t max_body_bytes = 16 << 20;
};

// Not thread-safe: one client per thread. The connection opens on the first
// request, stays open while the server keeps it alive, and is reopened once
// (the request sent again) when a reused connection turns out to have been
// closed by the server before answering — the usual fate of an idle
// keep-alive connection, in which case the server never saw the request.
class BlockingClient : public ClientTransport {
 public:
  explicit BlockingClient(BlockingClientOptions options);
  ~BlockingClient() override;
  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;

  common::Result<IncomingResponse> RoundTrip(const OutgoingRequest& request) override;

  // Closes the connection (the next request opens a new one).
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::http
