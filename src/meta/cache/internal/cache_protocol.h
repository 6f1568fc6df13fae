// The cache's Redis layout and its Lua scripts: the one place that knows key
// names and what each script does, so the protocol described in
// cached_meta_store.h ("How it works") can be checked against one file.
// Private to meta/cache.
//
// Keys (P = CacheOptions::key_prefix):
//   P epoch            the global epoch (an integer; absent reads as 0). No TTL.
//   P idgen            the identity generation (an integer; absent = 0). No TTL.
//   P idw              identity write marker: identity writes in progress.
//   P b:<bucket>       a bucket's slot         P bw:<bucket>        its write marker
//   P o:<bucket>/<key> an object head's slot   P ow:<bucket>/<key>  its write marker
//   P ik:<access key>, P iu:<user id>, P ie:<user id> (effective policy
//   names), P ip:<policy name>: identity slots, all under P idw.
// (Bucket names hold no '/', so "<bucket>/<key>" is unambiguous; keys are
// binary-safe.)
//
// A slot holds one of:
//   "d" <epoch> "|" <generation> "|" <payload>   data (value_codec.h), TTL ttl_ms
//   "l" <epoch> "|" <generation> "|" <token>     a lease: the right to fill, TTL kLeaseMs
// where <generation> is "" for bucket and object slots (they are not scoped by
// the identity generation). An entry whose epoch or generation is not the
// current one is dead: reads ignore it and a lease may replace it.
// A write marker is a count of writes in progress, TTL kWriteMarkerMs.
//
// Scripts, each atomic in Redis, and each safe to run twice (the client
// retries a command once when a pooled connection turns out closed):
//   Read(entry, token)   -> {1, payload}  a current data entry: a hit;
//                           {2}           a lease for `token` was set (or is
//                                         already there): read the store, Fill;
//                           {0}           read the store, do not fill (a write
//                                         is in progress, another reader holds
//                                         the lease, or a cached "not found"
//                                         object whose bucket is not cached as
//                                         existing).
//   Fill(entry, token, payload) -> 1 when the slot still holds this reader's
//                           current lease and no write is in progress: the
//                           slot becomes data; else 0 and nothing changes.
//   Release(entry, token) drops this reader's lease (a failed or oversized read).
//   Begin(target)        the write marker +1 (TTL refreshed), then the target's
//                        slot deleted (or the generation incremented).
//   End(target, begun)   the marker -1 when Begin succeeded, then the slot
//                        deleted (or the generation incremented) again.
// Running Read twice finds its own lease; Fill, Release are idempotent; Begin
// twice leaves the marker up until its TTL (the key is just not cached
// meanwhile); End twice may end another writer's marker early, which only
// reopens the in-flight window that marker closes (see the header).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "meta/cache/internal/redis_client.h"

namespace strata::meta::cache::internal {

// How long a lease lets its reader fill. It bounds nothing about
// correctness (a fill needs the lease to still be there, and every
// invalidation deletes it), only how long a reader that never fills (it
// failed, crashed or read something too large) keeps others from filling.
inline constexpr std::chrono::milliseconds kLeaseMs{5000};
// How long a write marker outlives a writer that never ended it (crashed, or
// lost Redis after Begin). Must exceed any write's duration for the in-flight
// guarantee; a longer write is still covered by End or the epoch bump.
inline constexpr std::chrono::milliseconds kWriteMarkerMs{30000};

// What a cached read looks up.
struct Entry {
  std::string slot;
  std::string write_marker;
  bool scoped = false;  // an identity slot: keyed by the identity generation too
  // For object heads: the bucket's slot and marker. A cached "not found" is
  // served only while the bucket is cached as existing, so DeleteBucket
  // (which invalidates the bucket) also retires its objects' "not found"s.
  std::string guard_slot;
  std::string guard_marker;
};

// What a write invalidates: one slot (deleted), or a generation
// (incremented), under one write marker.
struct Target {
  std::string write_marker;
  std::string key;
  bool increment = false;  // key is a generation, not a slot
};

class Keys {
 public:
  explicit Keys(std::string prefix);

  const std::string& epoch() const { return epoch_; }
  const std::string& identity_generation() const { return identity_generation_; }

  Entry Bucket(std::string_view name) const;
  Entry Object(std::string_view bucket, std::string_view key) const;
  Entry AccessKey(std::string_view access_key) const;
  Entry User(std::string_view user_id) const;
  Entry EffectivePolicies(std::string_view user_id) const;
  Entry Policy(std::string_view name) const;

  Target BucketTarget(std::string_view name) const;
  Target ObjectTarget(std::string_view bucket, std::string_view key) const;
  // Every identity entry at once.
  Target IdentityTarget() const;

 private:
  Entry Identity(std::string_view kind, std::string_view id) const;

  const std::string prefix_;
  const std::string epoch_;
  const std::string identity_generation_;
  const std::string identity_marker_;
};

const Script& ReadScript();
const Script& FillScript();
const Script& ReleaseScript();
const Script& BeginScript();
const Script& EndScript();

}  // namespace strata::meta::cache::internal
