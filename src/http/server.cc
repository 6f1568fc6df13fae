#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/internal/connection.h"
#include "http/internal/request_id.h"

namespace strata::http {

namespace net = boost::asio;
using common::Code;
using common::Status;
using internal::Connection;

namespace {

uint64_t RandomKey() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

void Log(const std::string& message) { std::fprintf(stderr, "strata http: %s\n", message.c_str()); }

}  // namespace

struct Server::Impl {
  Impl(ServerOptions opts, Handler& h)
      : options(std::move(opts)),
        handler(h),
        request_ids(RandomKey()),
        io_context(static_cast<int>(std::max<size_t>(1, options.io_threads))) {}

  Status Start();
  void Stop(std::chrono::milliseconds drain_deadline);
  net::awaitable<void> AcceptLoop();
  void OnClosed(Connection* connection);
  std::vector<std::shared_ptr<Connection>> SnapshotConnections();
  // Waits until every connection has closed, or until deadline.
  bool WaitForConnections(std::chrono::steady_clock::time_point deadline);

  // Declared before io_context: connections (whose coroutine frames the
  // io_context destroys) refer to these.
  const ServerOptions options;
  Handler& handler;
  internal::RequestIdGenerator request_ids;
  std::atomic<size_t> inflight{0};
  std::atomic<bool> stopping{false};
  std::atomic<uint16_t> bound_port{0};
  std::optional<net::ssl::context> tls;
  std::optional<net::thread_pool> workers;
  std::optional<internal::ServerContext> context;

  mutable std::mutex mu;
  std::condition_variable cv;
  // GUARDED_BY(mu). Weak: a connection owns itself (through its coroutine).
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
  bool accept_loop_done = false;  // GUARDED_BY(mu)

  enum class State { kNew, kRunning, kStopped };
  State state = State::kNew;  // only Start/Stop, which callers serialize

  net::io_context io_context;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<net::ip::tcp::acceptor> acceptor;
  std::vector<std::thread> io_threads;
};

Status Server::Impl::Start() {
  if (state != State::kNew) return Status(Code::kInternal, "http server started twice");
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status(Code::kInvalidArgument, "TLS needs both a certificate and a key file");
  }
  boost::system::error_code ec;
  if (!options.tls_cert_file.empty()) {
    tls.emplace(net::ssl::context::tls_server);
    tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                         net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                         net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use,
                     ec);
    if (!ec) tls->use_certificate_chain_file(options.tls_cert_file, ec);
    if (ec) {
      return Status(Code::kInvalidArgument,
                    "TLS certificate " + options.tls_cert_file + ": " + ec.message());
    }
    tls->use_private_key_file(options.tls_key_file, net::ssl::context::pem, ec);
    if (ec) {
      return Status(Code::kInvalidArgument,
                    "TLS private key " + options.tls_key_file + ": " + ec.message());
    }
  }

  auto address = net::ip::make_address(options.address, ec);
  if (ec) return Status(Code::kInvalidArgument, "bad listen address " + options.address);
  net::ip::tcp::endpoint endpoint(address, options.port);
  std::string where = options.address + ":" + std::to_string(options.port);
  acceptor.emplace(net::make_strand(io_context));
  if (acceptor->open(endpoint.protocol(), ec); ec) {
    return Status(Code::kUnavailable, "socket for " + where + ": " + ec.message());
  }
  // Restarting must not wait for old connections in TIME_WAIT.
  if (acceptor->set_option(net::socket_base::reuse_address(true), ec); ec) {
    return Status(Code::kUnavailable, "SO_REUSEADDR on " + where + ": " + ec.message());
  }
  if (acceptor->bind(endpoint, ec); ec) {
    return Status(Code::kUnavailable, "bind " + where + ": " + ec.message());
  }
  if (acceptor->listen(net::socket_base::max_listen_connections, ec); ec) {
    return Status(Code::kUnavailable, "listen " + where + ": " + ec.message());
  }
  bound_port = acceptor->local_endpoint(ec).port();

  workers.emplace(std::max<size_t>(1, options.worker_threads));
  context.emplace(internal::ServerContext{
      .options = options,
      .handler = handler,
      .workers = workers->get_executor(),
      .tls = tls ? &*tls : nullptr,
      .request_ids = request_ids,
      .inflight = inflight,
      .stopping = stopping,
      .on_closed = [this](Connection* c) { OnClosed(c); },
  });
  net::co_spawn(acceptor->get_executor(), AcceptLoop(), net::detached);
  work.emplace(io_context.get_executor());
  for (size_t i = 0; i < std::max<size_t>(1, options.io_threads); ++i) {
    io_threads.emplace_back([this] {
      // Connections catch everything themselves; this is the last resort so
      // one stray exception does not take an I/O thread away.
      for (;;) {
        try {
          io_context.run();
          return;
        } catch (const std::exception& e) {
          Log(std::string("exception on I/O thread: ") + e.what());
        }
      }
    });
  }
  state = State::kRunning;
  return Status::Ok();
}

