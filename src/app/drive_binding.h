// Binds the drive set to the metadata store at start (storage/drive/
// drive_format.h): reads every drive's marker, asks the metadata store for
// its deployment id, refuses a mismatch, claims an id for a new deployment
// and writes the markers that are missing. Runs before the chunk store opens
// and before any background work (GC's orphan scan) can start.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/status.h"
#include "meta/deployment_store.h"
#include "meta/meta_store.h"

namespace strata::app {

// Returns the deployment id in use. kPreconditionFailed (with what to do)
// when the drives and the metadata store do not belong together; the store's
// errors otherwise. A marker that cannot be written to an unreadable drive is
// not an error (a dead drive must not stop the server; it gets its marker
// when it is back and the server restarts).
common::Result<std::string> BindDrivesToDeployment(const std::vector<std::filesystem::path>& drives,
                                                   meta::MetaStore& store,
                                                   meta::DeploymentStore& deployment,
                                                   common::Random& random,
                                                   const common::Clock& clock);

}  // namespace strata::app
