// One libpq connection as the PostgreSQL store uses it: parameters bound in
// binary format (so BYTEA, and any TEXT byte, travels unescaped), results read
// in binary format, named prepared statements cached per connection, and every
// failure classified so the transaction runner (runner.h) knows whether a
// retry is safe. Private to meta/postgres.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::meta::postgres::internal {

// What kind of failure a statement met. The runner retries the first three
// (the last two only in some modes); anything else ends the operation.
enum class Failure {
  kNone,
  // 40001 serialization_failure, 40P01 deadlock_detected: the transaction was
  // rolled back by the server and may simply be run again.
  kConflict,
  // 23505 unique_violation. Every INSERT this store runs is preceded, in the
  // same transaction, by a read of the key it inserts, so a unique violation
  // can only come from a concurrent transaction: a serialization failure the
  // server reported under another name (PostgreSQL's documentation, "Serialization
  // Failure Handling", recommends retrying it in that case).
  kUniqueViolation,
  // 42P07, 42701, 42710, 42P06: an object (table, column, index, schema) that
  // already exists. Only migrations retry these (another node ran the same
  // DDL first); the retry then finds the migration recorded.
  kDuplicateObject,
  // The connection is gone (class 08, 57P01..57P03, or libpq's own
  // CONNECTION_BAD). Whatever was not committed was rolled back.
  kConnectionLost,
  kOther,
};

// PostgreSQL type OIDs (catalog/pg_type.dat; stable since PostgreSQL 7).
// Spelled out because their header ships with the server development package.
inline constexpr Oid kBoolOid = 16;
inline constexpr Oid kByteaOid = 17;
inline constexpr Oid kInt8Oid = 20;
inline constexpr Oid kInt2Oid = 21;
inline constexpr Oid kInt4Oid = 23;
inline constexpr Oid kTextOid = 25;

// The parameters of one statement, $1, $2, ... in the order added. Each value
// is copied, and every one is sent in binary format with its type declared,
// so the server never guesses a type and bytes are never escaped.
class Params {
 public:
  // TEXT: the bytes as they are. PostgreSQL refuses text that is not valid
  // UTF-8 or holds a NUL byte (SQLSTATE 22021: kInvalidArgument).
  Params& Text(std::string_view value);
  // BIGINT.
  Params& Int(int64_t value);
  // BYTEA: any bytes.
  Params& Bytes(std::string_view value);
  // A NULL BYTEA.
  Params& NullBytes();

  int size() const { return static_cast<int>(types_.size()); }
  const std::vector<Oid>& types() const { return types_; }
  const std::vector<std::string>& values() const { return values_; }
  const std::vector<bool>& nulls() const { return nulls_; }

 private:
  Params& Add(Oid type, std::string value, bool null);

  std::vector<Oid> types_;
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};

// The rows of one result, read in binary format. Move-only; frees the result.
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* result) : result_(result) {}
  ~Rows();
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  bool empty() const { return size() == 0; }
  bool IsNull(int row, int column) const;
  // TEXT or BYTEA bytes ("" for NULL). Valid while this Rows lives.
  std::string_view Bytes(int row, int column) const;
  // A binary int2/int4/int8 (or boolean) column as int64; 0 for NULL.
  int64_t Int(int row, int column) const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  int64_t Affected() const;

 private:
  PGresult* result_ = nullptr;
};

// How to reach the server: libpq keyword/value pairs, passed to
// PQconnectdbParams with expand_dbname, so "dbname" may hold a URI or a
// conninfo string whose own settings override the ones before it.
struct ConnectSpec {
  std::vector<std::pair<std::string, std::string>> settings;
};

// One connection with its prepared-statement cache. Used by one thread at a
// time (the pool hands it out); libpq connections are safe to use from
// different threads one after another.
class Connection {
 public:
  // Connects. kUnavailable (with libpq's message) when the server cannot be
  // reached or refuses the login.
  static common::Result<std::unique_ptr<Connection>> Open(const ConnectSpec& spec);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with $n parameters as a named prepared statement,
  // preparing it on first use on this connection (statements are cached by
  // their text). Rows are returned in binary format.
  common::Result<Rows> Query(std::string_view sql, const Params& params = Params());
  // Query for a statement whose rows are not needed; returns the rows it
  // changed.
  common::Result<int64_t> Execute(std::string_view sql, const Params& params = Params());
  // Runs one or more ';'-separated statements without parameters through the
  // simple query protocol (BEGIN, COMMIT, migrations).
  common::Status Script(std::string_view sql);
  // The first row's first column of a parameterless query, as text ("" when
  // there is no row), through the simple protocol.
  common::Result<std::string> QueryText(std::string_view sql);

  // Whether the connection is dead (libpq says so, or a statement failed
  // with a connection-class error); Reset() before reuse.
  bool broken() const;
  // Reconnects with the same settings (PQreset) and forgets the prepared
  // statements, which died with the old session. kUnavailable on failure.
  common::Status Reset();

  // The first failure since ClearFailure(): one transaction attempt stops at
  // its first error (the server rejects every later statement with 25P02
  // anyway), so that one is what decides about a retry.
  Failure failure() const { return failure_; }
  void ClearFailure() { failure_ = Failure::kNone; }

  // libpq's server parameter (e.g. "server_encoding", "server_version"), or "".
  std::string_view ServerParameter(const char* name) const;

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}

  // The status for a failed result (or a null one), noting its failure class.
  common::Status Fail(const PGresult* result, std::string_view what);
  common::Result<const std::string*> Prepared(std::string_view sql, const Params& params);

  PGconn* conn_;
  Failure failure_ = Failure::kNone;
  bool lost_ = false;  // a statement reported the connection lost
  // SQL text -> statement name on this session.
  std::unordered_map<std::string, std::string> statements_;
};

}  // namespace strata::meta::postgres::internal
