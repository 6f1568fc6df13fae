#include "meta/copy_meta.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "meta/internal/contract_util.h"
#include "meta/migrations/migrations.h"
#include "meta/open_meta_store.h"
#include "meta/postgres/testing/postgres_server.h"

namespace strata::meta {
namespace {

using common::Code;
namespace fs = std::filesystem;

constexpr int64_t kNow = 1700000000000;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "strata-copy-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Url(const std::string& name) const { return "sqlite:" + (path_ / name).string(); }
  fs::path path() const { return path_; }

 private:
  fs::path path_;
};

template <class T>
T OrEmpty(common::Result<T> result) {
  return result.ok() ? std::move(result).value() : T{};
}

ChunkInfo MakeChunk(int n) {
  std::string hash(64, '0');
  const std::string digits = std::to_string(n);
  hash.replace(64 - digits.size(), digits.size(), digits);
  std::string location(32, 'a');
  location.replace(32 - digits.size(), digits.size(), digits);
  return ChunkInfo{.hash = hash,
                   .location = location,
                   .data_shards = 4,
                   .parity_shards = 2,
                   .size = 1000 + static_cast<uint64_t>(n)};
}

ObjectRecord MakeObject(const std::string& bucket, const std::string& key) {
  ObjectRecord o;
  o.bucket = bucket;
  o.key = key;
  o.etag = "0123456789abcdef0123456789abcdef";
  o.content_type = "text/plain";
  o.user_metadata = {{"origin", key}, {"empty", ""}};
  o.system_metadata = {{"cache-control", "no-cache"}};
  o.last_modified_ms = kNow + static_cast<int64_t>(key.size());
  o.checksum = {.algorithm = "CRC32C", .value = "crc==", .type = "FULL_OBJECT"};
  return o;
}

// A database with a row in every table (and the values that are easiest to
// get wrong: bytes that are not text, a NUL, a chunk awaiting GC).
void Populate(MetaStore& store, IdentityStore& identity, AuditStore& audit) {
  STRATA_ASSERT_OK(store.CreateBucket(
      {.name = "alpha", .region = "", .owner = "u1", .created_ms = kNow, .policy = ""}));
  STRATA_ASSERT_OK(store.CreateBucket(
      {.name = "beta", .region = "eu-west-3", .owner = "u2", .created_ms = kNow + 1}));
  STRATA_ASSERT_OK(store.SetBucketPolicy("beta", R"({"Version":"2012-10-17","Statement":[]})"));
  STRATA_ASSERT_OK(store.SetBucketCors("beta", R"({"rules":[{"origins":["*"]}]})"));
  STRATA_ASSERT_OK(store.SetBucketTagging("beta", {{"env", "prod"}, {"ü", ""}}));

  ObjectRecord small = MakeObject("alpha", "small/é");
  small.inline_data = std::string("body\0\xff\x01 bytes", 14);
  small.size = small.inline_data.size();
  small.tags = {{"k", "v"}};
  STRATA_ASSERT_OK(store.PutObject(small, {}, {}, kNow));
  ObjectRecord empty = MakeObject("alpha", "empty");
  STRATA_ASSERT_OK(store.PutObject(empty, {}, {}, kNow));
  ObjectRecord big = MakeObject("beta", "big");
  const ChunkInfo c1 = MakeChunk(1), c2 = MakeChunk(2), c3 = MakeChunk(3);
  big.manifest = {{.chunk = c1, .offset = 0, .length = c1.size},
                  {.chunk = c2, .offset = 10, .length = 20},
                  {.chunk = c1, .offset = 5, .length = 5}};
  big.size = c1.size + 20 + 5;
  big.part_sizes = {c1.size, 25};
  STRATA_ASSERT_OK(store.PutObject(big, {}, {c1, c2}, kNow));
  // c3: referenced once, then not at all (a GC candidate with its clock).
  ObjectRecord gone = MakeObject("beta", "gone");
  gone.manifest = {{.chunk = c3, .offset = 0, .length = c3.size}};
  gone.size = c3.size;
  STRATA_ASSERT_OK(store.PutObject(gone, {}, {c3}, kNow));
  STRATA_ASSERT_OK(store.DeleteObject("beta", "gone", kNow + 500));

  MultipartUpload upload{.upload_id = "up-1",
                         .bucket = "alpha",
                         .key = "multi",
                         .initiated_ms = kNow,
                         .content_type = "video/mp4",
                         .user_metadata = {{"a", "b"}},
                         .system_metadata = {},
                         .checksum_algorithm = "SHA256",
                         .checksum_type = "COMPOSITE",
                         .owner = "u1",
                         .tags = {{"stage", "raw"}}};
  STRATA_ASSERT_OK(store.CreateMultipartUpload(upload));
  PartRecord part{.upload_id = "up-1",
                  .part_number = 3,
                  .size = 20,
                  .etag = "fedcba9876543210fedcba9876543210",
                  .last_modified_ms = kNow + 3,
                  .manifest = {{.chunk = c2, .offset = 0, .length = 20}},
                  .checksum = {.algorithm = "SHA256", .value = "sha==", .type = "COMPOSITE"}};
  STRATA_ASSERT_OK(store.PutPart(part, {}, kNow));

  STRATA_ASSERT_OK(identity.CreateUser(
      {.id = "u1", .name = "alice", .password_hash = "$argon2id$x", .created_ms = kNow}));
  STRATA_ASSERT_OK(identity.CreateUser(
      {.id = "u2", .name = "bob", .password_hash = "", .disabled = true, .created_ms = kNow + 1}));
  STRATA_ASSERT_OK(identity.CreateAccessKey({.access_key = "AKALICE",
                                             .user_id = "u1",
                                             .sealed_secret = "sealed:abc",
                                             .created_ms = kNow,
                                             .description = "laptop"}));
  STRATA_ASSERT_OK(identity.CreateAccessKey({.access_key = "AKBOB",
                                             .user_id = "u2",
                                             .sealed_secret = "sealed:def",
                                             .disabled = true,
                                             .created_ms = kNow + 2}));
  STRATA_ASSERT_OK(identity.CreateGroup({.name = "ops", .created_ms = kNow}));
  STRATA_ASSERT_OK(identity.AddGroupMember("ops", "u2"));
  STRATA_ASSERT_OK(identity.PutPolicy(
      {.name = "read-alpha", .document = "{}", .created_ms = kNow, .updated_ms = kNow + 9}));
  STRATA_ASSERT_OK(identity.AttachPolicy(
      {.policy = "read-alpha", .kind = PrincipalKind::kUser, .principal = "u1"}));
  // A built-in policy: attached by name, no policies row.
  STRATA_ASSERT_OK(identity.AttachPolicy(
      {.policy = "readonly", .kind = PrincipalKind::kGroup, .principal = "ops"}));
  STRATA_ASSERT_OK(identity.CreateRefreshToken({.token_hash = std::string(64, 'f'),
                                                .family_id = "fam",
                                                .user_id = "u1",
                                                .issued_ms = kNow,
                                                .expires_ms = kNow + 1000000}));

  // The audit trail: a success and a failure, with text beyond ASCII.
  const AuditRecord records[] = {{.id = "a-1",
                                  .time_ms = kNow,
                                  .request_id = "req-1",
                                  .source = "127.0.0.1",
                                  .user = "alice",
                                  .access_key = "AKALICE",
                                  .action = "s3:PutObject",
                                  .bucket = "alpha",
                                  .resource = "small/é",
                                  .http_status = 200},
                                 {.id = "a-2",
                                  .time_ms = kNow + 1,
                                  .request_id = "req-2",
                                  .source = "::1",
                                  .user = "",
                                  .access_key = "AKNOBODY",
                                  .action = "admin:Login",
                                  .bucket = "",
                                  .resource = "",
                                  .http_status = 403,
                                  .error_code = "AccessDenied"}};
  STRATA_ASSERT_OK(audit.AppendAudit(records));
}

// Everything the interfaces can read, as one comparable text.
std::string Dump(MetaStore& store, IdentityStore& identity, AuditStore& audit) {
  std::ostringstream out;
  auto buckets = store.ListBuckets();
  if (!buckets.ok()) return "error: " + buckets.status().ToString();
  for (const Bucket& b : *buckets) {
    out << "bucket " << b.name << "|" << b.region << "|" << b.owner << "|" << b.created_ms << "|"
        << b.policy << "|" << b.cors << "|" << b.tagging.size() << "\n";
    auto page = store.ListObjects(b.name, {.max_keys = 1000});
    if (!page.ok()) return "error: " + page.status().ToString();
    for (const ObjectRecord& listed : page->objects) {
      auto o = store.GetObject(b.name, listed.key);
      if (!o.ok()) return "error: " + o.status().ToString();
      out << " object " << o->key << "|" << o->size << "|" << o->etag << "|" << o->content_type
          << "|" << o->last_modified_ms << "|" << o->checksum.value << "|" << o->inline_data.size()
          << ":" << o->inline_data << "|" << o->part_sizes.size() << "|" << o->user_metadata.size()
          << "|" << o->tags.size() << "\n";
      for (const ManifestEntry& e : o->manifest) {
        out << "  entry " << e.chunk.hash << "@" << e.chunk.location << " " << e.offset << "+"
            << e.length << "\n";
      }
    }
    auto uploads = store.ListMultipartUploads(b.name, {});
    if (!uploads.ok()) return "error: " + uploads.status().ToString();
    for (const MultipartUpload& u : uploads->uploads) {
      out << " upload " << u.upload_id << "|" << u.key << "|" << u.content_type << "|"
          << u.checksum_algorithm << "|" << u.owner << "|" << u.tags.size() << "\n";
      auto parts = store.GetParts(u.upload_id);
      if (!parts.ok()) return "error: " + parts.status().ToString();
      for (const PartRecord& p : *parts) {
        out << "  part " << p.part_number << "|" << p.size << "|" << p.etag << "|"
            << p.manifest.size() << "|" << p.checksum.value << "\n";
      }
    }
  }
  auto chunks = store.ListChunks("", 1000);
  if (!chunks.ok()) return "error: " + chunks.status().ToString();
  for (const ChunkInfo& c : *chunks) out << "chunk " << c.hash << "@" << c.location << "\n";
  auto zero = store.ListUnreferencedChunks(contract::kForever, 1000);
  if (!zero.ok()) return "error: " + zero.status().ToString();
  for (const ChunkInfo& c : *zero) out << "unreferenced " << c.hash << "\n";
  // Only chunks at count 0 since kNow + 500 or earlier: the GC clock came along.
  auto old = store.ListUnreferencedChunks(kNow + 500, 1000);
  out << "unreferenced-by-then " << (old.ok() ? old->size() : 999) << "\n";
  auto stats = store.GetStorageStats();
  if (!stats.ok()) return "error: " + stats.status().ToString();
  out << "stats " << stats->objects << " " << stats->logical_bytes << " " << stats->inline_bytes
      << " " << stats->chunks << " " << stats->chunk_bytes << " " << stats->unreferenced_chunks
      << "\n";
  auto users = identity.ListUsers();
  if (!users.ok()) return "error: " + users.status().ToString();
  for (const User& u : *users) {
    out << "user " << u.id << "|" << u.name << "|" << u.password_hash << "|" << u.disabled << "|"
        << u.created_ms << "\n";
    auto policies = identity.ListAttachedPolicies(PrincipalKind::kUser, u.id);
    for (const std::string& p : OrEmpty(std::move(policies))) out << " attached " << p << "\n";
    auto groups = identity.ListUserGroups(u.id);
    for (const std::string& g : OrEmpty(std::move(groups))) out << " in " << g << "\n";
  }
  auto keys = identity.ListAccessKeys("");
  for (const AccessKey& k : OrEmpty(std::move(keys))) {
    out << "key " << k.access_key << "|" << k.user_id << "|" << k.sealed_secret << "|" << k.disabled
        << "|" << k.description << "\n";
  }
  auto groups = identity.ListGroups();
  for (const Group& g : OrEmpty(std::move(groups))) {
    out << "group " << g.name << "|" << g.created_ms << "\n";
    auto policies = identity.ListAttachedPolicies(PrincipalKind::kGroup, g.name);
    for (const std::string& p : OrEmpty(std::move(policies))) out << " attached " << p << "\n";
  }
  auto policies = identity.ListPolicies();
  for (const StoredPolicy& p : OrEmpty(std::move(policies))) {
    out << "policy " << p.name << "|" << p.document << "|" << p.created_ms << "|" << p.updated_ms
        << "\n";
  }
  auto records = audit.QueryAudit({});
  if (!records.ok()) return "error: " + records.status().ToString();
  for (const AuditRecord& r : *records) {
    out << "audit " << r.id << "|" << r.time_ms << "|" << r.request_id << "|" << r.source << "|"
        << r.user << "|" << r.access_key << "|" << r.action << "|" << r.bucket << "|" << r.resource
        << "|" << r.http_status << "|" << r.error_code << "\n";
  }
  return out.str();
}

std::map<std::string, uint64_t> Rows(const MetaStatus& status) {
  std::map<std::string, uint64_t> rows;
  for (const TableRows& t : status.tables) rows[t.table] = t.rows;
  return rows;
}

uint64_t TotalRows(const std::string& url) {
  auto status = ReadMetaStatus(url);
  if (!status.ok()) return 999999;
  uint64_t total = 0;
  for (const TableRows& t : status->tables) total += t.rows;
  return total;
}

class CopyMetaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = postgres::testing::SharedServer();
    ASSERT_NE(server_, nullptr);
    source_ = dir_.Url("source.db");
    STRATA_ASSERT_OK_AND_ASSIGN(OpenedMetaStore opened, OpenMetaStore(source_, nullptr));
    ASSERT_NE(opened.audit, nullptr);
    Populate(*opened.store, *opened.identity, *opened.audit);
    source_dump_ = Dump(*opened.store, *opened.identity, *opened.audit);
    ASSERT_EQ(source_dump_.find("error"), std::string::npos) << source_dump_;
  }

  std::string NewPostgres() {
    auto database = server_->CreateDatabase();
    EXPECT_TRUE(database.ok()) << database.status().ToString();
    return server_->Uri(database.ok() ? *database : std::string("missing"));
  }

  std::string DumpOf(const std::string& url) {
    auto opened = OpenMetaStore(url, nullptr);
    if (!opened.ok()) return "error: " + opened.status().ToString();
    if (opened->audit == nullptr) return "error: no AuditStore";
    return Dump(*opened->store, *opened->identity, *opened->audit);
  }

  TempDir dir_;
  postgres::testing::PostgresServer* server_ = nullptr;
  std::string source_;
  std::string source_dump_;
};

