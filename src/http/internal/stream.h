// The byte stream under one HTTP connection: plain TCP or TLS over TCP. The
// connection code is written once against this interface; each operation is a
// coroutine that reports failure as an error_code, never by throwing.
//
// Not thread-safe: every call must run on the connection's strand, with at
// most one read and one write outstanding (the connection never overlaps them).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <cstddef>
#include <memory>
#include <utility>

namespace strata::http::internal {

namespace net = boost::asio;
namespace beast = boost::beast;

using RequestParser = beast::http::request_parser<beast::http::buffer_body>;
using HeadSerializer = beast::http::response_serializer<beast::http::empty_body>;

class Stream {
 public:
  virtual ~Stream() = default;

  // The TCP layer: timeouts (expires_after), socket options, close.
  virtual beast::tcp_stream& Tcp() = 0;
  virtual bool is_tls() const = 0;

  // TLS: runs the server handshake. initial holds bytes already read from the
  // socket (the peeked start of the ClientHello); the handshake consumes them.
  // Plain: does nothing.
  virtual net::awaitable<beast::error_code> Handshake(beast::flat_buffer& initial) = 0;

  // Reads until parser has the whole request head (http::async_read_header).
  virtual net::awaitable<beast::error_code> ReadHeader(beast::flat_buffer& buffer,
                                                       RequestParser& parser) = 0;
  // One step of body parsing (http::async_read_some): parses what buffer holds,
  // else reads once. error::need_buffer means the body buffer is full.
  virtual net::awaitable<beast::error_code> ReadBodySome(beast::flat_buffer& buffer,
                                                         RequestParser& parser) = 0;
  // Raw bytes, decrypted for TLS (used to wait for the next request).
  virtual net::awaitable<std::pair<beast::error_code, size_t>> ReadSome(
      net::mutable_buffer out) = 0;
  // Writes the whole response head held by serializer.
  virtual net::awaitable<beast::error_code> WriteHead(HeadSerializer& serializer) = 0;
  // Writes all of data.
  virtual net::awaitable<beast::error_code> Write(net::const_buffer data) = 0;
  // Writes all of first, then all of second, gathered into as few socket
  // writes as the stream allows.
  virtual net::awaitable<beast::error_code> Write(net::const_buffer first,
                                                  net::const_buffer second) = 0;
};

// A plain-TCP stream over tcp.
std::unique_ptr<Stream> MakePlainStream(beast::tcp_stream tcp);

// A TLS stream over tcp; call Handshake before anything else. context must
// outlive the stream.
std::unique_ptr<Stream> MakeTlsStream(beast::tcp_stream tcp, net::ssl::context& context);

}  // namespace strata::http::internal
