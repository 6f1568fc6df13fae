#include "s3/s3_handler.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <concepts>
#include <nlohmann/json.hpp>

#include "s3/errors.h"
#include "s3/handlers/bucket_handlers.h"
#include "s3/handlers/delete_objects_handler.h"
#include "s3/handlers/list_handlers.h"
#include "s3/handlers/multipart_handlers.h"
#include "s3/handlers/object_handlers.h"
#include "s3/handlers/policy_handlers.h"
#include "s3/request_authorizer.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

// Counts what a response carried, for the request log.
class CountingWriter : public http::ResponseWriter {
 public:
  explicit CountingWriter(http::ResponseWriter& next) : next_(next) {}
  common::Status WriteHead(int status, const http::Headers& headers,
                           uint64_t content_length) override {
    status_ = status;
    return next_.WriteHead(status, headers, content_length);
  }
  common::Status WriteBody(std::span<const char> data) override {
    bytes_ += data.size();
    return next_.WriteBody(data);
  }
  bool head_written() const override { return next_.head_written(); }
  void CloseAfterResponse() override { next_.CloseAfterResponse(); }
  int status() const { return status_; }
  uint64_t bytes() const { return bytes_; }

 private:
  http::ResponseWriter& next_;
  int status_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace

S3Handler::S3Handler(S3Options options, const auth::SigV4Verifier& verifier,
                     identity::IdentityService& identity, service::BucketService& buckets,
                     service::ObjectService& objects, service::MultipartService& multipart)
    : options_(std::move(options)),
      verifier_(verifier),
      identity_(identity),
      services_{buckets, objects, multipart, options_.region} {}

http::Response ErrorResponse(const http::Request& request, const common::Status& status,
                             std::string_view bucket, std::string_view key) {
  S3ErrorInfo info = ToS3Error(status.code());
  http::Response response;
  response.status = info.http_status;
  // HEAD answers and 304 carry no body; everything else gets the XML document.
  if (request.method != "HEAD" && info.http_status != 304) {
    response.headers.Set("Content-Type", "application/xml");
    response.body = ErrorXml(status, request.path, request.request_id, bucket, key);
  }
  if (status.code() == Code::kSlowDown) response.headers.Set("Retry-After", "1");
  return response;
}

http::Response S3Handler::Reject(const http::Request& request, const common::Status& reason) {
  return ErrorResponse(request, reason);
}

void S3Handler::Handle(const http::Request& request, common::ByteSource& body,
                       http::ResponseWriter& response) {
  auto started = std::chrono::steady_clock::now();
  CountingWriter writer(response);
  common::CountingSource counted_body(body);
  Progress progress;
  common::Status status = Serve(request, counted_body, writer, progress);
  if (!status.ok()) {
    if (writer.head_written()) {
      // The status line is gone; the only honest signal left is to cut the
      // connection so the client sees a short body.
      writer.CloseAfterResponse();
    } else {
      (void)http::WriteResponse(writer,
                                ErrorResponse(request, status, progress.bucket, progress.key));
    }
  }
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  nlohmann::json line = {
      {"request_id", request.request_id},
      {"remote", request.remote_address},
      {"method", request.method},
      {"operation", progress.operation},
      {"user", progress.user},
      {"access_key", progress.access_key},
      {"status", writer.status()},
      {"bytes_in", counted_body.bytes()},
      {"bytes_out", writer.bytes()},
      {"latency_ms", static_cast<double>(micros) / 1000.0},
  };
  std::string_view error_code;
  if (!status.ok()) {
    error_code = ToS3Error(status.code()).code;
    line["error"] = std::string(error_code);
    if (ToS3Error(status.code()).http_status >= 500) line["detail"] = status.ToString();
  }
  spdlog::info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (options_.metrics != nullptr) {
    options_.metrics->RecordRequest({.operation = progress.operation,
                                     .status = writer.status(),
                                     .duration_seconds = static_cast<double>(micros) / 1e6,
                                     .received_bytes = counted_body.bytes(),
                                     .sent_bytes = writer.bytes(),
                                     .error_code = error_code});
  }
}

common::Status S3Handler::Serve(const http::Request& request, common::ByteSource& raw_body,
                                http::ResponseWriter& response, Progress& progress) {
  STRATA_ASSIGN_OR_RETURN(Route route, ParseEndpoint(request, options_.route));
  progress.operation = std::string(OperationName(route.endpoint));
  progress.bucket = BucketOf(route.endpoint);
  progress.key = std::visit(
      [](const auto& op) -> std::string {
        if constexpr (requires { op.key; }) {
          return op.key;
        } else {
          return "";
        }
      },
      route.endpoint);
  STRATA_ASSIGN_OR_RETURN(auth::AuthResult auth, verifier_.Authenticate(request));
  identity::Caller caller =
      auth.anonymous ? identity::Caller::Anonymous() : identity_.CallerFor(auth.credential);
  progress.user = caller.user_name;
  progress.access_key = caller.access_key;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  RequestAuthorizer authorizer(identity_, services_.buckets, caller, request, route.query, now_ms);
  // Authorization comes before the body, any existence check and any
  // conditional header. ListBuckets and DeleteObjects decide per bucket and
  // per key in their handlers (anonymous callers may not list buckets).
  const bool per_item = std::holds_alternative<op::ListBuckets>(route.endpoint) ||
                        std::holds_alternative<op::DeleteObjects>(route.endpoint);
  if (!per_item ||
      (caller.anonymous() && std::holds_alternative<op::ListBuckets>(route.endpoint))) {
    std::string_view action = IamAction(route.endpoint);
    if (action.empty()) {
      // An operation with no IAM action (unknown to AWS too): only signed
      // callers get as far as its NotImplemented.
      if (caller.anonymous()) return Error(Code::kAccessDenied, "Access Denied");
    } else {
      STRATA_RETURN_IF_ERROR(authorizer.Check(action, progress.bucket, progress.key));
    }
  }
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<common::ByteSource> body,
                          verifier_.VerifiedBody(auth, request, raw_body));
  STRATA_ASSIGN_OR_RETURN(std::optional<uint64_t> payload_length,
                          auth::PayloadLength(auth, request));
  RequestContext ctx{request,  route.query,   *body,      payload_length,
                     response, progress.user, &authorizer};

