// SqliteMetaStore's AuditStore methods: the audit_log table (migration 0005).
// The statements come from meta/internal/audit_rules.h, shared with the
// PostgreSQL store; this file binds and runs them.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "meta/internal/audit_rules.h"
#include "meta/sqlite/internal/connection.h"
#include "meta/sqlite/internal/read_pool.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::sqlite {
namespace {

using internal::Statement;
using internal::Transaction;
using meta::internal::AuditParam;
using meta::internal::AuditSql;

// Prepares `statement` on `connection` with its parameters bound.
common::Result<Statement> Prepare(internal::Connection& connection, const AuditSql& statement) {
  STRATA_ASSIGN_OR_RETURN(Statement prepared, connection.Prepare(statement.sql));
  for (size_t i = 0; i < statement.params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    std::visit([&](const auto& value) { prepared.Bind(index, value); }, statement.params[i]);
  }
  return prepared;
}

AuditRecord ReadRecord(const Statement& row) {
  return AuditRecord{.id = std::string(row.ColumnText(0)),
                     .time_ms = row.ColumnInt(1),
                     .request_id = std::string(row.ColumnText(2)),
                     .source = std::string(row.ColumnText(3)),
                     .user = std::string(row.ColumnText(4)),
                     .access_key = std::string(row.ColumnText(5)),
                     .action = std::string(row.ColumnText(6)),
                     .bucket = std::string(row.ColumnText(7)),
                     .resource = std::string(row.ColumnText(8)),
                     .http_status = static_cast<int>(row.ColumnInt(9)),
                     .error_code = std::string(row.ColumnText(10))};
}

}  // namespace

common::Status SqliteMetaStore::AppendAudit(std::span<const AuditRecord> records) {
  STRATA_RETURN_IF_ERROR(meta::internal::CheckAuditRecords(records));
  if (records.empty()) return common::Status::Ok();
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  // One row per statement: no round trips to save here, and one statement
  // text (so one cached statement) whatever the batch size.
  for (size_t i = 0; i < records.size(); ++i) {
    STRATA_ASSIGN_OR_RETURN(Statement insert, Prepare(*writer_, meta::internal::AuditInsert(
                                                                    records.subspan(i, 1), '?')));
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

common::Result<std::vector<AuditRecord>> SqliteMetaStore::QueryAudit(const AuditQuery& query) {
  STRATA_RETURN_IF_ERROR(meta::internal::CheckAuditQuery(query));
  const AuditSql select =
      meta::internal::AuditSelect(query, meta::internal::ParseActionFilter(query.action), '?');
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(Statement statement, Prepare(*reader, select));
  std::vector<AuditRecord> records;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    records.push_back(ReadRecord(statement));
  }
  return records;
}

common::Result<uint64_t> SqliteMetaStore::DeleteAuditBefore(int64_t before_ms) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement del,
                            Prepare(*writer_, meta::internal::AuditDeleteBefore(before_ms, '?')));
    STRATA_RETURN_IF_ERROR(del.Run());
  }
  const auto deleted = static_cast<uint64_t>(writer_->Changes());
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return deleted;
}

}  // namespace strata::meta::sqlite
