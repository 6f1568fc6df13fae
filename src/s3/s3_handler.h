// The S3 API as an http::Handler. Every request takes the same fixed path
// (STYLE.md "Request flow"): ParseEndpoint (pure, before any I/O) ->
// Authenticate (SigV4) -> authorize -> verified body -> the operation's
// handler -> any failure through the one error table (s3/errors.cc).
#pragma once

#include <memory>
#include <string>

#include "auth/sigv4/verifier.h"
#include "http/handler.h"
#include "http/headers.h"
#include "identity/identity_service.h"
#include "obs/audit_trail.h"
#include "obs/metrics.h"
#include "s3/endpoint.h"
#include "s3/handlers/context.h"

namespace strata::s3 {

struct S3Options {
  RouteConfig route;
  std::string region = "us-east-1";  // reported for buckets created without a LocationConstraint
  // When set (not owned; must outlive the handler), every request is also
  // counted there, alongside its log line.
  obs::Metrics* metrics = nullptr;
  // When set (not owned; must outlive the handler), every request
  // obs::ShouldAudit picks (mutations, and refused requests of any method)
  // is recorded there: "s3:" IAM action, bucket, key, caller, status.
  obs::AuditTrail* audit = nullptr;
  // Serve GET and HEAD of objects whose answer needs no drive (a HEAD, or a
  // body kept inline in the metadata row) on the connection's I/O thread
  // (TryHandleInline). Only for a metadata store whose reads never wait on
  // the network: the embedded SQLite, without the Redis cache.
  bool serve_reads_inline = false;
};

class S3Handler : public http::Handler {
 public:
  // The verifier should take its credentials from identity.credentials().
  S3Handler(S3Options options, const auth::SigV4Verifier& verifier,
            identity::IdentityService& identity, service::BucketService& buckets,
            service::ObjectService& objects, service::MultipartService& multipart);

  void Handle(const http::Request& request, common::ByteSource& body,
              http::ResponseWriter& response) override;
  bool TryHandleInline(const http::Request& request, http::ResponseWriter& response) override;
  http::Response Reject(const http::Request& request, const common::Status& reason) override;

 private:
  // What is known of a request as it goes, for the error document and the
  // log line.
  struct Progress {
    std::string operation = "Unknown";
    std::string action;  // the IAM action ("s3:PutObject"); "" until parsed
    std::string user;
    std::string access_key;     // the key that signed; "" for anonymous callers
    bool auth_refused = false;  // SigV4 authentication failed
    std::string bucket;
    std::string key;
    // CORS headers for the answer (s3/handlers/cors_handlers.h); empty
    // unless the request carries Origin and a bucket rule allows it.
    http::Headers cors_headers;
    // Headers a failing handler wants on its error response
    // (RequestContext::error_headers).
    http::Headers error_headers;
    // Set on the I/O thread (TryHandleInline): leave to a worker what needs
    // one. Serve then sets needs_worker and writes nothing.
    bool on_io_thread = false;
    bool needs_worker = false;
  };
  // Handle and TryHandleInline: serves the request, logs and counts it.
  // False when progress.on_io_thread and the request needs a worker; then
  // nothing was written, logged or counted.
  bool Run(const http::Request& request, common::ByteSource& body, http::ResponseWriter& response,
           Progress& progress);
  // The audit record of a finished request (obs/audit_trail.h).
  void Audit(const http::Request& request, const Progress& progress, int http_status,
             std::string_view error_code);
  // Runs the request; returns the failure to answer with, if any.
  common::Status Serve(const http::Request& request, common::ByteSource& raw_body,
                       http::ResponseWriter& response, Progress& progress);

  S3Options options_;
  const auth::SigV4Verifier& verifier_;
  identity::IdentityService& identity_;
  Services services_;
};

// The S3 error document for a failure, with status and headers set.
http::Response ErrorResponse(const http::Request& request, const common::Status& status,
                             std::string_view bucket = "", std::string_view key = "");

}  // namespace strata::s3
