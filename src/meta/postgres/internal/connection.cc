#include "meta/postgres/internal/connection.h"

#include <charconv>
#include <utility>

namespace strata::meta::postgres::internal {
namespace {

using common::Code;
using common::Error;

struct Classified {
  Failure failure;
  Code code;
};

// SQLSTATE -> what the runner may do about it, and the Code callers see when
// it is not retried (or the retries run out).
Classified Classify(std::string_view state) {
  if (state == "40001" || state == "40P01") return {Failure::kConflict, Code::kUnavailable};
  if (state == "23505") return {Failure::kUniqueViolation, Code::kInternal};
  if (state == "42P07" || state == "42701" || state == "42710" || state == "42P06") {
    return {Failure::kDuplicateObject, Code::kInternal};
  }
  // Connection exceptions, and the server shutting down or starting up.
  if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
    return {Failure::kConnectionLost, Code::kUnavailable};
  }
  // Text PostgreSQL cannot store (not UTF-8, or a NUL byte), or a row too
  // large for an index.
  if (state == "22021" || state == "22P05" || state == "54000") {
    return {Failure::kOther, Code::kInvalidArgument};
  }
  // Out of connections, memory or disk; statement or lock timeout; a
  // read-only server (a standby, e.g. during a failover): all pass, so 503.
  if (state.starts_with("53") || state == "57014" || state == "55P03" || state == "25006") {
    return {Failure::kOther, Code::kUnavailable};
  }
  if (state == "XX001" || state == "XX002") return {Failure::kOther, Code::kCorruption};
  return {Failure::kOther, Code::kInternal};
}

std::string Trimmed(const char* text) {
  std::string message = text != nullptr ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

// Notices (e.g. "relation already exists, skipping") are not errors; libpq
// would print them on stderr.
void IgnoreNotice(void*, const char*) {}

}  // namespace

Params& Params::Add(Oid type, std::string value, bool null) {
  types_.push_back(type);
  values_.push_back(std::move(value));
  nulls_.push_back(null);
  return *this;
}

Params& Params::Text(std::string_view value) { return Add(kTextOid, std::string(value), false); }

Params& Params::Int(int64_t value) {
  // int8 in binary format: 8 bytes, big-endian two's complement.
  std::string bytes(8, '\0');
  auto bits = static_cast<uint64_t>(value);
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(bits & 0xFF);
    bits >>= 8;
  }
  return Add(kInt8Oid, std::move(bytes), false);
}

Params& Params::Bytes(std::string_view value) { return Add(kByteaOid, std::string(value), false); }

Params& Params::NullBytes() { return Add(kByteaOid, std::string(), true); }

Rows::~Rows() { PQclear(result_); }

Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int Rows::size() const { return result_ != nullptr ? PQntuples(result_) : 0; }

bool Rows::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string_view Rows::Bytes(int row, int column) const {
  if (IsNull(row, column)) return {};
  return {PQgetvalue(result_, row, column), static_cast<size_t>(PQgetlength(result_, row, column))};
}

int64_t Rows::Int(int row, int column) const {
  if (IsNull(row, column)) return 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row, column));
  const int length = PQgetlength(result_, row, column);
  uint64_t bits = 0;
  for (int i = 0; i < length && i < 8; ++i) bits = (bits << 8) | bytes[i];
  switch (length) {
    case 8:
      return static_cast<int64_t>(bits);
    case 4:
      return static_cast<int32_t>(static_cast<uint32_t>(bits));
    case 2:
      return static_cast<int16_t>(static_cast<uint16_t>(bits));
    default:  // boolean (1 byte)
      return static_cast<int64_t>(bits);
  }
}

int64_t Rows::Affected() const {
  if (result_ == nullptr) return 0;
  std::string_view text = PQcmdTuples(result_);
  int64_t count = 0;
  std::from_chars(text.data(), text.data() + text.size(), count);
  return count;
}