TEST_F(CopyMetaTest, SqliteToPostgresAndBackKeepsEveryRow) {
  const std::string pg = NewPostgres();
  std::vector<std::string> progressed;
  STRATA_ASSERT_OK_AND_ASSIGN(CopyReport report, CopyMeta(source_, pg, [&](const TableRows& t) {
                                progressed.push_back(t.table);
                              }));
  EXPECT_EQ(report.from, source_.substr(0));
  EXPECT_EQ(report.to.find("postgres://postgres@127.0.0.1:"), 0u) << report.to;
  ASSERT_EQ(progressed.size(), CopiedTables().size());

  // Row for row, every table; the counts the report gives are the source's.
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStatus from, ReadMetaStatus(source_));
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStatus to, ReadMetaStatus(pg));
  EXPECT_EQ(Rows(from), Rows(to));
  for (const TableRows& t : report.tables) EXPECT_EQ(Rows(from)[t.table], t.rows) << t.table;
  EXPECT_EQ(Rows(from)["refresh_tokens"], 1u);
  EXPECT_EQ(Rows(from)["audit_log"], 2u);
  EXPECT_EQ(Rows(from)["chunks"], 3u);
  EXPECT_EQ(to.schema_version, LatestSchemaVersion());

  // What the interfaces read back is the same, reference counts included
  // (GetStorageStats, ListUnreferencedChunks with its clock).
  EXPECT_EQ(DumpOf(pg), source_dump_);
  // Refresh tokens came along: the session still refreshes.
  {
    STRATA_ASSERT_OK_AND_ASSIGN(OpenedMetaStore opened, OpenMetaStore(pg, nullptr));
    STRATA_EXPECT_OK(opened.identity->SpendRefreshToken(std::string(64, 'f'), kNow + 1));
    // And the counts still move: dropping "big" releases c1 (twice) and c2.
    STRATA_ASSERT_OK(opened.store->DeleteObject("beta", "big", kNow + 2000));
    STRATA_ASSERT_OK_AND_ASSIGN(auto zero,
                                opened.store->ListUnreferencedChunks(contract::kForever, 10));
    EXPECT_EQ(zero.size(), 2u);  // c1 and c3; c2 is still in the upload's part
    // The audit trail goes on where it left off.
    ASSERT_NE(opened.audit, nullptr);
    const AuditRecord next{.id = "a-3", .time_ms = kNow + 2, .action = "s3:DeleteObject"};
    STRATA_ASSERT_OK(opened.audit->AppendAudit({&next, 1}));
    STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AuditRecord> trail, opened.audit->QueryAudit({}));
    ASSERT_EQ(trail.size(), 3u);
    EXPECT_EQ(trail[0].id, "a-3");
    EXPECT_EQ(trail[2].resource, "small/é");
  }

  // PostgreSQL to SQLite reads binary results the other way round.
  const std::string back = dir_.Url("back.db");
  const std::string pg2 = NewPostgres();
  STRATA_ASSERT_OK(CopyMeta(source_, pg2));
  STRATA_ASSERT_OK(CopyMeta(pg2, back));
  EXPECT_EQ(DumpOf(back), source_dump_);
}

