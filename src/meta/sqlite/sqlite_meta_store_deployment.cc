// SqliteMetaStore's DeploymentStore methods: the deployment row (migration
// 0007).
#include <mutex>
#include <optional>
#include <string>

#include "meta/sqlite/internal/connection.h"
#include "meta/sqlite/internal/read_pool.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::sqlite {
namespace {

using internal::Statement;
using internal::Transaction;

constexpr std::string_view kSelectDeployment = "SELECT id FROM deployment WHERE singleton = 1";
constexpr std::string_view kClaimDeployment =
    "INSERT INTO deployment (singleton, id, created_ms) VALUES (1, ?1, ?2)"
    " ON CONFLICT (singleton) DO NOTHING";

common::Result<std::optional<std::string>> SelectId(internal::Connection& connection) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectDeployment));
  STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(select.ColumnText(0)));
}

}  // namespace

common::Result<std::optional<std::string>> SqliteMetaStore::GetDeploymentId() {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  return SelectId(*reader);
}

common::Result<std::string> SqliteMetaStore::ClaimDeploymentId(std::string_view candidate,
                                                               int64_t now_ms) {
  if (candidate.empty()) {
    return common::Error(common::Code::kInvalidArgument, "an empty deployment id");
  }
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(Statement claim, writer_->Prepare(kClaimDeployment));
  claim.Bind(1, candidate);
  claim.Bind(2, now_ms);
  STRATA_RETURN_IF_ERROR(claim.Run());
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> id, SelectId(*writer_));
  STRATA_RETURN_IF_ERROR(txn.Commit());
  if (!id) return common::Error(common::Code::kInternal, "the deployment row vanished");
  return *id;
}

}  // namespace strata::meta::sqlite
