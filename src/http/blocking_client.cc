#include "http/blocking_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <utility>

namespace strata::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using common::Code;
using common::Error;

std::string Bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

struct BlockingClient::Impl {
  explicit Impl(BlockingClientOptions o)
      : options(std::move(o)), where(Bracketed(options.host) + ":" + std::to_string(options.port)) {
    if (options.host_header.empty()) options.host_header = where;
  }

  // The calls below start one asynchronous step and run the io_context until
  // it is done: beast::tcp_stream's timeouts apply to asynchronous steps
  // only, and a command-line tool must not hang on a server that accepts and
  // never answers.
  void Run() {
    ioc.restart();
    ioc.run();
  }

  void Close() {
    if (stream) {
      boost::system::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
    }
    stream.reset();
    buffer.clear();
  }

  common::Status Failure(std::string_view step, const boost::system::error_code& ec) {
    Close();
    if (ec == beast::error::timeout) {
      return Error(Code::kTimeout, std::string(step) + " " + where + ": no progress within " +
                                       std::to_string(options.timeout.count()) + " ms");
    }
    return Error(Code::kUnavailable, std::string(step) + " " + where + ": " + ec.message());
  }

  common::Status Connect() {
    Close();
    boost::system::error_code ec;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(options.host, std::to_string(options.port), ec);
    if (ec) return Failure("resolve", ec);
    stream.emplace(ioc);
    stream->expires_after(options.timeout);
    stream->async_connect(
        endpoints, [&ec](const boost::system::error_code& e, const tcp::endpoint&) { ec = e; });
    Run();
    if (ec) return Failure("connect", ec);
    // Small requests must not wait for Nagle (TESTING.md: ~40 ms stalls).
    stream->socket().set_option(tcp::no_delay(true), ec);
    return common::Status::Ok();
  }

  // One request and its answer on the open connection. *stale is set when
  // the connection failed before any byte of an answer arrived, the sign of
  // a keep-alive connection the server had already closed.
  common::Result<IncomingResponse> Exchange(const OutgoingRequest& request, bhttp::verb verb,
                                            bool* stale) {
    *stale = false;
    bhttp::request<bhttp::string_body> message{verb, request.target, 11};
    message.set(bhttp::field::host, options.host_header);
    message.set(bhttp::field::user_agent, options.user_agent);
    for (const auto& [name, value] : request.headers.entries()) message.insert(name, value);
    message.body() = request.body;
    message.prepare_payload();

    boost::system::error_code ec;
    stream->expires_after(options.timeout);
    bhttp::async_write(*stream, message,
                       [&ec](const boost::system::error_code& e, size_t) { ec = e; });
    Run();
    if (ec) {
      *stale = ec != beast::error::timeout;
      return Failure("send to", ec);
    }

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    if (verb == bhttp::verb::head) parser.skip(true);
    stream->expires_after(options.timeout);
    bhttp::async_read(*stream, buffer, parser,
                      [&ec](const boost::system::error_code& e, size_t) { ec = e; });
    Run();
    if (ec == bhttp::error::body_limit) {
      Close();
      return Error(Code::kEntityTooLarge, "answer from " + where + " is larger than " +
                                              std::to_string(options.max_body_bytes) + " bytes");
    }
    if (ec) {
      *stale = !parser.got_some() &&
               (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
                ec == asio::error::connection_reset || ec == asio::error::broken_pipe);
      return Failure("read from", ec);
    }
    stream->expires_never();

    bhttp::response<bhttp::string_body>& answer = parser.get();
    IncomingResponse out;
    out.status = static_cast<int>(answer.result_int());
    for (const auto& field : answer) out.headers.Add(field.name_string(), field.value());
    out.body = std::move(answer.body());
    if (!answer.keep_alive()) Close();
    return out;
  }

  BlockingClientOptions options;
  const std::string where;  // "host:port", for messages
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

BlockingClient::BlockingClient(BlockingClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

BlockingClient::~BlockingClient() { impl_->Close(); }

void BlockingClient::Close() { impl_->Close(); }

common::Result<IncomingResponse> BlockingClient::RoundTrip(const OutgoingRequest& request) {
  bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) {
    return Error(Code::kInvalidArgument, "not an HTTP method: \"" + request.method + "\"");
  }
  bool reused = impl_->stream.has_value();
  if (!reused) STRATA_RETURN_IF_ERROR(impl_->Connect());
  bool stale = false;
  common::Result<IncomingResponse> result = impl_->Exchange(request, verb, &stale);
  if (result.ok() || !reused || !stale) return result;
  // The server closed an idle connection without reading the request: send
  // it again, once, on a new one.
  STRATA_RETURN_IF_ERROR(impl_->Connect());
  return impl_->Exchange(request, verb, &stale);
}

}  // namespace strata::http
