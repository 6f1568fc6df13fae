// Drive format markers: which deployment a drive belongs to, and at which
// position of the drive set (MinIO keeps a format.json for the same reason).
//
// Why: shard files are only known to the metadata store that committed them.
// A server started on the right drives with the wrong metadata store (a new
// SQLite file, another PostgreSQL database, a Compose stack switched from
// SQLite to PostgreSQL) sees every shard as an orphan, and GC deletes orphans
// after --gc-grace. Drives listed in another order hand out the wrong shard
// of every chunk. Both must stop the server at start, with the reason, before
// any background work runs.
//
// The deployment id lives in the metadata store (MetaStore's deployment row)
// and in DRIVE/strata-format.json on every drive. CheckDriveSet decides from
// what both hold; the caller then writes the markers it asks for (a new or
// replaced drive, or the first start of a deployment).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "storage/drive/drive.h"

namespace strata::storage {

inline constexpr std::string_view kDriveFormatFile = "strata-format.json";

struct DriveFormat {
  std::string deployment_id;  // 32 lower-case hex characters
  int index = 0;              // the drive's position in the drive set, from 0
  int count = 0;              // drives in the set when the marker was written

  bool operator==(const DriveFormat&) const = default;
};

// What one drive holds, as read at start.
struct DriveState {
  std::filesystem::path root;         // for messages
  bool readable = true;               // false: the drive could not be read (offline)
  std::optional<DriveFormat> format;  // nullopt: no marker
  bool has_shards = false;            // chunks/ holds anything
};

// The marker on `drive`, or nullopt when it has none. kCorruption when the
// file is there but not a marker; kUnavailable when it cannot be read.
common::Result<std::optional<DriveFormat>> ReadDriveFormat(Drive& drive);

// Writes the marker durably (temporary file, fdatasync, rename, directory
// sync), replacing any marker there.
common::Status WriteDriveFormat(Drive& drive, const DriveFormat& format);

// Whether chunks/ on the drive holds any entry.
common::Result<bool> DriveHasShards(Drive& drive);

// Reads every drive's state; a drive that fails to read is !readable (a dead
// drive must not stop a server that has enough others).
std::vector<DriveState> ReadDriveStates(const std::vector<Drive*>& drives);

// What the metadata store holds.
struct MetaState {
  std::optional<std::string> deployment_id;  // nullopt: never claimed
  bool has_chunks = false;                   // any chunk row
};

// The verdict: the deployment id to use and claim ("" = make a new one), and
// the drives (by index) whose marker must be written.
struct DriveSetPlan {
  std::string deployment_id;
  std::vector<int> write_markers;
};

// kPreconditionFailed, with a message that says what is wrong and what to do,
// when the drives belong to another deployment than the metadata store, to
// several deployments, sit at another position than their marker says, or
// hold shards while the metadata store has neither an id nor any chunk (a
// fresh metadata store over drives with data written before the markers
// existed). Otherwise the plan.
common::Result<DriveSetPlan> CheckDriveSet(const MetaState& meta,
                                           const std::vector<DriveState>& drives);

}  // namespace strata::storage
