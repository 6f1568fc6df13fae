#include "storage/drive/drive_format.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "storage/drive/durable_file.h"

namespace strata::storage {
namespace {

using common::Code;
using common::Error;

constexpr std::string_view kTempName = "strata-format.json.tmp";
constexpr size_t kMaxMarkerBytes = 4096;

bool ValidDeploymentId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string Where(const DriveState& drive) { return drive.root.string(); }

}  // namespace

common::Result<std::optional<DriveFormat>> ReadDriveFormat(Drive& drive) {
  STRATA_ASSIGN_OR_RETURN(FileInfo info, drive.Stat(std::string(kDriveFormatFile)));
  if (info.type == FileType::kMissing) return std::optional<DriveFormat>();
  const std::string path = (drive.root() / kDriveFormatFile).string();
  if (info.type != FileType::kFile || info.size > kMaxMarkerBytes) {
    return Error(Code::kCorruption, path + " is not a drive format marker");
  }
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file,
                          drive.OpenFile(std::string(kDriveFormatFile)));
  std::string text(info.size, '\0');
  STRATA_ASSIGN_OR_RETURN(
      size_t read,
      file->ReadAt(0, std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()), text.size())));
  text.resize(read);
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("deployment_id") || !doc["deployment_id"].is_string() ||
      !doc.contains("index") || !doc["index"].is_number_integer() || !doc.contains("count") ||
      !doc["count"].is_number_integer()) {
    return Error(Code::kCorruption, path + " is not a drive format marker");
  }
  DriveFormat format{.deployment_id = doc["deployment_id"].get<std::string>(),
                     .index = doc["index"].get<int>(),
                     .count = doc["count"].get<int>()};
  if (!ValidDeploymentId(format.deployment_id) || format.index < 0 || format.count < 1 ||
      format.index >= format.count) {
    return Error(Code::kCorruption, path + " holds an invalid drive format marker");
  }
  return std::optional<DriveFormat>(std::move(format));
}

common::Status WriteDriveFormat(Drive& drive, const DriveFormat& format) {
  const nlohmann::json doc = {{"format", "strata-drive"},
                              {"version", 1},
                              {"deployment_id", format.deployment_id},
                              {"index", format.index},
                              {"count", format.count}};
  const std::string text = doc.dump(2) + "\n";
  STRATA_RETURN_IF_ERROR(drive.CreateDirs(""));
  STRATA_RETURN_IF_ERROR(drive.RemoveFile(std::string(kTempName)));  // left by a crash
  STRATA_ASSIGN_OR_RETURN(DurableFileWriter writer,
                          DurableFileWriter::Create(drive, std::string(kTempName)));
  STRATA_RETURN_IF_ERROR(writer.Append(std::span<const char>(text.data(), text.size())));
  return writer.Commit(std::string(kDriveFormatFile));
}

common::Result<bool> DriveHasShards(Drive& drive) {
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> entries, drive.ListDir("chunks"));
  for (const std::string& prefix : entries) {
    // chunks/<xx>/<location>/<shard>: an empty <xx> directory holds nothing.
    STRATA_ASSIGN_OR_RETURN(std::vector<std::string> locations,
                            drive.ListDir(std::filesystem::path("chunks") / prefix));
    if (!locations.empty()) return true;
  }
  return false;
}

std::vector<DriveState> ReadDriveStates(const std::vector<Drive*>& drives) {
  std::vector<DriveState> states;
  states.reserve(drives.size());
  for (Drive* drive : drives) {
    DriveState state{.root = drive->root()};
    auto format = ReadDriveFormat(*drive);
    auto shards = DriveHasShards(*drive);
    if (!format.ok() && format.status().code() == Code::kCorruption) {
      // A damaged marker is not a dead drive: the check below must see it.
      state.format = DriveFormat{.deployment_id = "(unreadable marker)", .index = -1, .count = 0};
    } else if (!format.ok() || !shards.ok()) {
      state.readable = false;
    } else {
      state.format = *format;
    }
    if (shards.ok()) state.has_shards = *shards;
    states.push_back(std::move(state));
  }
  return states;
}

common::Result<DriveSetPlan> CheckDriveSet(const MetaState& meta,
                                           const std::vector<DriveState>& drives) {
  const int count = static_cast<int>(drives.size());
  std::map<std::string, std::vector<std::string>> by_id;  // deployment id -> drive folders
  for (int i = 0; i < count; ++i) {
    const DriveState& drive = drives[i];
    if (!drive.readable || !drive.format) continue;
    if (drive.format->index == -1) {
      return Error(Code::kPreconditionFailed,
                   "drive " + Where(drive) + " has a damaged " + std::string(kDriveFormatFile) +
                       ": check the drive, or move the file away if you are sure the drive "
                       "belongs to this deployment at position " +
                       std::to_string(i + 1));
    }
    by_id[drive.format->deployment_id].push_back(Where(drive));
    if (drive.format->index != i) {
      return Error(Code::kPreconditionFailed,
                   "drive " + Where(drive) + " is listed at position " + std::to_string(i + 1) +
                       " but was position " + std::to_string(drive.format->index + 1) +
                       " of its drive set: list the drives in their original order (--drives); "
                       "each position holds a different shard of every chunk");
    }
  }
  if (by_id.size() > 1) {
    std::string list;
    for (const auto& [id, folders] : by_id) {
      for (const std::string& folder : folders) list += "\n  " + folder + ": " + id;
    }
    return Error(Code::kPreconditionFailed,
                 "the drives belong to different deployments:" + list +
                     "\nevery drive of a server must come from the same drive set");
  }
  DriveSetPlan plan;
  if (meta.deployment_id) {
    if (!by_id.empty() && by_id.begin()->first != *meta.deployment_id) {
      return Error(Code::kPreconditionFailed,
                   "the drives belong to deployment " + by_id.begin()->first +
                       " but the metadata store to " + *meta.deployment_id +
                       ": this metadata store was not written with these drives (check --meta "
                       "and --drives). Starting anyway would make every shard on them look "
                       "orphaned to garbage collection");
    }
    plan.deployment_id = *meta.deployment_id;
  } else if (!by_id.empty()) {
    return Error(Code::kPreconditionFailed,
                 "the drives belong to deployment " + by_id.begin()->first +
                     " but the metadata store is new: it is not the one these drives were "
                     "written with (check --meta, or move the metadata over with `strata admin "
                     "meta copy`). Starting anyway would make every shard on them look orphaned "
                     "to garbage collection");
  } else {
    // No marker anywhere: a new deployment, or drives written before markers
    // existed. The latter is safe only with the metadata that wrote them.
    for (const DriveState& drive : drives) {
      if (drive.readable && drive.has_shards && !meta.has_chunks) {
        return Error(Code::kPreconditionFailed,
                     "drive " + Where(drive) +
                         " holds shard files but the metadata store has no chunks: it is not "
                         "the metadata store these drives were written with (check --meta). "
                         "Starting anyway would make every shard look orphaned to garbage "
                         "collection. To really start over, empty the drive folders first");
      }
    }
  }
  for (int i = 0; i < count; ++i) {
    if (drives[i].readable && !drives[i].format) plan.write_markers.push_back(i);
  }
  return plan;
}

}  // namespace strata::storage
