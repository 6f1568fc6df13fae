#include "http/internal/stream.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <type_traits>

namespace strata::http::internal {
namespace {

constexpr auto kAwait = net::as_tuple(net::use_awaitable);

// One implementation for both stream kinds; only the next layer differs.
template <typename S>
class StreamImpl final : public Stream {
 public:
  template <typename... Args>
  explicit StreamImpl(bool tls, Args&&... args) : stream_(std::forward<Args>(args)...), tls_(tls) {}

  beast::tcp_stream& Tcp() override { return beast::get_lowest_layer(stream_); }
  bool is_tls() const override { return tls_; }

  net::awaitable<beast::error_code> Handshake(beast::flat_buffer& initial) override {
    if constexpr (std::is_same_v<S, beast::tcp_stream>) {
      co_return beast::error_code();
    } else {
      auto [ec, used] =
          co_await stream_.async_handshake(net::ssl::stream_base::server, initial.data(), kAwait);
      if (!ec) initial.consume(used);
      co_return ec;
    }
  }

  net::awaitable<beast::error_code> ReadHeader(beast::flat_buffer& buffer,
                                               RequestParser& parser) override {
    auto [ec, n] = co_await beast::http::async_read_header(stream_, buffer, parser, kAwait);
    co_return ec;
  }

  net::awaitable<beast::error_code> ReadBodySome(beast::flat_buffer& buffer,
                                                 RequestParser& parser) override {
    auto [ec, n] = co_await beast::http::async_read_some(stream_, buffer, parser, kAwait);
    co_return ec;
  }

  net::awaitable<std::pair<beast::error_code, size_t>> ReadSome(net::mutable_buffer out) override {
    auto [ec, n] = co_await stream_.async_read_some(out, kAwait);
    co_return std::pair(ec, n);
  }

  net::awaitable<beast::error_code> WriteHead(HeadSerializer& serializer) override {
    auto [ec, n] = co_await beast::http::async_write_header(stream_, serializer, kAwait);
    co_return ec;
  }

  net::awaitable<beast::error_code> Write(net::const_buffer data) override {
    auto [ec, n] = co_await net::async_write(stream_, data, kAwait);
    co_return ec;
  }

  net::awaitable<beast::error_code> Write(net::const_buffer first,
                                          net::const_buffer second) override {
    if constexpr (std::is_same_v<S, beast::tcp_stream>) {
      const std::array<net::const_buffer, 2> both{first, second};
      auto [ec, n] = co_await net::async_write(stream_, both, kAwait);
      co_return ec;
    } else {
      // One after the other: beast's ssl_stream stalled on a gathered write
      // larger than its 16 KiB coalescing buffer (seen here, body never
      // sent), and TLS frames each write in its own records anyway.
      if (auto [ec, n] = co_await net::async_write(stream_, first, kAwait); ec) co_return ec;
      auto [ec, n] = co_await net::async_write(stream_, second, kAwait);
      co_return ec;
    }
  }

 private:
  S stream_;
  bool tls_;
};

using PlainStream = StreamImpl<beast::tcp_stream>;
using TlsStream = StreamImpl<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace

std::unique_ptr<Stream> MakePlainStream(beast::tcp_stream tcp) {
  return std::make_unique<PlainStream>(false, std::move(tcp));
}

std::unique_ptr<Stream> MakeTlsStream(beast::tcp_stream tcp, net::ssl::context& context) {
  return std::make_unique<TlsStream>(true, std::move(tcp), context);
}

}  // namespace strata::http::internal
