// `strata server` configuration: flags first, then STRATA_* environment
// variables (CLI11 resolves both), then defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace CLI {
class App;
}

namespace strata::app {

struct ServerConfig {
  std::string address = ":9000";  // HOST:PORT; empty host means every interface
  std::filesystem::path dir = "./data";
  std::vector<std::string> drives;  // default: DIR/drive1..DIR/drive6
  std::vector<std::string> domains;
  std::string region = "us-east-1";
  std::string tls_cert;
  std::string tls_key;
  std::string log_level = "info";
  std::string log_format = "json";  // json or text (obs/log_format.h)
  int shutdown_timeout_s = 30;
  int workers = 32;
  int max_inflight = 256;
  // MiB that upload bodies may buffer at once (chunk + parity each); 0: no cap.
  int64_t upload_memory_mib = 128;
  std::string erasure = "4+2";                 // "K+M", or "none" for one copy of each chunk (1+0)
  std::string chunker = "fixed";               // "fixed" (4 MiB) or "fastcdc"
  int64_t inline_threshold = 32 * 1024;        // bodies up to this many bytes live in the row
  int64_t gc_grace_s = 3600;                   // unreferenced chunks and orphans wait this long
  int64_t gc_interval_s = 300;                 // between GC passes; 0: only when asked
  int64_t heal_interval_s = 24 * 3600;         // between full heal passes; 0: only when asked
  int64_t multipart_expiry_s = 7 * 24 * 3600;  // unfinished uploads older are aborted; 0: never
  int write_quorum = 0;       // shards durable per chunk write; 0: K (K+1 when K == M)
  double heal_rate = 50;      // chunks healed per second at most; 0: unlimited
  std::string metrics_token;  // "" : /_strata/metrics is open; else Bearer token required
  // Metadata store URL (meta/open_meta_store.h): sqlite:PATH or
  // postgres://...; "" means sqlite:DIR/meta/strata.db (MetaUrl).
  std::string meta;
  // Redis cache in front of the metadata store (meta/cache/cached_meta_store.h):
  // redis://[:password@]host:port[/db]; "" for none.
  std::string cache;
  // The audit trail (obs/audit_trail.h): always in the metadata store; also
  // appended to this JSON-lines file when set. Rows older than
  // audit_retention_days are deleted; 0 keeps them forever.
  std::string audit_file;
  int audit_retention_days = 90;
};

// Registers the flags of `strata server` on sub, writing into config.
void AddServerFlags(CLI::App& sub, ServerConfig& config);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// "127.0.0.1:9000", ":9000", "[::1]:9000", "localhost:0".
common::Result<HostPort> ParseAddress(std::string_view address);

struct ErasureLayout {
  int data_shards = 1;  // "none" is 1+0: one copy of each chunk
  int parity_shards = 0;
};
// "4+2", "8+4", "2+1", or "none". K >= 1, M >= 0, K + M <= 255.
common::Result<ErasureLayout> ParseErasure(std::string_view text);

// The drive folders to use: --drives, or six under dir.
std::vector<std::filesystem::path> DrivePaths(const ServerConfig& config);

// The metadata store to open: --meta, or "sqlite:DIR/meta/strata.db".
std::string MetaUrl(const ServerConfig& config);

// `url` without the password of its user-info part, for logs:
// "redis://:secret@host:6379/2" -> "redis://host:6379/2",
// "redis://user:secret@host" -> "redis://user@host". Anything without
// "scheme://" comes back unchanged.
std::string WithoutPassword(std::string_view url);

}  // namespace strata::app
