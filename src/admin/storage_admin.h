// The storage part of the admin API (/_strata/admin/v1/, JSON; see
// docs/admin-api.md): capacity and dedup figures, drive health, heal and GC
// progress, and triggers for a full heal pass and a GC pass.
//
// Callers authenticate as for every admin endpoint (admin/admin_caller.h: a
// bearer token, or a SigV4 signature by any access key, service "s3", any
// region) and need the endpoint's admin action (identity/admin_actions.h).
#pragma once

#include "admin/admin_route.h"
#include "auth/sigv4/verifier.h"
#include "common/byte_stream.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "identity/identity_service.h"
#include "meta/meta_store.h"
#include "obs/audit_trail.h"
#include "storage/background/background_worker.h"
#include "storage/chunk_store/erasure_chunk_store.h"
#include "storage/gc/garbage_collector.h"
#include "storage/heal/healer.h"

namespace strata::admin {

struct StorageAdminParts {
  meta::MetaStore& meta;
  storage::ErasureChunkStore& chunks;
  storage::Healer& healer;
  storage::GarbageCollector& gc;
  storage::BackgroundWorker& worker;
};

// Thread-safe as far as the parts are.
class StorageAdmin {
 public:
  // verifier, identity, parts and audit (when not null) must outlive the
  // handler. With an audit trail, requests obs::ShouldAudit picks are
  // recorded there (AnswerLogged, admin/logged_answer.h).
  StorageAdmin(const auth::SigV4Verifier& verifier, identity::IdentityService& identity,
               StorageAdminParts parts, obs::AuditTrail* audit = nullptr)
      : verifier_(verifier), identity_(identity), parts_(parts), audit_(audit) {}

  // Answers a storage endpoint (ParseAdminRoute's routing):
  //   GET  storage  figures (StorageStats, drives, reads, heal, gc)  admin:ServerInfo
  //   GET  heal     heal progress                                   admin:Heal
  //   POST heal     starts a full pass (202)                        admin:Heal
  //   POST gc       runs one GC pass and returns what it reclaimed  admin:GarbageCollect
  // 401 without credentials or with a bad bearer token, 403 for a bad
  // signature or a caller without the action, 400 for a request with a
  // body; errors as admin/api_error.h maps them. One log line per request
  // (LogAdminRequest).
  // REQUIRES: route came from ParseAdminRoute(request...) and
  // IsStorageOp(route.op).
  http::Response Handle(const AdminRoute& route, const http::Request& request,
                        common::ByteSource& body);

 private:
  // Authenticates and authorizes (`caller` is set once known, for the log
  // line), then performs the operation.
  common::Result<http::Response> Serve(const AdminRoute& route, const http::Request& request,
                                       common::ByteSource& body, identity::Caller& caller);
  common::Result<http::Response> Storage();

  const auth::SigV4Verifier& verifier_;
  identity::IdentityService& identity_;
  StorageAdminParts parts_;
  obs::AuditTrail* const audit_;
};

}  // namespace strata::admin
