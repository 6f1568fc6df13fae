// The seam between the HTTP server and what serves requests (the S3 router,
// health, metrics, admin). The server owns sockets, limits and timeouts; the
// handler owns meaning, including how a rejection is worded (S3 XML).
#pragma once

#include <cstddef>

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

  // The largest body TryHandleInline's writer takes.
  static constexpr size_t kInlineBodyLimit = 64 * 1024;

  // A fast path for requests whose answer is cheap to find, such as a HEAD or
  // a GET of a small object kept in its metadata row: handing a request to a
  // worker and back costs two thread switches, more than such an answer. The
  // server offers every request that has no body here first, on the
  // connection's I/O thread; so this must not block on a socket, a drive or a
  // remote service (a read of a local SQLite file is acceptable), and never
  // reads a body. Returns false, having written nothing, for a request it
  // leaves to Handle on a worker (the default); true once it answered. Its
  // writer takes one whole response: a head, then at most one body write of
  // all of content_length, up to kInlineBodyLimit bytes (a HEAD may announce
  // any length); any other write fails and the connection closes after the
  // head, since the I/O thread cannot wait for the socket.
  virtual bool TryHandleInline(const Request& request, ResponseWriter& response);

  // Answers a request the server refused before Handle: kSlowDown (concurrency
  // gate full), kRequestHeaderSectionTooLarge, kInvalidRequest (unparseable
  // head), kRequestTimeout. request may be partly filled. Runs on the I/O
  // thread: must not block. The default writes a plain-text status.
  virtual Response Reject(const Request& request, const common::Status& reason);
};

}  // namespace strata::http