TEST_F(CopyMetaTest, RefusesANonEmptyTargetAndChangesNothing) {
  const std::string pg = NewPostgres();
  STRATA_ASSERT_OK(CopyMeta(source_, pg));
  const uint64_t rows = TotalRows(pg);
  auto again = CopyMeta(source_, pg);
  STRATA_EXPECT_CODE(again, Code::kInvalidArgument);
  EXPECT_NE(again.status().message().find("not empty"), std::string::npos)
      << again.status().ToString();
  EXPECT_EQ(TotalRows(pg), rows);
  // Nor into the source itself.
  STRATA_EXPECT_CODE(CopyMeta(source_, source_), Code::kInvalidArgument);
}

TEST_F(CopyMetaTest, AFailureHalfwayLeavesTheTargetEmpty) {
  // A key PostgreSQL cannot store (not UTF-8) in the objects table, which is
  // copied after buckets: the buckets already inserted must go too.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() / "source.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "UPDATE objects SET key = CAST(X'ff61' AS TEXT) WHERE key = 'empty'",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string pg = NewPostgres();
  auto copied = CopyMeta(source_, pg);
  STRATA_EXPECT_CODE(copied, Code::kInvalidArgument);
  EXPECT_NE(copied.status().message().find("objects"), std::string::npos)
      << copied.status().ToString();
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStatus to, ReadMetaStatus(pg));
  EXPECT_EQ(to.schema_version, LatestSchemaVersion());  // migrated, but no rows
  for (const TableRows& t : to.tables) EXPECT_EQ(t.rows, 0u) << t.table;
}

