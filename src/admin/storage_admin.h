// The storage part of the admin API (/_strata/admin/v1/, JSON; see
// docs/admin-api.md): capacity and dedup figures, drive health, heal and GC
// progress, and triggers for a full heal pass and a GC pass.
//
// Until the identity work brings users and JWT sessions, the admin API
// accepts only requests SigV4-signed with the root credential (service "s3",
// any region), so the same tools that sign S3 requests can call it.
#pragma once

#include <string>

#include "auth/sigv4/verifier.h"
#include "common/byte_stream.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "meta/meta_store.h"
#include "storage/background/background_worker.h"
#include "storage/chunk_store/erasure_chunk_store.h"
#include "storage/gc/garbage_collector.h"
#include "storage/heal/healer.h"

namespace strata::admin {

inline constexpr std::string_view kAdminPrefix = "/_strata/admin/v1/";

struct StorageAdminParts {
  meta::MetaStore& meta;
  storage::ErasureChunkStore& chunks;
  storage::Healer& healer;
  storage::GarbageCollector& gc;
  storage::BackgroundWorker& worker;
};

class StorageAdmin {
 public:
  // verifier and parts must outlive the handler.
  StorageAdmin(const auth::SigV4Verifier& verifier, std::string root_access_key,
               StorageAdminParts parts)
      : verifier_(verifier), root_access_key_(std::move(root_access_key)), parts_(parts) {}

  // Answers a request whose path starts with kAdminPrefix:
  //   GET  storage  figures (StorageStats, drives, reads, heal, gc)
  //   GET  heal     heal progress;  POST heal  starts a full pass (202)
  //   POST gc       runs one GC pass and returns what it reclaimed
  // 403 unless signed by the root credential; 404 for other paths; 405 for
  // other methods.
  http::Response Handle(const http::Request& request, common::ByteSource& body);

 private:
  http::Response Storage();

  const auth::SigV4Verifier& verifier_;
  const std::string root_access_key_;
  StorageAdminParts parts_;
};

}  // namespace strata::admin
