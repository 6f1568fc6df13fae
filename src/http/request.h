// The head of an HTTP request as the server hands it to a Handler. The body is
// not here: it arrives separately as a common::ByteSource, read on demand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/headers.h"

namespace strata::http {

struct Request {
  std::string method;  // "GET", upper-case as received
  std::string target;  // raw request-target: "/bucket/key%20x?list-type=2"
  std::string path;    // target before '?', still percent-encoded
  std::string query;   // target after '?', still percent-encoded; "" if none
  Headers headers;
  // Content-Length when given; absent for no body or chunked transfer.
  std::optional<uint64_t> content_length;
  bool chunked_transfer = false;  // Transfer-Encoding: chunked
  std::string remote_address;     // "127.0.0.1:53112"
  bool tls = false;
  std::string request_id;  // unique per request; echoed as x-amz-request-id
  int64_t received_at_ms = 0;
};

// The host part of a Request::remote_address ("127.0.0.1:53112" ->
// "127.0.0.1", "[::1]:80" -> "::1"; an address without a port comes back
// whole): what failed-login limits count per address and the audit trail
// records as the source, since each connection has a port of its own.
std::string_view RemoteHost(std::string_view remote_address);

}  // namespace strata::http
