#include "http/internal/connection.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time_format.h"

namespace strata::http::internal {
namespace {

namespace bhttp = beast::http;
using common::Code;
using common::Status;

constexpr size_t kFirstReadBytes = 16 * 1024;
constexpr size_t kBodyReadBytes = 64 * 1024;
// Content-Length bodies up to this size are read before the handler runs
// (Connection::PrereadBody).
constexpr uint64_t kPrereadBodyBytes = 64 * 1024;
// Unread request body the server will still read and drop to keep a
// connection alive; beyond it closing is cheaper.
constexpr uint64_t kMaxDrainBytes = 1 << 20;
// After a response that left request bytes unread, the server stops sending
// and reads a little longer before closing, so the client's kernel does not
// answer our FIN with a RST that would destroy the response (lingering close).
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr uint64_t kMaxLingerBytes = 1 << 20;
constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Log(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "strata http: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= 32 || c >= 127 ||
        std::string_view("\"(),/:;<=>?@[\\]{}").find(c) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsFieldValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool NoBodyStatus(int status) { return status < 200 || status == 204 || status == 304; }

Status ReadError(const beast::error_code& ec, std::chrono::seconds timeout) {
  if (ec == beast::error::timeout) {
    return Status(Code::kRequestTimeout,
                  "no request body data for " + std::to_string(timeout.count()) + "s");
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
      ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
    return Status(Code::kInvalidRequest, "malformed request body: " + ec.message());
  }
  return Status(Code::kIncompleteBody, "request body ended early: " + ec.message());
}

Status WriteError(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return Status(Code::kRequestTimeout, "response write timed out");
  return Status(Code::kUnavailable, "client connection lost: " + ec.message());
}

std::string FormatEndpoint(const net::ip::tcp::endpoint& endpoint) {
  const auto& address = endpoint.address();
  std::string host = address.to_string();
  if (address.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

// The worker-thread halves of the bridges the Handler sees.
class BodyBridge final : public common::ByteSource {
 public:
  explicit BodyBridge(Connection& connection) : connection_(connection) {}
  common::Result<size_t> Read(std::span<char> out) override {
    if (out.empty()) return size_t{0};
    size_t n = 0;
    STRATA_RETURN_IF_ERROR(connection_.ReadBodyBlocking(out, &n));
    return n;
  }

 private:
  Connection& connection_;
};

}  // namespace

// The response head waits for the first body bytes, so both go out in one
// hop to the connection's strand and one socket write; a head with no body
// (HEAD, most errors, PUT's answer) is sent by the connection itself when
// the handler returns, without any hop. A small body that comes whole in one
// piece (a small GET, an error document) is copied and sent the same way:
// the handler never waits on the socket, and the response costs no thread
// switch beyond the handler's own two (to the worker pool and back).
//
// On the I/O thread (Handler::TryHandleInline) only that deferred form is
// possible: a blocking write from there would wait for the very thread that
// is to perform it.
class WriterBridge final : public ResponseWriter {
 public:
  // Copying a body this small costs less than the blocking write it saves.
  static constexpr size_t kDeferredBodyLimit = Handler::kInlineBodyLimit;

  struct PendingHead {
    int status = 0;
    Headers headers;
    uint64_t content_length = 0;
    std::string body;  // the whole body when it was deferred, else empty
  };

  enum class Thread { kWorker, kIo };

  WriterBridge(Connection& connection, Thread thread) : connection_(connection), thread_(thread) {}
  Status WriteHead(int status, const Headers& headers, uint64_t content_length) override {
    if (head_written_) return Status(Code::kInternal, "response head already written");
    head_written_ = true;
    pending_.emplace(PendingHead{status, headers, content_length, {}});
    return Status::Ok();
  }
  Status WriteBody(std::span<const char> data) override {
    if (data.empty()) return Status::Ok();
    if (pending_ && !pending_->body.empty()) {
      // The deferred body was all of Content-Length already.
      connection_.RequestClose();
      return Status(Code::kInternal, "response body longer than its Content-Length");
    }
    if (pending_ && data.size() == pending_->content_length && data.size() <= kDeferredBodyLimit) {
      pending_->body.assign(data.data(), data.size());
      return Status::Ok();
    }
    if (thread_ == Thread::kIo) {
      connection_.RequestClose();
      return Status(Code::kInternal,
                    "a response body written on the I/O thread must come whole, at most " +
                        std::to_string(kDeferredBodyLimit) + " bytes");
    }
    if (pending_) {
      PendingHead head = std::move(*pending_);
      pending_.reset();
      return connection_.WriteHeadAndBodyBlocking(head.status, head.headers, head.content_length,
                                                  data);
    }
    return connection_.WriteBodyBlocking(data);
  }
  bool head_written() const override { return head_written_; }
  void CloseAfterResponse() override { connection_.RequestClose(); }

  // What the handler wrote but the connection still has to send: a head
  // with no body, or a head with its whole (small) body.
  std::optional<PendingHead> TakePendingHead() { return std::exchange(pending_, std::nullopt); }

 private:
  Connection& connection_;
  const Thread thread_;
  bool head_written_ = false;
  std::optional<PendingHead> pending_;
};

namespace {

// Runs fn on the worker pool, then resumes the caller on its own executor
// (the connection's strand), passing on what fn threw: one post to the pool
// and one back. co_spawn would also post the finished coroutine to the pool
// once more before resuming the caller, waking a second worker for nothing;
// with it a small GET cost five to six context switches instead of about two.
template <class Fn, class Token>
auto RunOnWorkers(const net::any_io_executor& workers, Fn fn, Token&& token) {
  return net::async_initiate<Token, void(std::exception_ptr)>(
      [workers](auto handler, Fn job) {
        auto work = net::make_work_guard(net::get_associated_executor(handler));
        net::post(workers, [fn = std::move(job), handler = std::move(handler),
                            work = std::move(work)]() mutable {
          std::exception_ptr failure;
          try {
            fn();
          } catch (...) {
            failure = std::current_exception();
          }
          auto executor = work.get_executor();
          net::dispatch(executor, [handler = std::move(handler), failure]() mutable {
            std::move(handler)(failure);
          });
          work.reset();
        });
      },
      token, std::move(fn));
}

}  // namespace

bool ServerContext::TryAcquireSlot() {
  if (inflight.fetch_add(1) >= options.max_inflight) {
    inflight.fetch_sub(1);
    return false;
  }
  return true;
}

void ServerContext::ReleaseSlot() { inflight.fetch_sub(1); }

// State of the request being served. Reset for every request.
struct Connection::Exchange {
  Request request;
  unsigned version = 11;
  bool is_head = false;
  bool expect_continue = false;  // client waits for "100 Continue", not sent yet
  bool head_written = false;
  bool discard_body = false;                 // HEAD request or a status without body
  uint64_t body_to_write = 0;                // promised response bytes not yet written
  uint64_t body_read = 0;                    // request body bytes handed to the handler
  Status body_error;                         // sticky: a failed body read is final
  bool close = false;                        // this response is the connection's last
  std::atomic<bool> close_requested{false};  // ResponseWriter::CloseAfterResponse
  // What PrereadBody read; the handler's reads come from here, from
  // preread_offset on, then (unless it was the whole body) from the socket.
  std::optional<std::string> preread;
  size_t preread_offset = 0;
  bool preread_complete = false;
};

Connection::Connection(ServerContext& context, net::ip::tcp::socket socket)
    : context_(context), executor_(socket.get_executor()) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  remote_address_ = ec ? "unknown" : FormatEndpoint(endpoint);
  tcp_.emplace(std::move(socket));
}

Connection::~Connection() = default;

beast::tcp_stream& Connection::Tcp() { return stream_ ? stream_->Tcp() : *tcp_; }

net::awaitable<void> Connection::Run(std::shared_ptr<Connection> self) {
  std::string failure;
  try {
    co_await self->Serve();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (!failure.empty()) {
    // The one catch-all of the HTTP layer: whatever escaped becomes a 500 if
    // nothing was answered yet, and the connection closes.
    Log("connection " + self->remote_address_ + " failed", failure);
    if (self->stream_ && self->exchange_ && !self->exchange_->head_written && !self->broken_) {
      try {
        self->exchange_->close = true;
        co_await self->SendPlain(500, "InternalError\n");
      } catch (...) {
      }
    }
  }
  try {
    co_await self->Close();
  } catch (...) {
  }
  self->context_.on_closed(self.get());
}

void Connection::BeginShutdown() {
  net::post(executor_, [self = shared_from_this()] {
    self->stopping_ = true;
    // Only a connection between requests is closed now; one in a request
    // finishes it and then closes (its response carries Connection: close).
    if (self->idle_) self->Tcp().cancel();
  });
}

void Connection::ForceClose() {
  net::post(executor_, [self = shared_from_this()] {
    self->broken_ = true;
    self->Tcp().close();
  });
}

net::awaitable<void> Connection::Serve() {
  constexpr auto kAwait = net::as_tuple(net::use_awaitable);
  const ServerOptions& options = context_.options;
  if (context_.stopping.load()) stopping_ = true;
  if (stopping_) co_return;

  // Peek at the first bytes: a TLS record starts with 0x16 (handshake).
  idle_ = true;
  tcp_->expires_after(options.header_timeout);
  auto [ec, n] = co_await tcp_->async_read_some(buffer_.prepare(kFirstReadBytes), kAwait);
  idle_ = false;
  if (ec || n == 0 || stopping_) {
    broken_ = true;
    co_return;
  }
  buffer_.commit(n);
  bool tls = context_.tls != nullptr &&
             static_cast<const unsigned char*>(buffer_.data().data())[0] == 0x16;
  stream_ =
      tls ? MakeTlsStream(std::move(*tcp_), *context_.tls) : MakePlainStream(std::move(*tcp_));
  tcp_.reset();
  if (tls) {
    Tcp().expires_after(options.header_timeout);
    if (auto hs_ec = co_await stream_->Handshake(buffer_); hs_ec) {
      broken_ = true;
      co_return;
    }
  }

  for (bool first = true;; first = false) {
    if (buffer_.size() == 0) {
      // Between requests. A client's first request after the TLS handshake is
      // bounded by header_timeout, a keep-alive wait by idle_timeout.
      if (stopping_) co_return;
      // An idle connection should not pin the 64 KiB+ a body read grew.
      if (buffer_.capacity() > kFirstReadBytes) buffer_.shrink_to_fit();
      idle_ = true;
      Tcp().expires_after(first ? options.header_timeout : options.idle_timeout);
      auto [read_ec, read_n] = co_await stream_->ReadSome(buffer_.prepare(kFirstReadBytes));
      idle_ = false;
      if (read_ec) {
        broken_ = true;
        co_return;
      }
      buffer_.commit(read_n);
    }
    if (!co_await ServeOne()) co_return;
  }
}

net::awaitable<bool> Connection::ServeOne() {
  const ServerOptions& options = context_.options;
  exchange_ = std::make_unique<Exchange>();
  Exchange& ex = *exchange_;
  ex.request.request_id = context_.request_ids.Next();
  ex.request.received_at_ms = NowMillis();
  ex.request.remote_address = remote_address_;
  ex.request.tls = stream_->is_tls();

  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(
      std::min<size_t>(options.max_header_bytes, std::numeric_limits<uint32_t>::max())));
  // No limit: the handler decides what is too large. (A huge limit rather than
  // boost::none, which trips GCC 12 -Wmaybe-uninitialized inside Beast.)
  parser_->body_limit(std::numeric_limits<uint64_t>::max());
  Tcp().expires_after(options.header_timeout);
  beast::error_code ec = co_await stream_->ReadHeader(buffer_, *parser_);
  if (ec) {
    ex.close = true;
    if (ec == bhttp::error::header_limit) {
      co_await SendReject(
          Code::kRequestHeaderSectionTooLarge,
          "request head exceeds " + std::to_string(options.max_header_bytes) + " bytes");
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      co_await SendReject(Code::kInvalidRequest, "malformed request head: " + ec.message());
    } else {
      broken_ = true;  // timeout (socket already closed), EOF or reset: nobody to answer
    }
    co_return false;
  }
  FillRequest();

  if (ex.request.target.size() > options.max_url_bytes) {
    ex.close = true;
    co_await SendReject(Code::kRequestHeaderSectionTooLarge,
                        "request URL exceeds " + std::to_string(options.max_url_bytes) + " bytes");
    co_return false;
  }
  if (ex.request.headers.size() > options.max_header_count) {
    ex.close = true;
    co_await SendReject(Code::kRequestHeaderSectionTooLarge,
                        "more than " + std::to_string(options.max_header_count) + " headers");
    co_return false;
  }
  // The gate is checked before any body byte is read, so requests that will
  // be refused cost no memory (and a 100-continue client never sends its body).
  if (!context_.TryAcquireSlot()) {
    // Under overload, reading a body just to drop it is the wrong economy.
    if (!parser_->is_done()) ex.close = true;
    co_await SendReject(Code::kSlowDown, "too many requests in progress");
    co_return !ex.close && !broken_;
  }
  co_return co_await Dispatch();
}

void Connection::FillRequest() {
  Exchange& ex = *exchange_;
  Request& r = ex.request;
  const auto& msg = parser_->get();
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  r.query = q == std::string::npos ? "" : r.target.substr(q + 1);
  for (const auto& field : msg) r.headers.Add(field.name_string(), field.value());
  // From the field, which the parser has validated, rather than through
  // parser.content_length(): its boost::optional trips GCC 12's
  // -Wmaybe-uninitialized.
  if (!parser_->chunked() && msg.has_content_length()) {
    std::string_view text = msg[bhttp::field::content_length];
    uint64_t length = 0;
    std::from_chars(text.data(), text.data() + text.size(), length);
    r.content_length = length;
  }
  r.chunked_transfer = parser_->chunked();
  ex.version = msg.version();
  ex.is_head = msg.method() == bhttp::verb::head;
  ex.close = !msg.keep_alive() || stopping_;
  // Owed even for an empty body: AWS always answers the 100, and botocore
  // 1.29 keeps a final response that came without it as the status line of
  // the next response on the connection, which then hangs.
  ex.expect_continue =
      ex.version >= 11 && EqualsIgnoreCase(r.headers.Get("expect"), "100-continue");
}

net::awaitable<void> Connection::PrereadBody() {
  Exchange& ex = *exchange_;
  if (ex.expect_continue || !ex.request.content_length || parser_->is_done()) co_return;
  const uint64_t length = *ex.request.content_length;
  if (length > kPrereadBodyBytes) co_return;
  std::string body(static_cast<size_t>(length), '\0');
  size_t n = 0;
  // On failure body_error is set and sticky: the handler's first read gets it.
  if (Status status = co_await DoReadBody(body, &n); !status.ok()) co_return;
  body.resize(n);
  ex.preread = std::move(body);
  ex.preread_complete = parser_->is_done();  // always, with a Content-Length
}

net::awaitable<bool> Connection::Dispatch() {
  Exchange& ex = *exchange_;
  if (parser_->is_done()) {
    // No body to read: the handler may answer right here (TryHandleInline).
    WriterBridge writer(*this, WriterBridge::Thread::kIo);
    bool answered = false;
    std::string failure;
    try {
      answered = context_.handler.TryHandleInline(ex.request, writer);
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown exception";
    }
    // A head written means answered, whatever was returned.
    if (answered || writer.head_written() || !failure.empty()) {
      co_return co_await Finish(writer, std::move(failure));
    }
  }
  co_await PrereadBody();
  BodyBridge body(*this);
  WriterBridge writer(*this, WriterBridge::Thread::kWorker);
  std::string failure;
  try {
    co_await RunOnWorkers(
        context_.workers, [&] { context_.handler.Handle(ex.request, body, writer); },
        net::use_awaitable);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  co_return co_await Finish(writer, std::move(failure));
}

net::awaitable<bool> Connection::Finish(WriterBridge& writer, std::string failure) {
  Exchange& ex = *exchange_;
  context_.ReleaseSlot();
  if (std::optional<WriterBridge::PendingHead> head = writer.TakePendingHead();
      head && failure.empty()) {
    // A failed write marks the connection broken and closing by itself.
    if (head->body.empty()) {
      (void)co_await DoWriteHead(head->status, head->headers, head->content_length);
    } else {
      (void)co_await DoWriteHeadAndBody(head->status, head->headers, head->content_length,
                                        head->body);
    }
  }
  if (!failure.empty()) {
    Log("handler failed on " + ex.request.method + " " + ex.request.target, failure);
    ex.close = true;
    if (!ex.head_written) co_await SendPlain(500, "InternalError\n");
    co_return false;
  }
  if (!ex.head_written) {
    Log("handler wrote no response to " + ex.request.method + " " + ex.request.target,
        ex.request.request_id);
    co_await SendPlain(500, "InternalError: no response\n");
  } else if (ex.body_to_write > 0) {
    // The head promised more bytes than came: only closing tells the client.
    co_return false;
  }
  if (ex.close || ex.close_requested.load() || broken_ || stopping_ || context_.stopping.load()) {
    co_return false;
  }
  co_return co_await DrainBody();
}

bool Connection::BodyWillBeLeftUnread() const {
  const Exchange& ex = *exchange_;
  if (parser_->is_done()) return false;
  if (!ex.body_error.ok() || ex.expect_continue) return true;  // 100 not sent: body not invited
  if (!ex.request.content_length) return true;                 // chunked: size unknown
  return *ex.request.content_length - ex.body_read > kMaxDrainBytes;
}

net::awaitable<bool> Connection::DrainBody() {
  if (parser_->is_done()) co_return true;
  if (BodyWillBeLeftUnread()) co_return false;
  std::vector<char> scratch(64 * 1024);
  while (!parser_->is_done()) {
    size_t n = 0;
    Status status = co_await DoReadBody(scratch, &n);
    if (!status.ok()) co_return false;
  }
  co_return true;
}

net::awaitable<void> Connection::SendReject(Code code, std::string message) {
  Exchange& ex = *exchange_;
  Response response = context_.handler.Reject(ex.request, Status(code, std::move(message)));
  Status status = co_await DoWriteHead(response.status, response.headers, response.body.size());
  if (status.ok() && !response.body.empty()) status = co_await DoWriteBody(response.body);
}

net::awaitable<void> Connection::SendPlain(int status, std::string body) {
  Headers headers;
  headers.Add("Content-Type", "text/plain");
  Status result = co_await DoWriteHead(status, headers, body.size());
  if (result.ok()) result = co_await DoWriteBody(body);
}

net::awaitable<Status> Connection::DoReadBody(std::span<char> out, size_t* n) {
  Exchange& ex = *exchange_;
  *n = 0;
  if (!ex.body_error.ok()) co_return ex.body_error;
  if (parser_->is_done() && !ex.expect_continue) co_return Status::Ok();
  if (broken_) {
    ex.body_error = Status(Code::kIncompleteBody, "connection closed");
    co_return ex.body_error;
  }
  const auto timeout = context_.options.io_timeout;
  if (ex.expect_continue) {
    // Sent on the first read, not before: a handler that refuses the request
    // early (bad signature) never invites the body.
    ex.expect_continue = false;
    Tcp().expires_after(timeout);
    if (auto ec = co_await stream_->Write(net::buffer(k100Continue)); ec) {
      ex.body_error = WriteFailed(ec);
      co_return ex.body_error;
    }
  }
  if (parser_->is_done()) co_return Status::Ok();
  // Fill the caller's buffer (or reach the end): fewer hops between threads.
  // Beast reads at most 64 KiB and at most the buffer's free capacity per
  // step; the 16 KiB header buffer would mean 4x the recv/timer/epoll calls.
  if (buffer_.capacity() < kBodyReadBytes) buffer_.reserve(kBodyReadBytes);
  auto& body = parser_->get().body();
  while (*n < out.size() && !parser_->is_done()) {
    body.data = out.data() + *n;
    body.size = out.size() - *n;
    body.more = true;
    Tcp().expires_after(timeout);  // io_timeout bounds each step, i.e. no progress
    beast::error_code ec = co_await stream_->ReadBodySome(buffer_, *parser_);
    *n = out.size() - body.size;
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) {
      ex.close = true;
      if (ec == beast::error::timeout) broken_ = true;
      ex.body_error = ReadError(ec, timeout);
      *n = 0;
      co_return ex.body_error;
    }
  }
  ex.body_read += *n;
  co_return Status::Ok();
}

net::awaitable<Status> Connection::PrepareHead(int status, const Headers& headers,
                                               uint64_t content_length,
                                               bhttp::response<bhttp::empty_body>& res) {
  Exchange& ex = *exchange_;
  if (ex.head_written) co_return Status(Code::kInternal, "response head already written");
  if (status < 100 || status > 999) {
    co_return Status(Code::kInternal, "bad HTTP status " + std::to_string(status));
  }
  res.result(static_cast<unsigned>(status));
  res.version(ex.version);
  for (const auto& [name, value] : headers.entries()) {
    if (!IsToken(name) || !IsFieldValue(value)) {
      co_return Status(Code::kInternal, "bad response header: " + name);
    }
    // Framing belongs to the server.
    if (name == "content-length" || name == "transfer-encoding" || name == "connection") {
      if (name == "connection" && EqualsIgnoreCase(value, "close")) ex.close = true;
      continue;
    }
    res.insert(name, value);
  }
  ex.head_written = true;
  if (broken_) co_return Status(Code::kUnavailable, "client connection lost");
  int64_t now = NowMillis();
  if (!headers.Has("date")) res.set(bhttp::field::date, common::FormatHttpDate(now / 1000));
  if (!headers.Has("server")) res.set(bhttp::field::server, "Strata");
  if (!headers.Has("x-amz-request-id")) res.set("x-amz-request-id", ex.request.request_id);
  ex.discard_body = ex.is_head || NoBodyStatus(status);
  // For HEAD the length is what a GET would send: that is what clients read.
  if (!NoBodyStatus(status)) res.content_length(content_length);
  ex.body_to_write = ex.discard_body ? 0 : content_length;
  if (ex.close_requested.load() || stopping_ || context_.stopping.load() ||
      BodyWillBeLeftUnread()) {
    ex.close = true;
  }
  res.keep_alive(!ex.close);

  if (ex.expect_continue && parser_->is_done()) {
    // An empty body the handler never read: the 100 is still owed (see
    // ReadHead). A body that is still to come is not invited; the connection
    // closes instead (BodyWillBeLeftUnread).
    ex.expect_continue = false;
    Tcp().expires_after(context_.options.io_timeout);
    if (auto ec = co_await stream_->Write(net::buffer(k100Continue)); ec) {
      co_return WriteFailed(ec);
    }
  }
  co_return Status::Ok();
}

net::awaitable<Status> Connection::DoWriteHead(int status, const Headers& headers,
                                               uint64_t content_length) {
  bhttp::response<bhttp::empty_body> res;
  if (Status prepared = co_await PrepareHead(status, headers, content_length, res);
      !prepared.ok()) {
    co_return prepared;
  }
  co_return co_await SendHead(res);
}

net::awaitable<Status> Connection::SendHead(bhttp::response<bhttp::empty_body>& res) {
  HeadSerializer serializer(res);
  Tcp().expires_after(context_.options.io_timeout);
  if (auto ec = co_await stream_->WriteHead(serializer); ec) co_return WriteFailed(ec);
  co_return Status::Ok();
}

Status Connection::WriteFailed(beast::error_code ec) {
  broken_ = true;
  exchange_->close = true;
  return WriteError(ec);
}

Status Connection::CheckBodyWrite(std::span<const char> data, bool* skip) {
  Exchange& ex = *exchange_;
  *skip = false;
  if (!ex.head_written) return Status(Code::kInternal, "response body before head");
  if (ex.discard_body) {
    *skip = true;
    return Status::Ok();
  }
  if (data.size() > ex.body_to_write) {
    ex.close = true;
    return Status(Code::kInternal, "response body longer than its Content-Length");
  }
  if (broken_) return Status(Code::kUnavailable, "client connection lost");
  return Status::Ok();
}

net::awaitable<Status> Connection::DoWriteBody(std::span<const char> data) {
  bool skip = false;
  if (Status checked = CheckBodyWrite(data, &skip); !checked.ok() || skip) co_return checked;
  Tcp().expires_after(context_.options.io_timeout);
  if (auto ec = co_await stream_->Write(net::buffer(data.data(), data.size())); ec) {
    co_return WriteFailed(ec);
  }
  exchange_->body_to_write -= data.size();
  co_return Status::Ok();
}

net::awaitable<Status> Connection::DoWriteHeadAndBody(int status, const Headers& headers,
                                                      uint64_t content_length,
                                                      std::span<const char> data) {
  bhttp::response<bhttp::empty_body> res;
  if (Status prepared = co_await PrepareHead(status, headers, content_length, res);
      !prepared.ok()) {
    co_return prepared;
  }
  bool skip = false;
  Status checked = CheckBodyWrite(data, &skip);
  if (!checked.ok() || skip) {
    // The head still goes out (a HEAD, or a handler error the caller sees).
    if (!broken_) {
      if (Status sent = co_await SendHead(res); !sent.ok()) co_return sent;
    }
    co_return checked;
  }
  // One socket write for both: a small response is one segment, not two.
  std::ostringstream head;
  head << res.base();
  const std::string head_bytes = std::move(head).str();
  Tcp().expires_after(context_.options.io_timeout);
  if (auto ec =
          co_await stream_->Write(net::buffer(head_bytes), net::buffer(data.data(), data.size()));
      ec) {
    co_return WriteFailed(ec);
  }
  exchange_->body_to_write -= data.size();
  co_return Status::Ok();
}

net::awaitable<void> Connection::Close() {
  constexpr auto kAwait = net::as_tuple(net::use_awaitable);
  if (!tcp_ && !stream_) co_return;
  beast::tcp_stream& tcp = Tcp();
  beast::error_code ignored;
  if (!broken_ && parser_ && !parser_->is_done()) {
    // Lingering close (see kLingerTime): FIN first, then read and drop.
    tcp.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    std::vector<char> scratch(16 * 1024);
    uint64_t total = 0;
    tcp.expires_after(kLingerTime);
    while (total < kMaxLingerBytes && !broken_) {
      auto [ec, n] = co_await tcp.async_read_some(net::buffer(scratch), kAwait);
      if (ec) break;
      total += n;
    }
  }
  tcp.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  tcp.close();
}

Status Connection::CallOnStrand(net::awaitable<Status> op) {
  try {
    return net::co_spawn(executor_, std::move(op), net::use_future).get();
  } catch (const std::exception& e) {
    return Status(Code::kInternal, std::string("connection I/O failed: ") + e.what());
  }
}

Status Connection::ReadBodyBlocking(std::span<char> out, size_t* n) {
  Exchange& ex = *exchange_;
  // preread was written on the strand before the handler was posted here;
  // only this (the handler's) thread touches it until the handler returns.
  if (ex.preread && (ex.preread_offset < ex.preread->size() || ex.preread_complete)) {
    *n = std::min(out.size(), ex.preread->size() - ex.preread_offset);
    std::memcpy(out.data(), ex.preread->data() + ex.preread_offset, *n);
    ex.preread_offset += *n;
    return Status::Ok();
  }
  return CallOnStrand(DoReadBody(out, n));
}

Status Connection::WriteHeadBlocking(int status, const Headers& headers, uint64_t content_length) {
  return CallOnStrand(DoWriteHead(status, headers, content_length));
}

Status Connection::WriteBodyBlocking(std::span<const char> data) {
  return CallOnStrand(DoWriteBody(data));
}

Status Connection::WriteHeadAndBodyBlocking(int status, const Headers& headers,
                                            uint64_t content_length, std::span<const char> data) {
  return CallOnStrand(DoWriteHeadAndBody(status, headers, content_length, data));
}

void Connection::RequestClose() { exchange_->close_requested.store(true); }

}  // namespace strata::http::internal
