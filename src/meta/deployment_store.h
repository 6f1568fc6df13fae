// DeploymentStore: the one id that ties a metadata store to its drive set
// (storage/drive/drive_format.h). The server claims it at its first start and
// writes it to every drive; later starts compare the two, so a server pointed
// at drives with the wrong metadata store stops instead of letting GC take
// every shard for an orphan. Every MetaStore implementation also implements
// this interface (meta_store_contract_deployment.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::meta {

class DeploymentStore {
 public:
  virtual ~DeploymentStore() = default;

  // The claimed id, or nullopt when none was claimed yet.
  virtual common::Result<std::optional<std::string>> GetDeploymentId() = 0;

  // Claims `candidate` when no id is claimed yet, atomically (two servers
  // starting together on one database agree on one id); returns the id that
  // holds afterwards, the candidate or the earlier one. kInvalidArgument for
  // an empty candidate.
  virtual common::Result<std::string> ClaimDeploymentId(std::string_view candidate,
                                                        int64_t now_ms) = 0;
};

}  // namespace strata::meta
