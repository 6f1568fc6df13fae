#include "app/server_config.h"

#include <CLI/CLI.hpp>
#include <charconv>

namespace strata::app {

void AddServerFlags(CLI::App& sub, ServerConfig& config) {
  sub.add_option("dir", config.dir, "Data folder: metadata in DIR/meta, drives DIR/drive1..6")
      ->envname("STRATA_DIR");
  sub.add_option("--address", config.address, "HOST:PORT to listen on")->envname("STRATA_ADDRESS");
  sub.add_option("--drives", config.drives,
                 "Drive folders, comma-separated (default DIR/drive1..6)")
      ->delimiter(',')
      // One value per flag (comma-separated): otherwise a following DIR
      // would be swallowed as one more drive.
      ->allow_extra_args(false)
      ->envname("STRATA_DRIVES");
  sub.add_option("--domain", config.domains,
                 "Base domain(s) for virtual-host-style requests (bucket.DOMAIN)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->envname("STRATA_DOMAIN");
  sub.add_option("--region", config.region, "Region reported to clients")->envname("STRATA_REGION");
  sub.add_option("--tls-cert", config.tls_cert, "PEM certificate: serve HTTPS on the same port")
      ->envname("STRATA_TLS_CERT");
  sub.add_option("--tls-key", config.tls_key, "PEM private key for --tls-cert")
      ->envname("STRATA_TLS_KEY");
  sub.add_option("--log-level", config.log_level, "trace, debug, info, warn, error")
      ->envname("STRATA_LOG_LEVEL");
  sub.add_option("--log-format", config.log_format,
                 "json (one JSON object per line) or text ([time] [level] message)")
      ->envname("STRATA_LOG_FORMAT")
      ->check(CLI::IsMember({"json", "text"}));
  sub.add_option("--shutdown-timeout", config.shutdown_timeout_s,
                 "Seconds in-flight requests get to finish on SIGTERM")
      ->envname("STRATA_SHUTDOWN_TIMEOUT");
  sub.add_option("--workers", config.workers, "Threads serving requests")
      ->envname("STRATA_WORKERS")
      ->check(CLI::Range(1, 4096));
  sub.add_option("--erasure", config.erasure,
                 "Erasure coding K+M (data+parity shards per chunk), or none")
      ->envname("STRATA_ERASURE");
  sub.add_option("--chunker", config.chunker,
                 "How bodies are cut into dedup chunks: fixed (4 MiB) or fastcdc")
      ->envname("STRATA_CHUNKER")
      ->check(CLI::IsMember({"fixed", "fastcdc"}));
  sub.add_option("--inline-threshold", config.inline_threshold,
                 "Objects up to this many bytes are stored in the metadata row")
      ->envname("STRATA_INLINE_THRESHOLD")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 20));
  sub.add_option("--gc-grace", config.gc_grace_s,
                 "Seconds an unreferenced chunk or an orphan shard waits before GC deletes it")
      ->envname("STRATA_GC_GRACE")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--gc-interval", config.gc_interval_s, "Seconds between GC passes (0: never)")
      ->envname("STRATA_GC_INTERVAL")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--heal-interval", config.heal_interval_s,
                 "Seconds between full heal passes over every chunk (0: never)")
      ->envname("STRATA_HEAL_INTERVAL")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--write-quorum", config.write_quorum,
                 "Shards that must be durable for a chunk write (0: K, or K+1 when K = M; at most "
                 "K+M)")
      ->envname("STRATA_WRITE_QUORUM")
      ->check(CLI::Range(0, 255));
  sub.add_option("--heal-rate", config.heal_rate,
                 "Chunks per second the healer may check and repair, so foreground latency holds "
                 "(0: unlimited)")
      ->envname("STRATA_HEAL_RATE")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--multipart-expiry", config.multipart_expiry_s,
                 "Seconds after which an unfinished multipart upload is aborted (0: never)")
      ->envname("STRATA_MULTIPART_EXPIRY")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--max-inflight", config.max_inflight,
                 "Requests in flight before answering 503 SlowDown")
      ->envname("STRATA_MAX_INFLIGHT")
      ->check(CLI::Range(1, 1 << 20));
  sub.add_option("--upload-memory", config.upload_memory_mib,
                 "MiB that uploads may buffer at once; beyond it large uploads wait their turn "
                 "(0: no cap)")
      ->envname("STRATA_UPLOAD_MEMORY_MIB")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  sub.add_option("--metrics-token", config.metrics_token,
                 "Require 'Authorization: Bearer TOKEN' on /_strata/metrics (default: open)")
      ->envname("STRATA_METRICS_TOKEN");
  sub.add_option("--meta", config.meta,
                 "Metadata store: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?...] "
                 "(default sqlite:DIR/meta/strata.db)")
      ->envname("STRATA_META");
  sub.add_option("--cache", config.cache,
                 "Redis cache in front of the metadata store: redis://[:PASSWORD@]HOST:PORT[/DB] "
                 "(default: none)")
      ->envname("STRATA_CACHE");
  sub.add_option("--audit-file", config.audit_file,
                 "Also append the audit trail to this JSON-lines file (created 0600; default: "
                 "the metadata store only)")
      ->envname("STRATA_AUDIT_FILE");
  sub.add_option("--audit-retention", config.audit_retention_days,
                 "Days audit records are kept in the metadata store (0: forever)")
      ->envname("STRATA_AUDIT_RETENTION_DAYS")
      ->check(CLI::Range(0, 100 * 366));
}

