// Splits the one port between the reserved /_strata/ paths (health, metrics,
// the admin API; the console later) and the S3 API (everything else), and
// records the reserved paths' requests (operation "Reserved") and rejected
// requests (operation "Unknown") in the metrics; S3Handler records its own.
#pragma once

#include <cstddef>
#include <string>

#include "admin/audit_admin.h"
#include "admin/identity_admin.h"
#include "admin/storage_admin.h"
#include "http/handler.h"
#include "meta/meta_store.h"
#include "obs/metrics.h"
#include "storage/chunk_store/erasure_chunk_store.h"

namespace strata::app {

// Everything must outlive the handler.
struct RootHandlerParts {
  http::Handler& s3;
  meta::MetaStore& meta;
  const storage::ErasureChunkStore& chunks;  // drive health, for readiness
  admin::StorageAdmin& admin;
  admin::IdentityAdmin& identity_admin;
  admin::AuditAdmin& audit_admin;
  obs::Metrics& metrics;
};

struct RootHandlerOptions {
  // When set, GET /_strata/metrics needs "Authorization: Bearer <token>"
  // (else 401); when empty it is open.
  std::string metrics_token;
  // Online drives readiness requires (DrivesNeededForWrites).
  size_t drives_needed = 1;
};

// Thread-safe: Handle and Reject are called concurrently by the server.
class RootHandler : public http::Handler {
 public:
  RootHandler(RootHandlerParts parts, RootHandlerOptions options)
      : parts_(parts), options_(std::move(options)) {}

  // /_strata/health/live      GET/HEAD: 200 while the process serves
  // /_strata/health/ready     GET/HEAD: 200, or 503 with the reason
  //                           (app/readiness.h)
  // /_strata/metrics          GET: Prometheus text format
  // /_strata/admin/v1/...     admin::ParseAdminRoute: storage endpoints to
  //                           StorageAdmin, the audit log to AuditAdmin,
  //                           the others to IdentityAdmin;
  //                           404 / 405 for unknown paths / methods
  // anything else             the S3 handler
  void Handle(const http::Request& request, common::ByteSource& body,
              http::ResponseWriter& response) override;
  http::Response Reject(const http::Request& request, const common::Status& reason) override;
  // S3 requests only: the reserved paths are always served on a worker.
  bool TryHandleInline(const http::Request& request, http::ResponseWriter& response) override;

 private:
  http::Response Reserved(const http::Request& request);
  http::Response Admin(const http::Request& request, common::ByteSource& body);
  http::Response Metrics(const http::Request& request);

  RootHandlerParts parts_;
  const RootHandlerOptions options_;
};

}  // namespace strata::app
