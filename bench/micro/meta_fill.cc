// meta_fill: writes N empty objects into an existing bucket of a server's
// SQLite metadata store, through the same MetaStore code the server runs
// (OpenMetaStore on the server's sqlite: URL, so migrations and every
// PutObject check apply), for the ListObjectsV2 scenarios of bench/run.sh:
// a million PUTs over HTTP take many minutes here, each committed with an
// fsync.
//
//   meta_fill --db DIR/meta/strata.db --bucket B --prefix P --count N
//
// Keys are P + "obj-%08d" from 0, as `strata bench` names them. Stop the
// server first: it holds the database's only write connection, and a cache
// in front of its store (--cache) would not see these rows.
// Each PutObject is its own transaction as in the server, but the fsyncs are
// skipped (nosync_vfs.h): a clean exit leaves the rows readable by the next
// server start; a machine crash during a fill may lose them.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "meta/open_meta_store.h"
#include "nosync_vfs.h"

namespace strata {
namespace {

// MD5 of zero bytes: the ETag of an empty object.
constexpr char kEmptyEtag[] = "d41d8cd98f00b204e9800998ecf8427e";

struct Flags {
  std::string db, bucket, prefix;
  long long count = -1;
};

int Usage() {
  std::fprintf(stderr, "usage: meta_fill --db PATH --bucket NAME --prefix PREFIX --count N\n");
  return 2;
}

bool ParseFlags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--db") {
      flags.db = value;
    } else if (name == "--bucket") {
      flags.bucket = value;
    } else if (name == "--prefix") {
      flags.prefix = value;
    } else if (name == "--count") {
      char* end = nullptr;
      flags.count = std::strtoll(value, &end, 10);
      if (end == value || *end != '\0') return false;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && !flags.db.empty() && !flags.bucket.empty() && flags.count >= 0;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int Run(const Flags& flags) {
  if (!bench::InstallNoSyncVfs()) {
    std::fprintf(stderr, "meta_fill: cannot register the SQLite VFS\n");
    return 1;
  }
  auto opened = meta::OpenMetaStore("sqlite:" + flags.db, nullptr);
  if (!opened.ok()) {
    std::fprintf(stderr, "meta_fill: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  meta::MetaStore& store = *opened->store;
  if (auto bucket = store.GetBucket(flags.bucket); !bucket.ok()) {
    std::fprintf(stderr, "meta_fill: bucket %s: %s\n", flags.bucket.c_str(),
                 bucket.status().ToString().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  meta::ObjectRecord record;
  record.bucket = flags.bucket;
  record.etag = kEmptyEtag;
  record.content_type = "application/octet-stream";
  char name[32];
  for (long long i = 0; i < flags.count; ++i) {
    std::snprintf(name, sizeof(name), "obj-%08lld", i);
    record.key = flags.prefix + name;
    record.last_modified_ms = NowMs();
    auto put = store.PutObject(record, {}, {}, record.last_modified_ms);
    if (!put.ok()) {
      std::fprintf(stderr, "meta_fill: PutObject %s: %s\n", record.key.c_str(),
                   put.status().ToString().c_str());
      return 1;
    }
    if ((i + 1) % 100000 == 0) std::fprintf(stderr, "meta_fill: %lld objects\n", i + 1);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("meta_fill: %lld objects into %s in %.1f s (%.0f/s)\n", flags.count,
              flags.bucket.c_str(), seconds,
              seconds > 0 ? static_cast<double>(flags.count) / seconds : 0.0);
  return 0;
}

}  // namespace
}  // namespace strata

int main(int argc, char** argv) {
  strata::Flags flags;
  if (!strata::ParseFlags(argc, argv, flags)) return strata::Usage();
  return strata::Run(flags);
}
