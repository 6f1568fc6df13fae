#include "app/server_command.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "app/drive_binding.h"
#include "app/metrics_sampler.h"
#include "app/readiness.h"
#include "app/root_credentials.h"
#include "app/root_handler.h"
#include "auth/session/master_key.h"
#include "auth/sigv4/verifier.h"
#include "common/clock.h"
#include "common/memory_budget.h"
#include "common/random.h"
#include "http/server.h"
#include "identity/identity_service.h"
#include "meta/cache/cached_meta_store.h"
#include "meta/open_meta_store.h"
#include "meta/sqlite/sqlite_meta_store.h"
#include "obs/audit_trail.h"
#include "obs/log_format.h"
#include "obs/metrics.h"
#include "obs/timed_meta_store.h"
#include "s3/s3_handler.h"
#include "service/bucket_service.h"
#include "service/multipart_service.h"
#include "service/object_service.h"
#include "storage/background/background_worker.h"
#include "storage/chunk_store/erasure_chunk_store.h"
#include "storage/chunker/chunker.h"
#include "storage/dedup/object_writer.h"
#include "storage/gc/garbage_collector.h"
#include "storage/heal/healer.h"

namespace strata::app {
namespace {

int Fail(const std::string& what, const common::Status& status) {
  spdlog::error("{}: {}", what, status.ToString());
  return 1;
}

// Chunks are erasure-coded over the drives (4+2 by default; "none" is 1+0, a
// single copy of each chunk).
common::Result<std::unique_ptr<storage::ErasureChunkStore>> OpenChunkStore(
    const ServerConfig& config, common::Random& random, const common::Clock& clock) {
  STRATA_ASSIGN_OR_RETURN(ErasureLayout layout, ParseErasure(config.erasure));
  storage::ErasureChunkStoreOptions options;
  options.data_shards = layout.data_shards;
  options.parity_shards = layout.parity_shards;
  options.write_quorum = config.write_quorum;
  return storage::ErasureChunkStore::Open(DrivePaths(config), random, clock, options);
}

void PrintGeneratedCredential(const auth::Credential& c, const std::filesystem::path& file) {
  // Printed to stdout once, on the start that generated it, and never logged.
  std::printf(
      "\nGenerated root credentials (shown once; stored in %s):\n"
      "  Access key: %s\n  Secret key: %s\n"
      "Set STRATA_ROOT_USER and STRATA_ROOT_PASSWORD to choose your own.\n\n",
      file.c_str(), c.access_key.c_str(), c.secret_key.c_str());
  std::fflush(stdout);
}

}  // namespace

int RunServer(const ServerConfig& config) {
  {
    auto format = obs::ParseLogFormat(config.log_format);
    if (!format.ok()) return Fail("bad --log-format", format.status());
    common::Status logging = obs::ConfigureLogging(*format, config.log_level);
    if (!logging.ok()) return Fail("bad --log-level", logging);
  }
  // Every thread the server starts inherits this mask, so the signals reach
  // only the sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto address = ParseAddress(config.address);
  if (!address.ok()) return Fail("bad --address", address.status());

  common::SecureRandom random;
  common::SystemClock clock;
  // Declared first: everything below may record into it until it is gone.
  obs::Metrics metrics;
  std::filesystem::path meta_dir = config.dir / "meta";
  std::error_code ec;
  std::filesystem::create_directories(meta_dir, ec);
  if (ec)
    return Fail("cannot create " + meta_dir.string(),
                common::Error(common::Code::kUnavailable, ec.message()));

  // The metadata store the URL names (SQLite by default), optionally behind
  // the Redis cache; every component sees it through the timing decorator.
  const std::string meta_url = MetaUrl(config);
  auto opened = meta::OpenMetaStore(meta_url, &clock);
  if (!opened.ok()) return Fail("cannot open metadata", opened.status());
  if (opened->identity == nullptr) {
    return Fail(
        "cannot open metadata",
        common::Error(common::Code::kInternal, "the metadata backend has no identity store"));
  }
  if (opened->audit == nullptr) {
    return Fail("cannot open metadata",
                common::Error(common::Code::kInternal, "the metadata backend has no audit store"));
  }
  spdlog::info("metadata: {}", opened->description);
  {
    // Before anything can touch the drives: GC's orphan scan on drives
    // written with another metadata store would delete every shard.
    auto* deployment = dynamic_cast<meta::DeploymentStore*>(opened->store.get());
    if (deployment == nullptr) {
      return Fail(
          "cannot open metadata",
          common::Error(common::Code::kInternal, "the metadata backend has no deployment store"));
    }
    auto bound =
        BindDrivesToDeployment(DrivePaths(config), *opened->store, *deployment, random, clock);
    if (!bound.ok()) return Fail("the drives do not belong to this metadata store", bound.status());
  }
  meta::MetaStore* store = opened->store.get();
  meta::IdentityStore* identity_store = opened->identity;
  std::unique_ptr<meta::cache::CachedMetaStore> cache;
  if (!config.cache.empty()) {
    auto cached = meta::cache::OpenCachedMetaStore(*store, *identity_store, config.cache);
    if (!cached.ok()) return Fail("cannot use --cache", cached.status());
    cache = std::move(cached).value();
    store = cache.get();
    identity_store = cache.get();
    spdlog::info("metadata cache: {}", WithoutPassword(config.cache));
  }
  obs::TimedMetaStore timed_meta(*store, *identity_store, metrics);
  // The audit trail writes straight to the database (never through the
  // cache). Declared after the store, so it is gone before the store closes.
  obs::AuditOptions audit_options;
  audit_options.file_path = config.audit_file;
  audit_options.retention = std::chrono::hours(24 * config.audit_retention_days);
  auto audit = obs::AuditTrail::Open(*opened->audit, clock, &metrics, audit_options);
  if (!audit.ok()) return Fail("cannot open --audit-file", audit.status());
  if (!config.audit_file.empty()) spdlog::info("audit trail: also in {}", config.audit_file);
  auto chunks = OpenChunkStore(config, random, clock);
  if (!chunks.ok()) return Fail("cannot open drives", chunks.status());
  auto chunker = storage::MakeChunker(config.chunker);
  if (!chunker.ok()) return Fail("bad --chunker", chunker.status());

  // Background storage work: GC of unreferenced chunks and orphans, healing
  // of shards that reads found missing or corrupt, and periodic full passes.
  storage::GcOptions gc_options;
  gc_options.grace = std::chrono::seconds(config.gc_grace_s);
  gc_options.upload_max_age = std::chrono::seconds(config.multipart_expiry_s);
  storage::GarbageCollector gc(timed_meta, **chunks, clock, gc_options);
  storage::HealerOptions healer_options;
  healer_options.max_chunks_per_second = config.heal_rate;
  storage::Healer healer(timed_meta, **chunks, clock, healer_options);
  storage::BackgroundOptions worker_options;
  worker_options.gc_interval = std::chrono::seconds(config.gc_interval_s);
  worker_options.heal_interval = std::chrono::seconds(config.heal_interval_s);
  storage::BackgroundWorker worker(gc, healer, worker_options);
  (*chunks)->SetDegradedReadCallback(
      [&worker](const meta::ChunkInfo& chunk) { worker.EnqueueHeal(chunk); });

  RootCredentialSource source;
  if (const char* v = std::getenv("STRATA_ROOT_USER")) source.env_user = v;
  if (const char* v = std::getenv("STRATA_ROOT_PASSWORD")) source.env_password = v;
  std::filesystem::path credential_file = meta_dir / "root-credentials.json";
  auto root = LoadRootCredential(source, credential_file, random);
  if (!root.ok()) return Fail("root credentials", root.status());
  if (root->generated) PrintGeneratedCredential(root->credential, credential_file);

  // The master key seals access-key secrets and signs session tokens; it is
  // kept beside the metadata, which is useless without it.
  const char* master_env = std::getenv("STRATA_MASTER_KEY");
  auto master_key =
      auth::LoadMasterKey(master_env != nullptr ? master_env : "", meta_dir / "master.key", random);
  if (!master_key.ok()) return Fail("master key", master_key.status());
  if (master_key->generated) {
    spdlog::warn("generated a new master key in {}: back it up with the metadata",
                 (meta_dir / "master.key").string());
  }
  identity::IdentityService identity(timed_meta, master_key->key, root->credential, clock, random);
  auth::SigV4Verifier verifier(identity.credentials(), clock);
  service::BucketService buckets(timed_meta, clock);
  // One budget for both writers: it bounds the process, not a kind of request.
  common::MemoryBudget upload_memory(static_cast<uint64_t>(config.upload_memory_mib) << 20);
  storage::ObjectWriter writer(timed_meta, **chunks, **chunker, clock,
                               static_cast<size_t>(config.inline_threshold), &upload_memory);
  service::ObjectService objects(timed_meta, writer, **chunks, clock, random);
  // Parts are never inline: completion concatenates chunk manifests.
  storage::ObjectWriter part_writer(timed_meta, **chunks, **chunker, clock, 0, &upload_memory);
  service::MultipartService multipart(timed_meta, part_writer, **chunks, clock, random);
  s3::S3Options s3_options;
  s3_options.route.domains = config.domains;
  s3_options.region = config.region;
  s3_options.metrics = &metrics;
  s3_options.audit = audit->get();
  // Reads of the embedded database are local file reads, cheap enough for
  // the I/O threads; PostgreSQL and Redis answer over the network.
  s3_options.serve_reads_inline =
      cache == nullptr &&
      dynamic_cast<const meta::sqlite::SqliteMetaStore*>(opened->store.get()) != nullptr;
  s3::S3Handler s3_handler(s3_options, verifier, identity, buckets, objects, multipart);
  admin::StorageAdmin storage_admin(verifier, identity, {timed_meta, **chunks, healer, gc, worker},
                                    audit->get());
  admin::IdentityAdmin identity_admin(verifier, identity, audit->get());
  admin::AuditAdmin audit_admin(verifier, identity, *opened->audit, audit->get());
  auto layout = ParseErasure(config.erasure);
  if (!layout.ok()) return Fail("bad --erasure", layout.status());
  RootHandlerOptions root_options;
  root_options.metrics_token = config.metrics_token;
  root_options.drives_needed =
      DrivesNeededForWrites((*chunks)->drives().size(), layout->data_shards + layout->parity_shards,
                            (*chunks)->write_quorum());
  RootHandler root_handler(
      {s3_handler, timed_meta, **chunks, storage_admin, identity_admin, audit_admin, metrics},
      std::move(root_options));

  http::ServerOptions options;
  options.address = address->host;
  options.port = address->port;
  options.tls_cert_file = config.tls_cert;
  options.tls_key_file = config.tls_key;
  options.worker_threads = static_cast<size_t>(config.workers);
  options.max_inflight = static_cast<size_t>(config.max_inflight);
  http::Server server(options, root_handler);
  metrics.SetSampler([&] {
    return SampleMetrics(
        {server, timed_meta, **chunks, healer, gc, cache.get(),
         dynamic_cast<const meta::postgres::PostgresMetaStore*>(opened->store.get()),
         &upload_memory});
  });
  common::Status started = server.Start();
  if (!started.ok()) return Fail("cannot listen on " + config.address, started);
  spdlog::info("Strata listening on {}:{} ({}), data in {}, erasure {}, chunker {}", address->host,
               server.BoundPort(), config.tls_cert.empty() ? "http" : "http+https",
               config.dir.string(), config.erasure, config.chunker);

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("signal {}: draining (up to {} s); a second signal exits at once", received,
               config.shutdown_timeout_s);
  std::thread second_signal([signals] {
    int again = 0;
    sigwait(&signals, &again);
    _exit(130);
  });
  second_signal.detach();
  server.Stop(std::chrono::seconds(config.shutdown_timeout_s));
  // After the last request, before the stores close: the queued audit
  // records reach the database and the file.
  (*audit)->Stop();
  // After the last request: background passes may still touch the stores.
  worker.Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace strata::app
