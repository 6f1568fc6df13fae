#include "loadgen/s3_client.h"

#include <openssl/err.h>
#include <time.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "http/url.h"
#include "loadgen/request_signer.h"

namespace strata::loadgen {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr size_t kWriteChunk = 1 << 20;
constexpr size_t kReadChunk = 256 << 10;
constexpr size_t kMaxKeptBody = 1 << 20;

int64_t NanosSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

int64_t UnixSeconds() { return static_cast<int64_t>(::time(nullptr)); }

// The text of the first <name>...</name> in an XML body, or "".
std::string XmlField(std::string_view xml, std::string_view name) {
  std::string open = "<" + std::string(name) + ">";
  size_t b = xml.find(open);
  if (b == std::string_view::npos) return "";
  b += open.size();
  size_t e = xml.find("</", b);
  if (e == std::string_view::npos) return "";
  return std::string(xml.substr(b, e - b));
}

std::string ObjectPath(std::string_view bucket, std::string_view key) {
  std::string path = "/" + std::string(bucket);
  if (!key.empty()) path += "/" + http::UriEncode(key, /*keep_slash=*/true);
  return path;
}

// What one request is: its line, its body and what to do with the answer.
struct RequestSpec {
  bhttp::verb verb = bhttp::verb::get;
  std::string path;   // canonical (already encoded)
  std::string query;  // canonical (already encoded and sorted)
  bool send_body = false;
  uint64_t body_size = 0;
  uint64_t seed = 0;
  bool head = false;    // the answer has no body
  bool verify = false;  // compare a 2xx body with the payload
  uint64_t expected_size = 0;
  bool keep_body = false;  // keep a 2xx body in OpResult::body
  bool time_first_byte = false;
};

}  // namespace

struct S3Client::Impl {
  Impl(ClientOptions o, const PayloadGenerator& p)
      : options(std::move(o)),
        payload(p),
        signer(options.access_key, options.secret_key, options.region),
        host_header(options.endpoint.HostHeader()),
        ssl_ctx(asio::ssl::context::tls_client),
        write_buf(kWriteChunk),
        read_buf(kReadChunk),
        scratch(kReadChunk) {
    if (options.endpoint.tls) {
      if (options.insecure_tls) {
        ssl_ctx.set_verify_mode(asio::ssl::verify_none);
      } else {
        boost::system::error_code ec;
        ssl_ctx.set_default_verify_paths(ec);
        ssl_ctx.set_verify_mode(asio::ssl::verify_peer);
      }
    }
  }

  bool connected() const { return plain.has_value() || tls.has_value(); }

  void Close() {
    boost::system::error_code ec;
    if (plain) plain->close(ec);
    if (tls) tls->lowest_layer().close(ec);
    plain.reset();
    tls.reset();
    buffer.clear();
  }

