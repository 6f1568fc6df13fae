#include "admin/storage_admin.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "admin/admin_caller.h"
#include "admin/admin_request.h"
#include "admin/api_error.h"
#include "admin/logged_answer.h"
#include "identity/admin_actions.h"

namespace strata::admin {
namespace {

using nlohmann::json;

// The admin action each storage endpoint needs.
std::string_view ActionOf(AdminOp op) {
  switch (op) {
    case AdminOp::kStorage:
      return identity::admin_action::kServerInfo;
    case AdminOp::kHealStatus:
    case AdminOp::kHealStart:
      return identity::admin_action::kHeal;
    case AdminOp::kGc:
      return identity::admin_action::kGc;
    default:
      // Not a storage endpoint: an action nobody holds but root.
      return "admin:Unknown";
  }
}

json HealJson(const storage::HealProgress& p) {
  return {{"pass_running", p.pass_running},
          {"passes_completed", p.passes_completed},
          {"chunks_checked", p.chunks_checked},
          {"shards_missing", p.shards_missing},
          {"shards_corrupt", p.shards_corrupt},
          {"shards_rebuilt", p.shards_rebuilt},
          {"chunks_unrecoverable", p.chunks_unrecoverable},
          {"queued", p.queued},
          {"last_pass_started_ms", p.last_pass_started_ms},
          {"last_pass_finished_ms", p.last_pass_finished_ms}};
}

json GcJson(const storage::GcStats& s) {
  return {{"chunks_deleted", s.chunks_deleted},
          {"orphans_deleted", s.orphans_deleted},
          {"uploads_aborted", s.uploads_aborted},
          {"bytes_reclaimed", s.bytes_reclaimed},
          {"errors", s.errors}};
}

}  // namespace

http::Response StorageAdmin::Handle(const AdminRoute& route, const http::Request& request,
                                    common::ByteSource& body) {
  return AnswerLogged(route, request, audit_, [&](identity::Caller& caller, std::string&) {
    return Serve(route, request, body, caller);
  });
}

common::Result<http::Response> StorageAdmin::Serve(const AdminRoute& route,
                                                   const http::Request& request,
                                                   common::ByteSource& body,
                                                   identity::Caller& caller) {
  std::string text;
  STRATA_ASSIGN_OR_RETURN(caller, AuthenticateAdmin(request, body, verifier_, identity_, &text));
  STRATA_RETURN_IF_ERROR(identity_.RequireAdmin(caller, ActionOf(route.op)));
  // The storage calls take no body.
  if (!text.empty()) {
    return common::Error(common::Code::kInvalidArgument, "this request takes no body");
  }
  switch (route.op) {
    case AdminOp::kStorage:
      return Storage();
    case AdminOp::kHealStatus:
      return JsonResponse(200, HealJson(parts_.healer.progress()));
    case AdminOp::kHealStart:
      parts_.worker.TriggerHealPass();
      return JsonResponse(202, HealJson(parts_.healer.progress()));
    case AdminOp::kGc: {
      STRATA_ASSIGN_OR_RETURN(storage::GcStats stats, parts_.gc.RunOnce());
      return JsonResponse(200, GcJson(stats));
    }
    default:
      return common::Error(common::Code::kInternal,
                           "storage admin asked to serve " + std::string(OpName(route.op)));
  }
}

common::Result<http::Response> StorageAdmin::Storage() {
  auto stats = parts_.meta.GetStorageStats();
  if (!stats.ok()) return stats.status();
  json drives = json::array();
  for (const auto& drive : parts_.chunks.DriveStatuses()) {
    drives.push_back(
        {{"path", drive.path.string()}, {"online", drive.online}, {"errors", drive.errors}});
  }
  // Bytes every version would take without dedup, over the bytes of
  // distinct chunks they do take (inline bytes count on both sides).
  const uint64_t stored = stats->chunk_bytes + stats->inline_bytes;
  const uint64_t logical = stats->logical_bytes + stats->noncurrent_bytes;
  const double ratio =
      stored == 0 ? 1.0 : static_cast<double>(logical) / static_cast<double>(stored);
  return JsonResponse(200, {{"objects", stats->objects},
                            {"logical_bytes", stats->logical_bytes},
                            {"inline_bytes", stats->inline_bytes},
                            {"chunks", stats->chunks},
                            {"chunk_bytes", stats->chunk_bytes},
                            {"unreferenced_chunks", stats->unreferenced_chunks},
                            {"noncurrent_versions", stats->noncurrent_versions},
                            {"noncurrent_bytes", stats->noncurrent_bytes},
                            {"delete_markers", stats->delete_markers},
                            {"dedup_ratio", ratio},
                            {"reconstructions", parts_.chunks.reconstructions()},
                            {"corruptions_found", parts_.chunks.corruptions_found()},
                            {"drives", drives},
                            {"heal", HealJson(parts_.healer.progress())},
                            {"gc", GcJson(parts_.gc.totals())}});
}

}  // namespace strata::admin
