// RawTables on PostgreSQL, through libpq directly (the store's own
// connection layer is private to meta/postgres). Results are read in binary
// format and streamed row by row (single-row mode); parameters are sent in
// binary format except integers, which go as text so that the server, not
// this file, converts them to the column's type.
#include <arpa/inet.h>
#include <libpq-fe.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "meta/internal/raw_tables.h"
#include "meta/postgres/postgres_meta_store.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using common::Error;
using common::Status;

// Type OIDs (catalog/pg_type.dat, stable since PostgreSQL 7).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kVarcharOid = 1043;

std::string Trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

int64_t BigEndian(const char* data, int size) {
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) v = (v << 8) | static_cast<unsigned char>(data[i]);
  // Sign-extend int2/int4.
  if (size < 8 && size > 0 && (static_cast<unsigned char>(data[0]) & 0x80) != 0) {
    v |= ~uint64_t{0} << (8 * size);
  }
  return static_cast<int64_t>(v);
}

class PostgresRawTables final : public RawTables {
 public:
  PostgresRawTables(PGconn* conn, std::string description)
      : conn_(conn), description_(std::move(description)) {}
  ~PostgresRawTables() override {
    Rollback();
    PQfinish(conn_);
  }

  const std::string& description() const override { return description_; }

  common::Result<std::vector<std::string>> ListTables() override {
    std::vector<std::string> tables;
    STRATA_RETURN_IF_ERROR(
        Stream("SELECT table_name::text FROM information_schema.tables WHERE table_schema = "
               "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
               {}, [&](const PGresult* r) -> Status {
                 tables.emplace_back(PQgetvalue(r, 0, 0), PQgetlength(r, 0, 0));
                 return Status::Ok();
               }));
    return tables;
  }

  common::Result<std::vector<std::string>> Columns(std::string_view table) override {
    std::vector<std::string> columns;
    STRATA_RETURN_IF_ERROR(
        Stream("SELECT column_name::text FROM information_schema.columns WHERE table_schema = "
               "current_schema() AND table_name = $1 ORDER BY ordinal_position",
               {std::string(table)}, [&](const PGresult* r) -> Status {
                 columns.emplace_back(PQgetvalue(r, 0, 0), PQgetlength(r, 0, 0));
                 return Status::Ok();
               }));
    return columns;
  }

