// The seam between the HTTP server and what serves requests (the S3 router,
// health, metrics, admin). The server owns sockets, limits and timeouts; the
// handler owns meaning, including how a rejection is worded (S3 XML).
#pragma once

#include "common/byte_stream.h"
#include "common/status.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace strata::http {

class Handler {
 public:
  virtual ~Handler() = default;

  // Serves one request. Runs on a worker thread and may block (disk, SQLite):
  // body reads and response writes wait for the connection's socket. body
  // yields exactly the request's payload (de-chunked if Transfer-Encoding was
  // chunked); reading it sends "100 Continue" first when the client asked.
  // The handler must write a response; if it does not, the server sends 500.
  virtual void Handle(const Request& request, common::ByteSource& body,
                      ResponseWriter& response) = 0;

  // Answers a request the server refused before Handle: kSlowDown (concurrency
  // gate full), kRequestHeaderSectionTooLarge, kInvalidRequest (unparseable
  // head), kRequestTimeout. request may be partly filled. Runs on the I/O
  // thread: must not block. The default writes a plain-text status.
  virtual Response Reject(const Request& request, const common::Status& reason);
};

}  // namespace strata::http