common::Result<std::unique_ptr<Connection>> Connection::Open(const ConnectSpec& spec) {
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : spec.settings) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return Error(Code::kInternal, "libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Error(Code::kUnavailable, "cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::broken() const { return lost_ || PQstatus(conn_) != CONNECTION_OK; }

common::Status Connection::Reset() {
  statements_.clear();
  lost_ = false;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Error(Code::kUnavailable,
                 "cannot reconnect to PostgreSQL: " + Trimmed(PQerrorMessage(conn_)));
  }
  return common::Status::Ok();
}

std::string_view Connection::ServerParameter(const char* name) const {
  const char* value = PQparameterStatus(conn_, name);
  return value != nullptr ? value : "";
}

common::Status Connection::Fail(const PGresult* result, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // A connection libpq has given up on overrides any code: even a statement
  // that reported something else is lost with it.
  Classified classified = Classify(state != nullptr ? state : "");
  if (PQstatus(conn_) == CONNECTION_BAD)
    classified = {Failure::kConnectionLost, Code::kUnavailable};
  if (state == nullptr && classified.failure == Failure::kOther) {
    // No SQLSTATE: libpq's own failure (e.g. out of memory, protocol error).
    classified.code = Code::kInternal;
  }
  if (failure_ == Failure::kNone) failure_ = classified.failure;
  if (classified.failure == Failure::kConnectionLost) lost_ = true;
  std::string message(what);
  message += ": ";
  const char* text = result != nullptr ? PQresultErrorMessage(result) : "";
  message += Trimmed(text != nullptr && *text != '\0' ? text : PQerrorMessage(conn_));
  if (state != nullptr) {
    message += " (SQLSTATE ";
    message += state;
    message += ")";
  }
  return Error(classified.code, std::move(message));
}

common::Result<const std::string*> Connection::Prepared(std::string_view sql,
                                                        const Params& params) {
  std::string key(sql);
  auto it = statements_.find(key);
  if (it != statements_.end()) return &it->second;
  std::string name = "strata_" + std::to_string(statements_.size() + 1);
  PGresult* result = PQprepare(conn_, name.c_str(), key.c_str(), params.size(),
                               params.types().empty() ? nullptr : params.types().data());
  Rows owner(result);
  if (result == nullptr || PQresultStatus(result) != PGRES_COMMAND_OK) {
    return Fail(result, "prepare");
  }
  it = statements_.emplace(std::move(key), std::move(name)).first;
  return &it->second;
}

common::Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
  STRATA_ASSIGN_OR_RETURN(const std::string* name, Prepared(sql, params));
  const int n = params.size();
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  std::vector<int> formats(n, 1);  // every parameter in binary format
  for (int i = 0; i < n; ++i) {
    values[i] = params.nulls()[i] ? nullptr : params.values()[i].data();
    lengths[i] = static_cast<int>(params.values()[i].size());
  }
  PGresult* result = PQexecPrepared(conn_, name->c_str(), n, n ? values.data() : nullptr,
                                    n ? lengths.data() : nullptr, n ? formats.data() : nullptr,
                                    /*resultFormat=*/1);
  Rows rows(result);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Fail(result, "query");
  return rows;
}

common::Result<int64_t> Connection::Execute(std::string_view sql, const Params& params) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  return rows.Affected();
}

common::Status Connection::Script(std::string_view sql) {
  PGresult* result = PQexec(conn_, std::string(sql).c_str());
  Rows owner(result);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Fail(result, "exec");
  return common::Status::Ok();
}

common::Result<std::string> Connection::QueryText(std::string_view sql) {
  PGresult* result = PQexec(conn_, std::string(sql).c_str());
  Rows owner(result);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK) return Fail(result, "query");
  if (PQntuples(result) == 0 || PQgetisnull(result, 0, 0)) return std::string();
  return std::string(PQgetvalue(result, 0, 0));
}

}  // namespace strata::meta::postgres::internal
