// The HTTP/1.1 server: owns the listening socket, the connections, their
// limits and timeouts, and the worker pool that runs the Handler. It speaks
// plain HTTP and, when a certificate is configured, TLS on the same port (the
// first byte of a connection tells them apart).
//
// Threads: `io_threads` run all socket I/O (each connection is one coroutine
// on its own strand) and Handler::TryHandleInline, the fast path a handler
// may offer for requests without a body; `worker_threads` run
// Handler::Handle, which may block.
// A request's body and response are streamed between the two, never buffered
// whole, so memory per request is bounded (about 64 KiB + the request head).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/handler.h"

namespace strata::http {

struct ServerOptions {
  std::string address = "0.0.0.0";
  uint16_t port = 9000;  // 0 = an ephemeral port (tests); see BoundPort()
  // Both set => TLS is accepted too (PEM files; the cert file may hold a chain).
  std::string tls_cert_file;
  std::string tls_key_file;
  size_t io_threads = 2;
  size_t worker_threads = 32;  // Handle runs here; it blocks on disk/SQLite
  // Requests being handled or queued for a worker. Beyond it the server
  // answers Reject(kSlowDown) (503) without calling Handle.
  size_t max_inflight = 256;
  size_t max_header_bytes = 64 * 1024;  // the whole request head
  size_t max_header_count = 256;
  size_t max_url_bytes = 16 * 1024;
  std::chrono::seconds idle_timeout{60};    // keep-alive wait for the next request
  std::chrono::seconds header_timeout{30};  // a client sending its head (or TLS handshake)
  std::chrono::seconds io_timeout{120};     // no progress on a body read or response write
};

// Lifecycle: construct, Start() once, Stop() once or more (later calls do
// nothing). Start/Stop are not thread-safe with each other; the accessors are
// thread-safe. The destructor stops the server with no drain time.
class Server {
 public:
  // handler must outlive the server. It is called concurrently from up to
  // worker_threads + io_threads threads.
  Server(ServerOptions options, Handler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS certificate (if configured), binds, listens and starts the
  // threads. Errors: kInvalidArgument (bad address, unreadable cert/key, only
  // one of cert/key set), kUnavailable with the OS message when bind/listen
  // fails (port in use, permission), kInternal when called twice.
  common::Status Start();

  // The port actually listened on (useful with port 0). 0 before Start.
  uint16_t BoundPort() const;

  // Graceful shutdown: stops accepting, closes idle keep-alive connections,
  // lets requests in progress finish (their responses carry Connection: close)
  // until drain_deadline, then closes every socket, which makes pending body
  // reads and response writes fail so handlers return; waits for them, then
  // joins all threads. Idempotent. REQUIRES: not called from a Handler.
  void Stop(std::chrono::milliseconds drain_deadline);

  // For metrics and health checks.
  size_t OpenConnections() const;
  size_t InflightRequests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::http
