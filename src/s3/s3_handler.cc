#include "s3/s3_handler.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <concepts>
#include <nlohmann/json.hpp>

#include "auth/sigv4/authorization.h"
#include "http/request.h"
#include "s3/errors.h"
#include "s3/handlers/bucket_handlers.h"
#include "s3/handlers/cors_handlers.h"
#include "s3/handlers/delete_objects_handler.h"
#include "s3/handlers/list_handlers.h"
#include "s3/handlers/multipart_handlers.h"
#include "s3/handlers/object_attributes_handler.h"
#include "s3/handlers/object_handlers.h"
#include "s3/handlers/policy_handlers.h"
#include "s3/handlers/post_object_handler.h"
#include "s3/handlers/tagging_handlers.h"
#include "s3/handlers/versioning_handlers.h"
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
  Progress progress;
  (void)Run(request, body, response, progress);
}

bool S3Handler::TryHandleInline(const http::Request& request, http::ResponseWriter& response) {
  if (!options_.serve_reads_inline || (request.method != "GET" && request.method != "HEAD")) {
    return false;
  }
  common::StringSource no_body("");
  Progress progress;
  progress.on_io_thread = true;
  return Run(request, no_body, response, progress);
}

bool S3Handler::Run(const http::Request& request, common::ByteSource& body,
                    http::ResponseWriter& response, Progress& progress) {
  auto started = std::chrono::steady_clock::now();
  // Below the counting writer: every answer, errors included, gets the CORS
  // headers Serve finds (progress.cors_headers).
  CorsHeaderWriter cors_writer(response);
  CountingWriter writer(cors_writer);
  common::CountingSource counted_body(body);
  cors_writer.Use(&progress.cors_headers);
  common::Status status = Serve(request, counted_body, writer, progress);
  if (progress.needs_worker && status.ok() && !writer.head_written()) return false;
  if (!status.ok()) {
    if (writer.head_written()) {
      // The status line is gone; the only honest signal left is to cut the
      // connection so the client sees a short body.
      writer.CloseAfterResponse();
    } else {
      http::Response error = ErrorResponse(request, status, progress.bucket, progress.key);
      for (const auto& [name, value] : progress.error_headers.entries()) {
        error.headers.Set(name, value);
      }
      (void)http::WriteResponse(writer, error);
    }
  }
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  std::string_view error_code;
  if (!status.ok()) error_code = ToS3Error(status.code()).code;
  // Built only when it will be written: a small GET's whole answer costs
  // about as much as this line.
  if (spdlog::default_logger_raw()->should_log(spdlog::level::info)) {
    nlohmann::json line = {
        {"request_id", request.request_id},
        {"remote", request.remote_address},
        {"method", request.method},
        {"operation", progress.operation},
        {"user", progress.user},
        {"access_key", progress.access_key},
        {"bucket", progress.bucket},
        {"key", progress.key},
        {"status", writer.status()},
        {"bytes_in", counted_body.bytes()},
        {"bytes_out", writer.bytes()},
        {"latency_ms", static_cast<double>(micros) / 1000.0},
    };
    if (!status.ok()) {
      line["error"] = std::string(error_code);
      if (ToS3Error(status.code()).http_status >= 500) line["detail"] = status.ToString();
    }
    spdlog::info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  if (options_.audit != nullptr && obs::ShouldAudit(request.method, writer.status(), error_code)) {
    Audit(request, progress, writer.status(), error_code);
  }
  if (options_.metrics != nullptr) {
    options_.metrics->RecordRequest({.operation = progress.operation,
                                     .status = writer.status(),
                                     .duration_seconds = static_cast<double>(micros) / 1e6,
                                     .received_bytes = counted_body.bytes(),
                                     .sent_bytes = writer.bytes(),
                                     .error_code = error_code});
  }
  return true;
}

void S3Handler::Audit(const http::Request& request, const Progress& progress, int http_status,
                      std::string_view error_code) {
  meta::AuditRecord record{
      .request_id = request.request_id,
      .source = std::string(http::RemoteHost(request.remote_address)),
      .user = progress.user,
      .access_key = progress.access_key,
      .action = progress.action.empty() ? "s3:" + progress.operation : progress.action,
      .bucket = progress.bucket,
      .resource = progress.key,
      .http_status = http_status,
      .error_code = std::string(error_code),
  };
  // A refused signature: the key the request claimed, unverified (the user
  // stays unknown).
  if (progress.auth_refused) record.access_key = auth::ClaimedAccessKey(request);
  options_.audit->Record(std::move(record));
}

common::Status S3Handler::Serve(const http::Request& request, common::ByteSource& raw_body,
                                http::ResponseWriter& response, Progress& progress) {
  STRATA_ASSIGN_OR_RETURN(Route route, ParseEndpoint(request, options_.route));
  if (progress.on_io_thread && !std::holds_alternative<op::GetObject>(route.endpoint) &&
      !std::holds_alternative<op::HeadObject>(route.endpoint)) {
    progress.needs_worker = true;
    return common::Status::Ok();
  }
  progress.operation = std::string(OperationName(route.endpoint));
  progress.action = std::string(IamAction(route.endpoint));
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
  // CORS: a preflight is answered here, without authentication (browsers
  // send no credentials with it); any other request carrying Origin gets the
  // headers of the bucket's matching rule, whatever its outcome.
  if (const auto* preflight = std::get_if<op::CorsPreflight>(&route.endpoint)) {
    return HandleCorsPreflight(request, response, services_.buckets, *preflight);
  }
  progress.cors_headers = CorsHeadersFor(request, services_.buckets, progress.bucket);
  if (const auto* post = std::get_if<op::PostObject>(&route.endpoint)) {
    // The signer and the key are form fields: the handler authenticates and
    // authorizes once it has read them.
    PostObjectProgress posted;
    common::Status status = HandlePostObject(request, route.query, raw_body, response,
                                             {verifier_, identity_, services_}, *post, posted);
    progress.user = std::move(posted.user);
    progress.access_key = std::move(posted.access_key);
    progress.key = std::move(posted.key);
    progress.auth_refused = posted.auth_refused;
    return status;
  }
  common::Result<auth::AuthResult> authenticated = verifier_.Authenticate(request);
  if (!authenticated.ok()) {
    progress.auth_refused = true;
    return authenticated.status();
  }
  auth::AuthResult auth = std::move(authenticated).value();
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
    // With ?versionId= some operations are authorized as their *Version
    // action (s3:GetObjectVersion, ...), as AWS does.
    std::string_view action = RequestIamAction(route);
    progress.action = std::string(action);
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
  RequestContext ctx{request,
                     route.query,
                     *body,
                     payload_length,
                     response,
                     progress.user,
                     &authorizer,
                     &progress.error_headers,
                     progress.on_io_thread ? &progress.needs_worker : nullptr};

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
          [&](const op::PostObject&) {
            return Error(Code::kInternal, "PostObject is served before authentication");
          },
          [&](const op::GetObjectAttributes& op) {
            return HandleGetObjectAttributes(ctx, services_, op);
          },
          [&](const op::GetObjectTagging& op) {
            return HandleGetObjectTagging(ctx, services_, op);
          },
          [&](const op::PutObjectTagging& op) {
            return HandlePutObjectTagging(ctx, services_, op);
          },
          [&](const op::DeleteObjectTagging& op) {
            return HandleDeleteObjectTagging(ctx, services_, op);
          },
          [&](const op::GetBucketTagging& op) {
            return HandleGetBucketTagging(ctx, services_, op);
          },
          [&](const op::PutBucketTagging& op) {
            return HandlePutBucketTagging(ctx, services_, op);
          },
          [&](const op::DeleteBucketTagging& op) {
            return HandleDeleteBucketTagging(ctx, services_, op);
          },
          [&](const op::GetBucketCors& op) { return HandleGetBucketCors(ctx, services_, op); },
          [&](const op::PutBucketCors& op) { return HandlePutBucketCors(ctx, services_, op); },
          [&](const op::DeleteBucketCors& op) {
            return HandleDeleteBucketCors(ctx, services_, op);
          },
          [&](const op::GetBucketVersioning& op) {
            return HandleGetBucketVersioning(ctx, services_, op);
          },
          [&](const op::PutBucketVersioning& op) {
            return HandlePutBucketVersioning(ctx, services_, op);
          },
          [&](const op::ListObjectVersions& op) {
            return HandleListObjectVersions(ctx, services_, op);
          },
          [&](const op::CorsPreflight&) {
            return Error(Code::kInternal, "CorsPreflight is served before authentication");
          },
          [&](const op::Unsupported& op) {
            return Error(Code::kNotImplemented,
                         op.operation + " is not implemented by this server yet");
          },
      },
      route.endpoint);
}

}  // namespace strata::s3
