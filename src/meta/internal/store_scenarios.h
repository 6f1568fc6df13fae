// Test scenarios that look below the MetaStore interface, through raw SQL on
// the store's database, and that every SQL backend must pass alike: exact
// chunk counts, damaged rows, the migration history. Each backend's own test
// (sqlite/sqlite_meta_store_test.cc, postgres/postgres_meta_store_test.cc)
// runs them with its way of opening a store and of running SQL; the SQL here
// is the subset SQLite and PostgreSQL share. Test-only: each function adds
// gtest failures rather than returning an error.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "meta/meta_store.h"

namespace strata::meta::contract {

// Runs `sql` (one statement) on the database of the store under test and
// returns the first column of every row as text (nothing for a statement
// that returns no rows). A failure adds a test failure.
using RawSql = std::function<std::vector<std::string>(const std::string& sql)>;

// Opens a store on the database of the test (the same one every call).
using OpenStore = std::function<common::Result<std::unique_ptr<MetaStore>>()>;

// Every count a sequence of puts, deletes and FindChunks leaves, read from
// the chunks table (the contract suite can only infer them). REQUIRES:
// `store` is empty.
void ExpectExactCounts(MetaStore& store, const RawSql& sql);

// Rows whose metadata, manifest or size are damaged fail reads with
// kCorruption but can still be replaced and deleted, returning what can be
// read of them; a lost manifest's chunk keeps its count (a leak, never a
// chunk collected while in use). REQUIRES: `store` is empty.
void ExpectDamagedRowsStayReplaceable(MetaStore& store, const RawSql& sql);

// Opening twice keeps the data and applies no migration again.
void ExpectReopenKeepsDataAndMigrations(const OpenStore& open, const RawSql& sql);

// A database that records a migration newer than this build is refused with
// kInvalidArgument (and a message saying so).
void ExpectNewerSchemaRefused(const OpenStore& open, const RawSql& sql);

// A database whose recorded history differs from this build's is refused
// with kCorruption.
void ExpectDivergedHistoryRefused(const OpenStore& open, const RawSql& sql);

}  // namespace strata::meta::contract