  common::Status Connect() {
    Close();
    const Endpoint& ep = options.endpoint;
    auto fail = [&](std::string_view what, const boost::system::error_code& ec) {
      Close();
      return common::Status(
          common::Code::kUnavailable,
          std::string(what) + " " + ep.host + ":" + std::to_string(ep.port) + ": " + ec.message());
    };
    boost::system::error_code ec;
    tcp::resolver resolver(ioc);
    auto addresses = resolver.resolve(ep.host, std::to_string(ep.port), ec);
    if (ec) return fail("resolve", ec);
    tcp::socket socket(ioc);
    asio::connect(socket, addresses, ec);
    if (ec) return fail("connect", ec);
    // Small requests must not wait for Nagle (TESTING.md: ~40 ms stalls).
    socket.set_option(tcp::no_delay(true), ec);
    if (!ep.tls) {
      plain.emplace(std::move(socket));
      return common::Status();
    }
    tls.emplace(std::move(socket), ssl_ctx);
    if (!SSL_set_tlsext_host_name(tls->native_handle(), ep.host.c_str())) {
      return fail("tls sni", boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                                       asio::error::get_ssl_category()));
    }
    if (!options.insecure_tls) {
      tls->set_verify_callback(asio::ssl::host_name_verification(ep.host));
    }
    tls->handshake(asio::ssl::stream_base::client, ec);
    if (ec) return fail("tls handshake", ec);
    return common::Status();
  }

  OpResult Execute(const RequestSpec& spec) {
    OpResult result;
    if (!connected()) {
      common::Status s = Connect();
      if (!s.ok()) {
        result.status = std::move(s);
        return result;
      }
    }
    if (plain) return ExecuteOn(*plain, spec);
    return ExecuteOn(*tls, spec);
  }

  template <class Stream>
  OpResult ExecuteOn(Stream& stream, const RequestSpec& spec) {
    OpResult result;
    std::string_view payload_hash = spec.send_body ? kUnsignedPayload : kEmptyPayloadSha256;
    std::string method(bhttp::to_string(spec.verb));
    SignedHeaders sig =
        signer.Sign(method, spec.path, spec.query, host_header, payload_hash, UnixSeconds());
    std::string target = spec.query.empty() ? spec.path : spec.path + "?" + spec.query;
    auto transport_error = [&](std::string_view what, const boost::system::error_code& ec) {
      Close();
      result.status =
          common::Status(common::Code::kUnavailable, std::string(what) + ": " + ec.message());
      return std::move(result);
    };

    Clock::time_point t0 = Clock::now();
    boost::system::error_code ec;
    if (spec.send_body) {
      bhttp::request<bhttp::buffer_body> req{spec.verb, target, 11};
      SetHeaders(req, sig, payload_hash);
      req.content_length(spec.body_size);
      req.body().data = nullptr;
      req.body().more = true;
      bhttp::request_serializer<bhttp::buffer_body> sr{req};
      bhttp::write_header(stream, sr, ec);
      if (ec) return transport_error("write", ec);
      uint64_t sent = 0;
      while (sent < spec.body_size) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(kWriteChunk, spec.body_size - sent));
        payload.Fill(spec.seed, sent, std::span<char>(write_buf.data(), n));
        req.body().data = write_buf.data();
        req.body().size = n;
        req.body().more = sent + n < spec.body_size;
        bhttp::write(stream, sr, ec);
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec) return transport_error("write", ec);
        sent += n;
      }
      if (!sr.is_done()) {
        req.body().data = nullptr;
        req.body().size = 0;
        req.body().more = false;
        bhttp::write(stream, sr, ec);
        if (ec) return transport_error("write", ec);
      }
      result.bytes = sent;
    } else {
      bhttp::request<bhttp::empty_body> req{spec.verb, target, 11};
      SetHeaders(req, sig, payload_hash);
      if (spec.verb == bhttp::verb::put) req.content_length(0);
      bhttp::write(stream, req, ec);
      if (ec) return transport_error("write", ec);
    }
    Clock::time_point sent_at = Clock::now();

    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    if (spec.head) parser.skip(true);
    bhttp::read_header(stream, buffer, parser, ec);
    if (ec) return transport_error("read", ec);
    result.http_status = static_cast<int>(parser.get().result_int());
    bool success = result.http_status / 100 == 2;
    bool keep = !success || spec.keep_body;
    uint64_t received = 0;
    size_t mismatch_at = SIZE_MAX;
    while (!parser.is_done()) {
      parser.get().body().data = read_buf.data();
      parser.get().body().size = read_buf.size();
      bhttp::read(stream, buffer, parser, ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) return transport_error("read", ec);
      size_t n = read_buf.size() - parser.get().body().size;
      if (n == 0) continue;
      if (received == 0 && spec.time_first_byte) result.ttfb_ns = NanosSince(sent_at);
      std::string_view piece(read_buf.data(), n);
      if (success && spec.verify && mismatch_at == SIZE_MAX && received < spec.expected_size) {
        std::string_view check = piece.substr(
            0, static_cast<size_t>(std::min<uint64_t>(n, spec.expected_size - received)));
        size_t at = payload.FirstMismatch(spec.seed, received, check, scratch);
        if (at < check.size()) mismatch_at = static_cast<size_t>(received + at);
      }
      if (keep && result.body.size() < kMaxKeptBody) {
        result.body.append(piece.substr(0, kMaxKeptBody - result.body.size()));
      }
      received += n;
    }
    result.latency_ns = NanosSince(t0);
    if (!spec.send_body) result.bytes = received;
    if (!parser.get().keep_alive()) Close();

    if (!success) {
      result.s3_code = XmlField(result.body, "Code");
      std::string message = "HTTP " + std::to_string(result.http_status);
      if (!result.s3_code.empty()) message += " " + result.s3_code;
      std::string detail = XmlField(result.body, "Message");
      if (!detail.empty()) message += ": " + detail;
      result.status = common::Status(common::Code::kInternal, message);
    } else if (spec.verify && mismatch_at != SIZE_MAX) {
      result.status = common::Status(common::Code::kCorruption,
                                     "body differs at offset " + std::to_string(mismatch_at));
    } else if (spec.verify && received != spec.expected_size) {
      result.status = common::Status(common::Code::kCorruption,
                                     "body is " + std::to_string(received) + " bytes, expected " +
                                         std::to_string(spec.expected_size));
    }
    if (!spec.keep_body && success) result.body.clear();
    return result;
  }

  template <class Request>
  void SetHeaders(Request& req, const SignedHeaders& sig, std::string_view payload_hash) {
    req.set(bhttp::field::host, host_header);
    req.set(bhttp::field::user_agent, "strata-bench");
    req.set("x-amz-content-sha256", payload_hash);
    req.set("x-amz-date", sig.amz_date);
    req.set(bhttp::field::authorization, sig.authorization);
  }

  ClientOptions options;
  const PayloadGenerator& payload;
  RequestSigner signer;
  std::string host_header;
  asio::io_context ioc{1};
  asio::ssl::context ssl_ctx;
  std::optional<tcp::socket> plain;
  std::optional<asio::ssl::stream<tcp::socket>> tls;
  beast::flat_buffer buffer;
  std::vector<char> write_buf;
  std::vector<char> read_buf;
  std::vector<char> scratch;
};