  Status Begin(Mode mode) override {
    STRATA_RETURN_IF_ERROR(Simple(mode == Mode::kWrite
                                      ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                      : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    in_transaction_ = true;
    return Status::Ok();
  }

  Status Commit() override {
    in_transaction_ = false;
    return Simple("COMMIT");
  }

  void Rollback() override {
    if (!in_transaction_) return;
    in_transaction_ = false;
    PQclear(PQexec(conn_, "ROLLBACK"));
  }

  common::Result<uint64_t> Count(std::string_view table) override {
    if (!IsPlainIdentifier(table)) return BadName(table);
    uint64_t count = 0;
    STRATA_RETURN_IF_ERROR(Stream("SELECT count(*) FROM \"" + std::string(table) + "\"", {},
                                  [&](const PGresult* r) -> Status {
                                    count =
                                        static_cast<uint64_t>(BigEndian(PQgetvalue(r, 0, 0), 8));
                                    return Status::Ok();
                                  }));
    return count;
  }

  Status Scan(std::string_view table, const std::vector<std::string>& columns,
              const std::function<Status(const SqlRow&)>& row) override {
    STRATA_ASSIGN_OR_RETURN(std::string list, ColumnList(table, columns));
    SqlRow values(columns.size());
    return Stream("SELECT " + list + " FROM \"" + std::string(table) + "\"", {},
                  [&](const PGresult* r) -> Status {
                    for (size_t i = 0; i < columns.size(); ++i) {
                      STRATA_ASSIGN_OR_RETURN(values[i], Read(r, static_cast<int>(i)));
                    }
                    return row(values);
                  });
  }

  Status Insert(std::string_view table, const std::vector<std::string>& columns,
                const SqlRow& values) override {
    if (values.size() != columns.size()) {
      return Error(Code::kInternal, "insert into " + std::string(table) + ": " +
                                        std::to_string(values.size()) + " values for " +
                                        std::to_string(columns.size()) + " columns");
    }
    STRATA_ASSIGN_OR_RETURN(std::string list, ColumnList(table, columns));
    const std::string key = std::string(table) + "(" + list + ")";
    auto [it, added] = statements_.try_emplace(key, "");
    if (added) {
      it->second = "strata_copy_" + std::to_string(statements_.size());
      std::string placeholders;
      for (size_t i = 0; i < columns.size(); ++i) {
        placeholders += (i == 0 ? "$" : ", $") + std::to_string(i + 1);
      }
      const std::string sql =
          "INSERT INTO \"" + std::string(table) + "\" (" + list + ") VALUES (" + placeholders + ")";
      // No declared types: the server takes each column's own.
      ResultPtr prepared(PQprepare(conn_, it->second.c_str(), sql.c_str(),
                                   static_cast<int>(columns.size()), nullptr));
      if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        Status status = Failed(prepared.get(), "prepare " + sql);
        statements_.erase(it);
        return status;
      }
    }
    std::vector<std::string> texts(values.size());
    std::vector<const char*> pointers(values.size(), nullptr);
    std::vector<int> lengths(values.size(), 0);
    std::vector<int> formats(values.size(), 1);
    for (size_t i = 0; i < values.size(); ++i) {
      const SqlValue& v = values[i];
      switch (v.kind) {
        case SqlValue::Kind::kNull:
          break;
        case SqlValue::Kind::kInt:
          // As text: the column's type (BIGINT, or TEXT by mistake) parses it.
          texts[i] = std::to_string(v.integer);
          pointers[i] = texts[i].c_str();
          formats[i] = 0;
          break;
        case SqlValue::Kind::kText:
        case SqlValue::Kind::kBytes:
          // Binary TEXT and BYTEA are the bytes themselves; the server still
          // checks TEXT is valid UTF-8 without NUL bytes (22021).
          pointers[i] = v.bytes.data();
          lengths[i] = static_cast<int>(v.bytes.size());
          break;
      }
    }
    ResultPtr result(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                    pointers.data(), lengths.data(), formats.data(), 1));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return Failed(result.get(), "insert into " + std::string(table));
    }
    return Status::Ok();
  }

 private:
  static Status BadName(std::string_view name) {
    return Error(Code::kInvalidArgument, "not a plain SQL name: '" + std::string(name) + "'");
  }

  static common::Result<std::string> ColumnList(std::string_view table,
                                                const std::vector<std::string>& columns) {
    if (!IsPlainIdentifier(table)) return BadName(table);
    if (columns.empty()) return Error(Code::kInvalidArgument, "no columns");
    std::string list;
    for (const std::string& column : columns) {
      if (!IsPlainIdentifier(column)) return BadName(column);
      list += (list.empty() ? "\"" : ", \"") + column + "\"";
    }
    return list;
  }

  static common::Result<SqlValue> Read(const PGresult* r, int column) {
    SqlValue v;
    if (PQgetisnull(r, 0, column)) return v;
    const char* data = PQgetvalue(r, 0, column);
    const int size = PQgetlength(r, 0, column);
    switch (PQftype(r, column)) {
      case kInt8Oid:
      case kInt4Oid:
      case kInt2Oid:
      case kBoolOid:
        v.kind = SqlValue::Kind::kInt;
        v.integer = BigEndian(data, size);
        return v;
      case kTextOid:
      case kVarcharOid:
        v.kind = SqlValue::Kind::kText;
        v.bytes.assign(data, size);
        return v;
      case kByteaOid:
        v.kind = SqlValue::Kind::kBytes;
        v.bytes.assign(data, size);
        return v;
      default:
        return Error(Code::kInvalidArgument, std::string("column ") + PQfname(r, column) +
                                                 " has a type Strata's schema never uses (oid " +
                                                 std::to_string(PQftype(r, column)) + ")");
    }
  }

  // The status for a failed result: a lost connection is kUnavailable, a
  // serialization failure too (run the command again), a value the server
  // refuses (class 22: text that is not UTF-8, ...) kInvalidArgument.
  Status Failed(const PGresult* result, const std::string& what) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state != nullptr ? state : "";
    std::string message =
        what + ": " +
        Trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    if (PQstatus(conn_) != CONNECTION_OK || sqlstate.starts_with("08") || sqlstate == "40001" ||
        sqlstate == "40P01") {
      return Error(Code::kUnavailable, std::move(message));
    }
    if (sqlstate.starts_with("22")) return Error(Code::kInvalidArgument, std::move(message));
    return Error(Code::kInternal, std::move(message));
  }

  Status Simple(const char* sql) {
    ResultPtr result(PQexec(conn_, sql));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) return Failed(result.get(), sql);
    return Status::Ok();
  }

  // Runs `sql` with text parameters and calls `row` with each row (a result
  // of one row, binary format) as it arrives.
  Status Stream(const std::string& sql, const std::vector<std::string>& params,
                const std::function<Status(const PGresult*)>& row) {
    std::vector<const char*> values;
    for (const std::string& p : params) values.push_back(p.c_str());
    if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                          values.data(), nullptr, nullptr, 1) == 0) {
      return Failed(nullptr, sql);
    }
    PQsetSingleRowMode(conn_);
    Status status;
    // Every result must be read, even after a failure, before the
    // connection takes the next command.
    while (PGresult* raw = PQgetResult(conn_)) {
      ResultPtr result(raw);
      const ExecStatusType state = PQresultStatus(raw);
      if (!status.ok()) continue;
      if (state == PGRES_SINGLE_TUPLE) {
        status = row(raw);
      } else if (state != PGRES_TUPLES_OK && state != PGRES_COMMAND_OK) {
        status = Failed(raw, sql);
      }
    }
    return status;
  }

  PGconn* conn_;
  const std::string description_;
  bool in_transaction_ = false;
  // "table(columns)" -> prepared statement name on this session.
  std::map<std::string, std::string> statements_;
};

void IgnoreNotice(void*, const char*) {}

}  // namespace

common::Result<std::unique_ptr<RawTables>> OpenPostgresRawTables(std::string_view conninfo) {
  STRATA_ASSIGN_OR_RETURN(std::string description, postgres::DescribeConninfo(conninfo));
  // As the store connects (postgres_meta_store.cc): settings before dbname
  // are defaults the URL may override; client_encoding after it is fixed.
  const std::string url(conninfo);
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                            nullptr};
  const char* values[] = {"10", "strata-admin", url.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Error(Code::kInternal, "libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Error(Code::kUnavailable, "cannot connect to " + description + ": " + message);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<RawTables>(new PostgresRawTables(conn, std::move(description)));
}

}  // namespace strata::meta::internal