  return std::visit(
      Overloaded{
          [&](const op::ListBuckets& op) { return HandleListBuckets(ctx, services_, op); },
          [&](const op::CreateBucket& op) { return HandleCreateBucket(ctx, services_, op); },
          [&](const op::HeadBucket& op) { return HandleHeadBucket(ctx, services_, op); },
          [&](const op::DeleteBucket& op) { return HandleDeleteBucket(ctx, services_, op); },
          [&](const op::GetBucketLocation& op) {
            return HandleGetBucketLocation(ctx, services_, op);
          },
          [&](const op::GetBucketPolicy& op) { return HandleGetBucketPolicy(ctx, services_, op); },
          [&](const op::PutBucketPolicy& op) { return HandlePutBucketPolicy(ctx, services_, op); },
          [&](const op::DeleteBucketPolicy& op) {
            return HandleDeleteBucketPolicy(ctx, services_, op);
          },
          [&](const op::GetBucketPolicyStatus& op) {
            return HandleGetBucketPolicyStatus(ctx, services_, op);
          },
          [&](const op::ListObjects& op) { return HandleListObjects(ctx, services_, op); },
          [&](const op::ListObjectsV2& op) { return HandleListObjectsV2(ctx, services_, op); },
          [&](const op::DeleteObjects& op) { return HandleDeleteObjects(ctx, services_, op); },
          [&](const op::PutObject& op) { return HandlePutObject(ctx, services_, op); },
          [&](const op::CopyObject& op) { return HandleCopyObject(ctx, services_, op); },
          [&](const op::GetObject& op) { return HandleGetObject(ctx, services_, op); },
          [&](const op::HeadObject& op) { return HandleHeadObject(ctx, services_, op); },
          [&](const op::DeleteObject& op) { return HandleDeleteObject(ctx, services_, op); },
          [&](const op::CreateMultipartUpload& op) {
            return HandleCreateMultipartUpload(ctx, services_, op);
          },
          [&](const op::UploadPart& op) { return HandleUploadPart(ctx, services_, op); },
          [&](const op::UploadPartCopy& op) { return HandleUploadPartCopy(ctx, services_, op); },
          [&](const op::CompleteMultipartUpload& op) {
            return HandleCompleteMultipartUpload(ctx, services_, op);
          },
          [&](const op::AbortMultipartUpload& op) {
            return HandleAbortMultipartUpload(ctx, services_, op);
          },
          [&](const op::ListParts& op) { return HandleListParts(ctx, services_, op); },
          [&](const op::ListMultipartUploads& op) {
            return HandleListMultipartUploads(ctx, services_, op);
          },
          [&](const op::Unsupported& op) {
            return Error(Code::kNotImplemented,
                         op.operation + " is not implemented by this server yet");
          },
      },
      route.endpoint);
}

}  // namespace strata::s3
