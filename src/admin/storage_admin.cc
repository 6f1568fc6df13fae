#include "admin/storage_admin.h"

#include <nlohmann/json.hpp>

namespace strata::admin {
namespace {

using nlohmann::json;

http::Response Json(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.headers.Set("Cache-Control", "no-store");
  r.body = body.dump() + "\n";
  return r;
}

http::Response Error(int status, std::string_view message) {
  return Json(status, {{"error", message}});
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

http::Response StorageAdmin::Handle(const http::Request& request, common::ByteSource& body) {
  auto auth = verifier_.Authenticate(request);
  if (!auth.ok()) return Error(403, auth.status().message());
  if (auth->anonymous || auth->credential.access_key != root_access_key_) {
    return Error(403, "the admin API needs the root credential");
  }
  // The admin calls here take no body; a signed one is still verified whole.
  auto verified = verifier_.VerifiedBody(*auth, request, body);
  if (!verified.ok()) return Error(403, verified.status().message());
  if (auto rest = common::ReadAll(**verified, 0); !rest.ok()) {
    return Error(400, rest.status().message());
  }

  const std::string_view what = std::string_view(request.path).substr(kAdminPrefix.size());
  if (what == "storage") {
    if (request.method != "GET") return Error(405, "use GET");
    return Storage();
  }
  if (what == "heal") {
    if (request.method == "GET") return Json(200, HealJson(parts_.healer.progress()));
    if (request.method == "POST") {
      parts_.worker.TriggerHealPass();
      return Json(202, HealJson(parts_.healer.progress()));
    }
    return Error(405, "use GET or POST");
  }
  if (what == "gc") {
    if (request.method != "POST") return Error(405, "use POST");
    auto stats = parts_.gc.RunOnce();
    if (!stats.ok()) return Error(500, stats.status().ToString());
    return Json(200, GcJson(*stats));
  }
  return Error(404, "no such admin resource");
}

http::Response StorageAdmin::Storage() {
  auto stats = parts_.meta.GetStorageStats();
  if (!stats.ok()) return Error(503, stats.status().ToString());
  json drives = json::array();
  for (const auto& drive : parts_.chunks.DriveStatuses()) {
    drives.push_back(
        {{"path", drive.path.string()}, {"online", drive.online}, {"errors", drive.errors}});
  }
  // Bytes the objects would take without dedup, over the bytes of distinct
  // chunks they do take (inline bytes count on both sides).
  const uint64_t stored = stats->chunk_bytes + stats->inline_bytes;
  const double ratio =
      stored == 0 ? 1.0 : static_cast<double>(stats->logical_bytes) / static_cast<double>(stored);
  return Json(200, {{"objects", stats->objects},
                    {"logical_bytes", stats->logical_bytes},
                    {"inline_bytes", stats->inline_bytes},
                    {"chunks", stats->chunks},
                    {"chunk_bytes", stats->chunk_bytes},
                    {"unreferenced_chunks", stats->unreferenced_chunks},
                    {"dedup_ratio", ratio},
                    {"reconstructions", parts_.chunks.reconstructions()},
                    {"corruptions_found", parts_.chunks.corruptions_found()},
                    {"drives", drives},
                    {"heal", HealJson(parts_.healer.progress())},
                    {"gc", GcJson(parts_.gc.totals())}});
}

}  // namespace strata::admin
