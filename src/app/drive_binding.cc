#include "app/drive_binding.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "storage/drive/drive_format.h"
#include "storage/drive/local_drive.h"

namespace strata::app {

common::Result<std::string> BindDrivesToDeployment(const std::vector<std::filesystem::path>& drives,
                                                   meta::MetaStore& store,
                                                   meta::DeploymentStore& deployment,
                                                   common::Random& random,
                                                   const common::Clock& clock) {
  std::vector<std::unique_ptr<storage::Drive>> owned;
  std::vector<storage::Drive*> pointers;
  for (const std::filesystem::path& path : drives) {
    owned.push_back(std::make_unique<storage::LocalDrive>(path));
    pointers.push_back(owned.back().get());
  }
  const std::vector<storage::DriveState> states = storage::ReadDriveStates(pointers);
  storage::MetaState meta;
  STRATA_ASSIGN_OR_RETURN(meta.deployment_id, deployment.GetDeploymentId());
  STRATA_ASSIGN_OR_RETURN(std::vector<meta::ChunkInfo> any_chunk, store.ListChunks("", 1));
  meta.has_chunks = !any_chunk.empty();
  STRATA_ASSIGN_OR_RETURN(storage::DriveSetPlan plan, storage::CheckDriveSet(meta, states));
  std::string id = plan.deployment_id;
  if (id.empty()) {
    // Two servers starting together on one database: the store keeps the
    // first claim and both use it.
    STRATA_ASSIGN_OR_RETURN(
        id, deployment.ClaimDeploymentId(common::RandomHexId(random, 16), clock.NowMillis()));
    spdlog::info("deployment {}: drives bound to this metadata store", id);
  }
  for (int index : plan.write_markers) {
    const storage::DriveFormat format{
        .deployment_id = id, .index = index, .count = static_cast<int>(drives.size())};
    common::Status written = storage::WriteDriveFormat(*pointers[index], format);
    if (!written.ok()) {
      spdlog::warn("drive {}: cannot write its format marker: {}", drives[index].string(),
                   written.ToString());
    }
  }
  return id;
}

}  // namespace strata::app
