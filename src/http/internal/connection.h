// One client connection: detects TLS, then reads requests one after another
// (keep-alive), applies the head limits and the concurrency gate, and runs the
// Handler on the worker pool while bridging its body reads and response writes
// back to the socket.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "common/status.h"
#include "http/handler.h"
#include "http/internal/request_id.h"
#include "http/internal/stream.h"
#include "http/server.h"

namespace strata::http::internal {

class Connection;
class WriterBridge;

// What the server shares with its connections. Owned by the server, which
// outlives every connection.
struct ServerContext {
  const ServerOptions& options;
  Handler& handler;
  net::any_io_executor workers;  // the worker pool
  net::ssl::context* tls;        // null => plain HTTP only
  RequestIdGenerator& request_ids;
  std::atomic<size_t>& inflight;
  std::atomic<bool>& stopping;
  // Called once, on the connection's strand, when the connection has closed.
  std::function<void(Connection*)> on_closed;

  // The concurrency gate: false when max_inflight requests are in progress.
  bool TryAcquireSlot();
  void ReleaseSlot();
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerContext& context, net::ip::tcp::socket socket);
  ~Connection();

  // The connection's strand; Run must be spawned on it.
  const net::any_io_executor& executor() const { return executor_; }

  // Serves the connection until it closes, then calls context.on_closed.
  // Never throws: anything escaping is logged and the connection is closed.
  static net::awaitable<void> Run(std::shared_ptr<Connection> self);

  // Thread-safe (posted to the strand). BeginShutdown closes the connection if
  // it waits for a request, else makes the current response the last one.
  // ForceClose aborts all I/O now.
  void BeginShutdown();
  void ForceClose();

  // Worker-thread side of the body and response bridges: each runs one
  // operation on the strand and blocks until it completes. REQUIRES: called
  // from the handler of the current request, one at a time.
  common::Status ReadBodyBlocking(std::span<char> out, size_t* n);
  common::Status WriteHeadBlocking(int status, const Headers& headers, uint64_t content_length);
  common::Status WriteBodyBlocking(std::span<const char> data);
  // The head and the first body bytes in one operation and one socket write.
  common::Status WriteHeadAndBodyBlocking(int status, const Headers& headers,
                                          uint64_t content_length, std::span<const char> data);
  void RequestClose();

 private:
  struct Exchange;

  net::awaitable<void> Serve();
  // Serves one request whose first bytes are in buffer_. False => close.
  net::awaitable<bool> ServeOne();
  // Runs the handler: TryHandleInline on this thread when the request has no
  // body, else (or when it declines) Handle on the worker pool.
  net::awaitable<bool> Dispatch();
  // After the handler returned (failure: what it threw, else empty): sends
  // what it left pending, answers 500 for a handler that failed or wrote
  // nothing, drains an unread body. False => close.
  net::awaitable<bool> Finish(WriterBridge& writer, std::string failure);
  // A small body with a Content-Length is read whole before the handler
  // runs, as nginx buffers small request bodies: the handler's reads then
  // cost no thread switch, and a client slow to send it holds no worker
  // thread meanwhile. Not with Expect: 100-continue, where the handler's
  // first read is what invites the body.
  net::awaitable<void> PrereadBody();
  void FillRequest();
  net::awaitable<void> SendReject(common::Code code, std::string message);
  net::awaitable<void> SendPlain(int status, std::string body);
  net::awaitable<common::Status> DoReadBody(std::span<char> out, size_t* n);
  // Everything DoWriteHead does but writing the head: checks, the exchange's
  // framing state, a 100 Continue still owed.
  net::awaitable<common::Status> PrepareHead(int status, const Headers& headers,
                                             uint64_t content_length,
                                             beast::http::response<beast::http::empty_body>& res);
  net::awaitable<common::Status> DoWriteHead(int status, const Headers& headers,
                                             uint64_t content_length);
  // Writes a prepared head on its own.
  net::awaitable<common::Status> SendHead(beast::http::response<beast::http::empty_body>& res);
  // A failed socket write ends the connection: marks it broken and closing.
  common::Status WriteFailed(beast::error_code ec);
  // DoWriteBody's checks; kOk with *skip when the body is not sent (HEAD).
  common::Status CheckBodyWrite(std::span<const char> data, bool* skip);
  net::awaitable<common::Status> DoWriteBody(std::span<const char> data);
  net::awaitable<common::Status> DoWriteHeadAndBody(int status, const Headers& headers,
                                                    uint64_t content_length,
                                                    std::span<const char> data);
  // Reads and drops the rest of the request body, up to the drain limit.
  net::awaitable<bool> DrainBody();
  net::awaitable<void> Close();
  common::Status CallOnStrand(net::awaitable<common::Status> op);
  // True when the request body will not be read to its end by DrainBody.
  bool BodyWillBeLeftUnread() const;
  beast::tcp_stream& Tcp();

  ServerContext& context_;
  net::any_io_executor executor_;
  // The socket until TLS detection, then moved into stream_.
  std::optional<beast::tcp_stream> tcp_;
  std::unique_ptr<Stream> stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::unique_ptr<Exchange> exchange_;
  std::string remote_address_;
  // All below only touched on the strand.
  bool idle_ = false;      // waiting for the first byte of a request
  bool stopping_ = false;  // BeginShutdown seen
  bool broken_ = false;    // socket failed or was closed: no more I/O
};

}  // namespace strata::http::internal