common::Result<HostPort> ParseAddress(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return common::Error(common::Code::kInvalidArgument,
                         "address must be HOST:PORT, got '" + std::string(address) + "'");
  }
  HostPort out;
  std::string_view host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  out.host = host.empty() ? "0.0.0.0" : std::string(host);
  std::string_view port = address.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size()) {
    return common::Error(common::Code::kInvalidArgument,
                         "invalid port in address '" + std::string(address) + "'");
  }
  return out;
}

common::Result<ErasureLayout> ParseErasure(std::string_view text) {
  if (text == "none") return ErasureLayout{1, 0};
  auto bad = [&] {
    return common::Error(
        common::Code::kInvalidArgument,
        "--erasure must be K+M (e.g. 4+2) or none, got '" + std::string(text) + "'");
  };
  size_t plus = text.find('+');
  if (plus == std::string_view::npos) return bad();
  ErasureLayout layout;
  std::string_view k = text.substr(0, plus);
  std::string_view m = text.substr(plus + 1);
  auto [k_end, k_ec] = std::from_chars(k.data(), k.data() + k.size(), layout.data_shards);
  auto [m_end, m_ec] = std::from_chars(m.data(), m.data() + m.size(), layout.parity_shards);
  if (k.empty() || m.empty() || k_ec != std::errc() || m_ec != std::errc() ||
      k_end != k.data() + k.size() || m_end != m.data() + m.size()) {
    return bad();
  }
  if (layout.data_shards < 1 || layout.parity_shards < 0 ||
      layout.data_shards + layout.parity_shards > 255) {
    return bad();
  }
  return layout;
}

std::vector<std::filesystem::path> DrivePaths(const ServerConfig& config) {
  std::vector<std::filesystem::path> drives;
  for (const auto& d : config.drives) drives.emplace_back(d);
  if (drives.empty()) {
    for (int i = 1; i <= 6; ++i) drives.push_back(config.dir / ("drive" + std::to_string(i)));
  }
  return drives;
}

std::string MetaUrl(const ServerConfig& config) {
  if (!config.meta.empty()) return config.meta;
  return "sqlite:" + (config.dir / "meta" / "strata.db").string();
}

std::string WithoutPassword(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const size_t start = scheme_end + 3;
  // The authority ends at the first '/', '?' or '#'; user info is what comes
  // before its last '@' (a password may itself contain '@' when unescaped).
  const size_t authority_end = url.find_first_of("/?#", start);
  const std::string_view authority =
      url.substr(start, authority_end == std::string_view::npos ? std::string_view::npos
                                                                : authority_end - start);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string_view user = authority.substr(0, at);
  user = user.substr(0, user.find(':'));
  std::string out(url.substr(0, start));
  if (!user.empty()) out.append(user).append("@");
  out.append(url.substr(start + at + 1));
  return out;
}

}  // namespace strata::app
