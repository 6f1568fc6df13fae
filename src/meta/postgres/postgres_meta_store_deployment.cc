// PostgresMetaStore's DeploymentStore methods: the deployment row (migration
// 0007).
#include <optional>
#include <string>

#include "meta/postgres/internal/connection.h"
#include "meta/postgres/internal/runner.h"
#include "meta/postgres/postgres_meta_store.h"

namespace strata::meta::postgres {
namespace {

using internal::Connection;
using internal::Params;
using internal::Rows;
using internal::TxnMode;

constexpr std::string_view kSelectDeployment = "SELECT id FROM deployment WHERE singleton = 1";
constexpr std::string_view kClaimDeployment =
    "INSERT INTO deployment (singleton, id, created_ms) VALUES (1, $1, $2)"
    " ON CONFLICT (singleton) DO NOTHING";

common::Result<std::optional<std::string>> SelectId(Connection& connection) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectDeployment, Params()));
  if (rows.size() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(rows.Bytes(0, 0)));
}

}  // namespace

common::Result<std::optional<std::string>> PostgresMetaStore::GetDeploymentId() {
  return runner_->Run(TxnMode::kStatement,
                      [](Connection& connection) { return SelectId(connection); });
}

common::Result<std::string> PostgresMetaStore::ClaimDeploymentId(std::string_view candidate,
                                                                 int64_t now_ms) {
  if (candidate.empty()) {
    return common::Error(common::Code::kInvalidArgument, "an empty deployment id");
  }
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<std::string> {
    STRATA_RETURN_IF_ERROR(
        connection.Execute(kClaimDeployment, Params().Text(candidate).Int(now_ms)).status());
    STRATA_ASSIGN_OR_RETURN(std::optional<std::string> id, SelectId(connection));
    if (!id) return common::Error(common::Code::kInternal, "the deployment row vanished");
    return *id;
  });
}

}  // namespace strata::meta::postgres