TEST_F(CopyMetaTest, OldSourceMustBeMigratedFirst) {
  // A database made by a build that knew only migration 1.
  const std::string old_path = (dir_.path() / "old.db").string();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(old_path.c_str(), &db), SQLITE_OK);
    const Migration& first = Migrations()[0];
    const std::string sql = std::string(kCreateSchemaMigrationsSql) + ";" + std::string(first.sql) +
                            ";INSERT INTO schema_migrations VALUES (1, '" +
                            std::string(first.name) + "', 1)";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string old_url = "sqlite:" + old_path;
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStatus before, ReadMetaStatus(old_url));
  EXPECT_EQ(before.schema_version, 1);
  EXPECT_EQ(before.applied.size(), 1u);
  EXPECT_EQ(before.pending.size(), Migrations().size() - 1);

  const std::string pg = NewPostgres();
  auto copied = CopyMeta(old_url, pg);
  STRATA_EXPECT_CODE(copied, Code::kInvalidArgument);
  EXPECT_NE(copied.status().message().find("migrate"), std::string::npos);

  STRATA_ASSERT_OK_AND_ASSIGN(MetaStatus after, MigrateMeta(old_url));
  EXPECT_EQ(after.schema_version, LatestSchemaVersion());
  EXPECT_TRUE(after.pending.empty());
  STRATA_EXPECT_OK(CopyMeta(old_url, pg));
}

TEST_F(CopyMetaTest, StatusOfAnEmptyDatabaseAndOfMissingFiles) {
  const std::string pg = NewPostgres();
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStatus empty, ReadMetaStatus(pg));
  EXPECT_EQ(empty.schema_version, 0);
  EXPECT_TRUE(empty.applied.empty());
  EXPECT_EQ(empty.pending.size(), Migrations().size());
  EXPECT_TRUE(empty.tables.empty());
  EXPECT_EQ(empty.description.find("password"), std::string::npos);

  // status never creates a file; migrate does.
  const std::string missing = dir_.Url("missing.db");
  STRATA_EXPECT_CODE(ReadMetaStatus(missing), Code::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_.path() / "missing.db"));
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStatus made, MigrateMeta(missing));
  EXPECT_EQ(made.schema_version, LatestSchemaVersion());
  EXPECT_EQ(made.tables.size(), CopiedTables().size());

  for (const char* bad : {"", "mysql://root:hunter2@db/x", "sqlite:"}) {
    auto status = ReadMetaStatus(bad);
    STRATA_EXPECT_CODE(status, Code::kInvalidArgument);
    EXPECT_EQ(status.status().message().find("hunter2"), std::string::npos);
  }
}

}  // namespace
}  // namespace strata::meta
