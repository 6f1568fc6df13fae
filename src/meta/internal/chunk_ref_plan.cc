#include "meta/internal/chunk_ref_plan.h"

#include <set>
#include <utility>

namespace strata::meta::internal {
namespace {

using common::Code;
using common::Error;

// (hash, location): one stored copy of a chunk.
using CopyKey = std::pair<std::string, std::string>;

CopyKey KeyOf(const ChunkInfo& chunk) { return {chunk.hash, chunk.location}; }

// Manifest entries per copy they name.
std::map<CopyKey, int64_t> CountEntries(const Manifest& manifest) {
  std::map<CopyKey, int64_t> counts;
  for (const ManifestEntry& entry : manifest) ++counts[KeyOf(entry.chunk)];
  return counts;
}

}  // namespace

std::vector<std::string> ChunkHashesToRead(const Manifest& manifest,
                                           const std::vector<ChunkInfo>& written_chunks) {
  std::set<std::string> hashes;
  for (const ChunkInfo& chunk : written_chunks) hashes.insert(chunk.hash);
  for (const ManifestEntry& entry : manifest) hashes.insert(entry.chunk.hash);
  return {hashes.begin(), hashes.end()};
}

common::Result<ChunkRefPlan> PlanAddReferences(Manifest& manifest,
                                               const std::vector<ChunkInfo>& written_chunks,
                                               const StoredChunks& stored) {
  const std::map<CopyKey, int64_t> counts = CountEntries(manifest);
  auto entries_naming = [&](const CopyKey& key) {
    auto it = counts.find(key);
    return it == counts.end() ? int64_t{0} : it->second;
  };
  ChunkRefPlan plan;
  // The rows as the plan leaves them: `stored` plus those it inserts.
  StoredChunks rows = stored;
  std::map<std::string, size_t, std::less<>> inserted;  // hash -> index in plan.inserts
  std::map<std::string, int64_t, std::less<>> increments;
  auto add = [&](const std::string& hash, int64_t count) {
    if (auto it = inserted.find(hash); it != inserted.end()) {
      plan.inserts[it->second].refcount += count;
    } else {
      increments[hash] += count;
    }
  };
  // Per copy the manifest names: the chunk its entries must equal, and the
  // stored chunk they end up naming.
  struct Resolution {
    ChunkInfo expected;
    ChunkInfo stored;
  };
  std::map<CopyKey, Resolution> resolved;

  for (const ChunkInfo& written : written_chunks) {
    CopyKey key = KeyOf(written);
    if (resolved.contains(key)) continue;  // listed twice
    const int64_t count = entries_naming(key);
    ChunkInfo row = written;
    if (auto it = rows.find(written.hash); it == rows.end()) {
      // Also for count 0 (written, then not used): the row lets GC find it.
      inserted.emplace(written.hash, plan.inserts.size());
      plan.inserts.push_back({.chunk = written, .refcount = count});
      rows.emplace(written.hash, written);
    } else {
      // Another write's copy (or this one's, committed by an earlier try)
      // holds the hash. Its row may be at count 0 awaiting GC: the reference
      // added here, committed before GC's conditional delete, keeps it.
      add(written.hash, count);
      if (it->second.location != written.location) plan.added.unused_chunks.push_back(written);
      row = it->second;
    }
    resolved.emplace(std::move(key), Resolution{.expected = written, .stored = std::move(row)});
  }

  for (const auto& [key, count] : counts) {
    if (resolved.contains(key)) continue;
    // Deduplicated: FindChunk saw this copy; GC may have removed it since,
    // after which another write may have stored the hash elsewhere.
    auto it = rows.find(key.first);
    if (it == rows.end() || it->second.location != key.second) {
      return Error(Code::kUnavailable, "chunk " + key.first + " at " + key.second +
                                           " was garbage-collected during the upload; retry");
    }
    add(key.first, count);
    resolved.emplace(key, Resolution{.expected = it->second, .stored = it->second});
  }

  // Checked in full before any entry is rewritten, so a refusal leaves the
  // manifest as it was.
  for (size_t i = 0; i < manifest.size(); ++i) {
    const ChunkInfo& chunk = manifest[i].chunk;
    if (chunk != resolved.at(KeyOf(chunk)).expected) {
      return Error(Code::kInvalidArgument, "manifest entry " + std::to_string(i) +
                                               " disagrees with chunk " + chunk.hash +
                                               " as stored (shard counts or size)");
    }
  }
  for (ManifestEntry& entry : manifest) {
    const ChunkInfo& row = resolved.at(KeyOf(entry.chunk)).stored;
    if (entry.chunk != row) {
      entry.chunk = row;
      plan.added.rewritten = true;
    }
  }
  for (auto& [hash, count] : increments) {
    if (count > 0) plan.increments.push_back({.hash = hash, .count = count});
  }
  return plan;
}

std::vector<ChunkDrop> PlanDropReferences(const Manifest& manifest) {
  std::vector<ChunkDrop> drops;
  for (auto& [key, count] : CountEntries(manifest)) {
    drops.push_back({.hash = key.first, .location = key.second, .count = count});
  }
  return drops;
}

}  // namespace strata::meta::internal
