// How a Handler answers. Bodies stream: write the head once, then the body in
// pieces, so a 10 GiB GET never sits in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/status.h"
#include "http/headers.h"

namespace strata::http {

class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  // Sends the status line and headers. content_length is the exact number of
  // body bytes that WriteBody will deliver (0 for none). For a HEAD request
  // the server sends the Content-Length header but no body.
  virtual common::Status WriteHead(int status, const Headers& headers, uint64_t content_length) = 0;
  virtual common::Status WriteBody(std::span<const char> data) = 0;
  virtual bool head_written() const = 0;
  // Asks the server to close the connection after this response (for example
  // when the request body was not read to its end).
  virtual void CloseAfterResponse() = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
};

// WriteHead + WriteBody of a response whose body is in memory.
common::Status WriteResponse(ResponseWriter& writer, const Response& response);

}  // namespace strata::http