net::awaitable<void> Server::Impl::AcceptLoop() {
  constexpr auto kAwait = net::as_tuple(net::use_awaitable);
  for (;;) {
    auto [ec, socket] =
        co_await acceptor->async_accept(net::any_io_executor(net::make_strand(io_context)), kAwait);
    if (stopping.load() || ec == net::error::operation_aborted) break;
    if (ec) {
      // Typically EMFILE: back off rather than spin; existing work goes on.
      Log("accept: " + ec.message());
      net::steady_timer timer(acceptor->get_executor(), std::chrono::milliseconds(100));
      co_await timer.async_wait(kAwait);
      continue;
    }
    // Without TCP_NODELAY a small response can wait ~40 ms for a delayed ACK.
    boost::system::error_code ignored;
    socket.set_option(net::ip::tcp::no_delay(true), ignored);
    auto connection = std::make_shared<Connection>(*context, std::move(socket));
    {
      std::lock_guard lock(mu);
      connections.emplace(connection.get(), connection);
    }
    net::co_spawn(connection->executor(), Connection::Run(connection), net::detached);
  }
  std::lock_guard lock(mu);
  accept_loop_done = true;
  cv.notify_all();
}

void Server::Impl::OnClosed(Connection* connection) {
  std::lock_guard lock(mu);
  connections.erase(connection);
  cv.notify_all();
}

std::vector<std::shared_ptr<Connection>> Server::Impl::SnapshotConnections() {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mu);
  for (auto& [raw, weak] : connections) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

bool Server::Impl::WaitForConnections(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu);
  return cv.wait_until(lock, deadline, [&] { return connections.empty(); });
}

void Server::Impl::Stop(std::chrono::milliseconds drain_deadline) {
  if (state != State::kRunning) {
    state = State::kStopped;
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + drain_deadline;
  // stopping is set before the acceptor closes, so a connection accepted in
  // between sees it on its strand and closes at once.
  stopping.store(true);
  net::post(acceptor->get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor->close(ignored);
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return accept_loop_done; });
  }
  for (auto& c : SnapshotConnections()) c->BeginShutdown();
  if (!WaitForConnections(deadline)) {
    for (auto& c : SnapshotConnections()) c->ForceClose();
    // With their sockets closed, handlers see I/O errors and return; a handler
    // stuck elsewhere (disk) is waited for, as its thread cannot be killed.
    while (!WaitForConnections(std::chrono::steady_clock::now() + std::chrono::seconds(10))) {
      std::lock_guard lock(mu);
      Log("stop: still waiting for " + std::to_string(connections.size()) + " connections");
    }
  }
  work.reset();
  io_context.stop();
  for (auto& t : io_threads) t.join();
  io_threads.clear();
  workers->join();
  state = State::kStopped;
}

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

Status Server::Start() { return impl_->Start(); }

uint16_t Server::BoundPort() const { return impl_->bound_port.load(); }

void Server::Stop(std::chrono::milliseconds drain_deadline) { impl_->Stop(drain_deadline); }

size_t Server::OpenConnections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connections.size();
}

size_t Server::InflightRequests() const { return impl_->inflight.load(); }

}  // namespace strata::http