S3Client::S3Client(ClientOptions options, const PayloadGenerator& payload)
    : impl_(std::make_unique<Impl>(std::move(options), payload)) {}

S3Client::~S3Client() = default;

common::Status S3Client::Connect() { return impl_->Connect(); }

OpResult S3Client::CreateBucket(std::string_view bucket) {
  RequestSpec spec;
  spec.verb = bhttp::verb::put;
  spec.path = ObjectPath(bucket, "");
  OpResult r = impl_->Execute(spec);
  if (r.http_status == 409 && r.s3_code == "BucketAlreadyOwnedByYou") {
    r.status = common::Status();
  }
  return r;
}

OpResult S3Client::PutObject(std::string_view bucket, std::string_view key, uint64_t size,
                             uint64_t seed) {
  RequestSpec spec;
  spec.verb = bhttp::verb::put;
  spec.path = ObjectPath(bucket, key);
  spec.send_body = true;
  spec.body_size = size;
  spec.seed = seed;
  return impl_->Execute(spec);
}

OpResult S3Client::GetObject(std::string_view bucket, std::string_view key, bool verify,
                             uint64_t expected_size, uint64_t seed) {
  RequestSpec spec;
  spec.verb = bhttp::verb::get;
  spec.path = ObjectPath(bucket, key);
  spec.verify = verify;
  spec.expected_size = expected_size;
  spec.seed = seed;
  spec.time_first_byte = true;
  return impl_->Execute(spec);
}

OpResult S3Client::HeadObject(std::string_view bucket, std::string_view key) {
  RequestSpec spec;
  spec.verb = bhttp::verb::head;
  spec.path = ObjectPath(bucket, key);
  spec.head = true;
  return impl_->Execute(spec);
}

OpResult S3Client::DeleteObject(std::string_view bucket, std::string_view key) {
  RequestSpec spec;
  spec.verb = bhttp::verb::delete_;
  spec.path = ObjectPath(bucket, key);
  return impl_->Execute(spec);
}

OpResult S3Client::ListObjects(std::string_view bucket, std::string_view prefix, int max_keys) {
  RequestSpec spec;
  spec.verb = bhttp::verb::get;
  spec.path = ObjectPath(bucket, "");
  // Canonical: sorted by name, each part UriEncode'd (slash too).
  spec.query = "list-type=2&max-keys=" + std::to_string(max_keys) +
               "&prefix=" + http::UriEncode(prefix, /*keep_slash=*/false);
  spec.keep_body = true;
  return impl_->Execute(spec);
}

}  // namespace strata::loadgen
