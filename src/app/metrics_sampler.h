// The scrape-time figures for obs::Metrics (Metrics::SetSampler): HTTP
// connections and in-flight requests, metadata totals, drive health and
// capacity, heal and GC progress, and the metadata cache's counters. Lives in app/ because it names
// the HTTP server and the storage engine, which obs must not depend on.
#pragma once

#include "common/memory_budget.h"
#include "http/server.h"
#include "meta/cache/cached_meta_store.h"
#include "meta/meta_store.h"
#include "meta/postgres/postgres_meta_store.h"
#include "obs/metrics.h"
#include "storage/chunk_store/erasure_chunk_store.h"
#include "storage/gc/garbage_collector.h"
#include "storage/heal/healer.h"

namespace strata::app {

// Everything must outlive the sampler's use (the Metrics it is set on).
struct MetricsSources {
  const http::Server& server;
  meta::MetaStore& meta;
  const storage::ErasureChunkStore& chunks;
  const storage::Healer& healer;
  const storage::GarbageCollector& gc;
  // The Redis cache in front of the metadata store; null when none is
  // configured (the cache metrics are then not exported).
  const meta::cache::CachedMetaStore* cache = nullptr;
  // The PostgreSQL store under everything; null on SQLite (its transaction
  // retry counts are then not exported).
  const meta::postgres::PostgresMetaStore* postgres = nullptr;
  // The uploads' memory budget; null leaves its metrics at zero.
  const common::MemoryBudget* upload_memory = nullptr;
};

// Reads every source once. Blocks on one metadata query (GetStorageStats) and
// one statvfs per drive; a failed query leaves that part out of the sample
// (see obs::ScrapeSample). Thread-safe.
obs::ScrapeSample SampleMetrics(const MetricsSources& sources);

}  // namespace strata::app
