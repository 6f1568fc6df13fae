// PostgresMetaStore's AuditStore methods: the audit_log table (migration
// 0005). The statements come from meta/internal/audit_rules.h, shared with
// the SQLite store; this file binds and runs them.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "meta/internal/audit_rules.h"
#include "meta/postgres/internal/connection.h"
#include "meta/postgres/internal/runner.h"
#include "meta/postgres/internal/text_bounds.h"
#include "meta/postgres/postgres_meta_store.h"

namespace strata::meta::postgres {
namespace {

using internal::Connection;
using internal::Params;
using internal::Rows;
using internal::TxnMode;
using meta::internal::AuditParam;
using meta::internal::AuditSql;

// Most rows one INSERT carries. A batch is sent as INSERTs of 64, 32, ..., 1
// rows (its size in binary), so a batch of obs::AuditTrail's 512 records
// costs 8 round trips, and each connection caches at most 7 statement texts.
constexpr size_t kMaxRowsPerInsert = 64;

Params ToParams(const AuditSql& statement) {
  Params params;
  for (const AuditParam& param : statement.params) {
    if (const int64_t* value = std::get_if<int64_t>(&param)) {
      params.Int(*value);
    } else {
      params.Text(std::get<std::string>(param));
    }
  }
  return params;
}

AuditRecord ReadRecord(const Rows& rows, int row) {
  return AuditRecord{.id = std::string(rows.Bytes(row, 0)),
                     .time_ms = rows.Int(row, 1),
                     .request_id = std::string(rows.Bytes(row, 2)),
                     .source = std::string(rows.Bytes(row, 3)),
                     .user = std::string(rows.Bytes(row, 4)),
                     .access_key = std::string(rows.Bytes(row, 5)),
                     .action = std::string(rows.Bytes(row, 6)),
                     .bucket = std::string(rows.Bytes(row, 7)),
                     .resource = std::string(rows.Bytes(row, 8)),
                     .http_status = static_cast<int>(rows.Int(row, 9)),
                     .error_code = std::string(rows.Bytes(row, 10))};
}

}  // namespace

common::Status PostgresMetaStore::AppendAudit(std::span<const AuditRecord> records) {
  STRATA_RETURN_IF_ERROR(meta::internal::CheckAuditRecords(records));
  if (records.empty()) return common::Status::Ok();
  // Built once, outside the retried body.
  std::vector<std::pair<std::string, Params>> inserts;
  for (size_t done = 0; done < records.size();) {
    const size_t rows = std::bit_floor(std::min(records.size() - done, kMaxRowsPerInsert));
    AuditSql insert = meta::internal::AuditInsert(records.subspan(done, rows), '$');
    Params params = ToParams(insert);
    inserts.emplace_back(std::move(insert.sql), std::move(params));
    done += rows;
  }
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    for (const auto& [sql, params] : inserts) {
      STRATA_RETURN_IF_ERROR(connection.Execute(sql, params).status());
    }
    return common::Status::Ok();
  });
}

common::Result<std::vector<AuditRecord>> PostgresMetaStore::QueryAudit(const AuditQuery& query) {
  STRATA_RETURN_IF_ERROR(meta::internal::CheckAuditQuery(query));
  meta::internal::ActionFilter action = meta::internal::ParseActionFilter(query.action);
  // PrefixSuccessor may end in a byte that is not UTF-8 ("s3\x7f" gives
  // "s3\x80"), which PostgreSQL refuses as a parameter; every stored action
  // is storable, so the least storable bound selects the same rows.
  if (action.below) action.below = internal::LeastStorableAtLeast(*action.below);
  const AuditSql select = meta::internal::AuditSelect(query, action, '$');
  const Params params = ToParams(select);
  return runner_->Run(TxnMode::kStatement,
                      [&](Connection& connection) -> common::Result<std::vector<AuditRecord>> {
                        STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(select.sql, params));
                        std::vector<AuditRecord> records;
                        records.reserve(rows.size());
                        for (int row = 0; row < rows.size(); ++row)
                          records.push_back(ReadRecord(rows, row));
                        return records;
                      });
}

common::Result<uint64_t> PostgresMetaStore::DeleteAuditBefore(int64_t before_ms) {
  const AuditSql del = meta::internal::AuditDeleteBefore(before_ms, '$');
  const Params params = ToParams(del);
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<uint64_t> {
    STRATA_ASSIGN_OR_RETURN(int64_t deleted, connection.Execute(del.sql, params));
    return static_cast<uint64_t>(deleted);
  });
}

}  // namespace strata::meta::postgres
