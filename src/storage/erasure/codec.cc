#include "storage/erasure/codec.h"

#include <isa-l/erasure_code.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

namespace strata::storage {

namespace {

// ISA-L expands each coefficient into 32 bytes of lookup tables.
constexpr size_t kTableBytesPerCoefficient = 32;

common::Status CheckIsalLength(size_t shard_bytes) {
  if (shard_bytes > static_cast<size_t>(INT_MAX)) {
    return common::Error(common::Code::kInvalidArgument,
                         "erasure shard of " + std::to_string(shard_bytes) +
                             " bytes exceeds the ISA-L length limit");
  }
  return common::Status::Ok();
}

}  // namespace

common::Result<ErasureCodec> ErasureCodec::Create(int data_shards, int parity_shards) {
  if (data_shards < 1 || parity_shards < 0 || data_shards + parity_shards > kMaxTotalShards) {
    return common::Error(
        common::Code::kInvalidArgument,
        "erasure layout " + std::to_string(data_shards) + "+" + std::to_string(parity_shards) +
            " is outside 1 <= K, 0 <= M, K + M <= " + std::to_string(kMaxTotalShards));
  }
  const int k = data_shards;
  const int m = parity_shards;
  std::vector<uint8_t> matrix(static_cast<size_t>(k + m) * k);
  gf_gen_cauchy1_matrix(matrix.data(), k + m, k);
  std::vector<uint8_t> tables(kTableBytesPerCoefficient * k * m);
  if (m > 0) ec_init_tables(k, m, &matrix[static_cast<size_t>(k) * k], tables.data());
  return ErasureCodec(k, m, std::move(matrix), std::move(tables));
}

size_t ErasureCodec::ShardSize(size_t chunk_bytes) const {
  const size_t k = static_cast<size_t>(k_);
  const size_t per_shard = (chunk_bytes + k - 1) / k;
  return (per_shard + kShardAlignment - 1) / kShardAlignment * kShardAlignment;
}

common::Status ErasureCodec::Encode(std::span<const uint8_t> chunk,
                                    std::vector<std::vector<uint8_t>>& shards) const {
  const size_t shard_bytes = ShardSize(chunk.size());
  STRATA_RETURN_IF_ERROR(CheckIsalLength(shard_bytes));
  shards.resize(static_cast<size_t>(total_shards()));
  // Systematic code: data shard i is chunk[i*S, (i+1)*S), zero-padded.
  for (int i = 0; i < k_; ++i) {
    std::vector<uint8_t>& shard = shards[i];
    shard.resize(shard_bytes);
    const size_t begin = std::min(chunk.size(), static_cast<size_t>(i) * shard_bytes);
    const size_t n = std::min(shard_bytes, chunk.size() - begin);
    if (n > 0) std::memcpy(shard.data(), chunk.data() + begin, n);
    std::fill(shard.begin() + static_cast<std::ptrdiff_t>(n), shard.end(), 0);
  }
  for (int i = k_; i < k_ + m_; ++i) shards[i].resize(shard_bytes);
  if (m_ == 0 || shard_bytes == 0) return common::Status::Ok();

  std::vector<uint8_t*> data(static_cast<size_t>(k_));
  std::vector<uint8_t*> parity(static_cast<size_t>(m_));
  for (int i = 0; i < k_; ++i) data[i] = shards[i].data();
  for (int i = 0; i < m_; ++i) parity[i] = shards[k_ + i].data();
  // ISA-L's tables are read-only during encode; the cast only satisfies its C
  // signature, which is why concurrent const calls are safe.
  ec_encode_data(static_cast<int>(shard_bytes), k_, m_, const_cast<uint8_t*>(encode_tables_.data()),
                 data.data(), parity.data());
  return common::Status::Ok();
}

common::Status ErasureCodec::EncodeParity(std::span<const uint8_t* const> data,
                                          std::span<uint8_t* const> parity,
                                          size_t shard_bytes) const {
  STRATA_RETURN_IF_ERROR(CheckIsalLength(shard_bytes));
  if (m_ == 0 || shard_bytes == 0) return common::Status::Ok();
  ec_encode_data(static_cast<int>(shard_bytes), k_, m_, const_cast<uint8_t*>(encode_tables_.data()),
                 const_cast<uint8_t**>(data.data()), const_cast<uint8_t**>(parity.data()));
  return common::Status::Ok();
}

common::Status ErasureCodec::Reconstruct(
    std::vector<std::optional<std::vector<uint8_t>>>& shards) const {
  const int n = total_shards();
  if (shards.size() != static_cast<size_t>(n)) {
    return common::Error(
        common::Code::kInvalidArgument,
        "reconstruct got " + std::to_string(shards.size()) + " shards, want " + std::to_string(n));
  }
  std::vector<const uint8_t*> present(static_cast<size_t>(n), nullptr);
  std::vector<int> missing;
  std::optional<size_t> shard_bytes;
  int first_present = -1;
  for (int i = 0; i < n; ++i) {
    if (!shards[i].has_value()) {
      missing.push_back(i);
      continue;
    }
    present[i] = shards[i]->data();
    if (!shard_bytes) {
      shard_bytes = shards[i]->size();
      first_present = i;
    }
    if (shards[i]->size() != *shard_bytes) {
      return common::Error(common::Code::kInvalidArgument,
                           "shard " + std::to_string(i) + " has " +
                               std::to_string(shards[i]->size()) + " bytes, shard " +
                               std::to_string(first_present) + " has " +
                               std::to_string(*shard_bytes));
    }
  }
  if (missing.empty()) return common::Status::Ok();
  if (n - static_cast<int>(missing.size()) < k_) {
    return common::Error(common::Code::kUnavailable,
                         "only " + std::to_string(n - missing.size()) + " of " + std::to_string(n) +
                             " shards present, " + std::to_string(k_) + " needed to rebuild");
  }
  STRATA_RETURN_IF_ERROR(CheckIsalLength(*shard_bytes));
  for (int i : missing) shards[i].emplace(*shard_bytes, 0);
  // Empty shards have no data pointer to tell present from absent by.
  if (*shard_bytes == 0) return common::Status::Ok();
  std::vector<uint8_t*> outputs;
  outputs.reserve(missing.size());
  for (int i : missing) outputs.push_back(shards[i]->data());
  return ReconstructSlices(present, missing, outputs, *shard_bytes);
}

common::Status ErasureCodec::ReconstructSlices(std::span<const uint8_t* const> shards,
                                               std::span<const int> wanted,
                                               std::span<uint8_t* const> outputs,
                                               size_t length) const {
  const int n = total_shards();
  if (shards.size() != static_cast<size_t>(n) || outputs.size() != wanted.size()) {
    return common::Error(common::Code::kInvalidArgument,
                         "reconstruct got " + std::to_string(shards.size()) + " shards and " +
                             std::to_string(outputs.size()) + " outputs for " +
                             std::to_string(wanted.size()) + " wanted, want " + std::to_string(n) +
                             " shards");
  }
  for (int w : wanted) {
    if (w < 0 || w >= n || shards[static_cast<size_t>(w)] != nullptr) {
      return common::Error(common::Code::kInvalidArgument,
                           "shard " + std::to_string(w) + " cannot be rebuilt: " +
                               (w < 0 || w >= n ? "no such shard" : "it is present"));
    }
  }
  // The first K present shards decode. Ascending order puts the surviving
  // data shards first, whose identity rows keep the inversion cheap.
  const size_t k = static_cast<size_t>(k_);
  std::vector<int> sources_index;
  for (int i = 0; i < n && sources_index.size() < k; ++i) {
    if (shards[static_cast<size_t>(i)] != nullptr) sources_index.push_back(i);
  }
  if (sources_index.size() < k) {
    return common::Error(common::Code::kUnavailable,
                         "only " + std::to_string(sources_index.size()) + " of " +
                             std::to_string(n) + " shards present, " + std::to_string(k_) +
                             " needed to rebuild");
  }
  STRATA_RETURN_IF_ERROR(CheckIsalLength(length));
  if (wanted.empty() || length == 0) return common::Status::Ok();

  std::vector<uint8_t> survivors(k * k);
  std::vector<uint8_t*> sources(k);
  for (size_t r = 0; r < k; ++r) {
    std::memcpy(&survivors[r * k], &matrix_[static_cast<size_t>(sources_index[r]) * k], k);
    // ISA-L only reads the sources; its C signature wants them non-const.
    sources[r] = const_cast<uint8_t*>(shards[static_cast<size_t>(sources_index[r])]);
  }
  // survivors * data = sources, so data = inverse * sources.
  std::vector<uint8_t> inverse(k * k);
  if (gf_invert_matrix(survivors.data(), inverse.data(), k_) != 0) {
    // Unreachable with a Cauchy generator; kept so a broken matrix reports
    // instead of emitting garbage.
    return common::Error(common::Code::kInternal, "erasure decode matrix is singular");
  }
  // Wanted shard r is row_r(matrix) * data = (row_r(matrix) * inverse) *
  // sources. For a data shard row_r is a unit vector, so this is row r of the
  // inverse; for a parity shard it folds re-encoding into the same single pass
  // over the sources.
  const size_t nerrs = wanted.size();
  std::vector<uint8_t> decode(nerrs * k);
  for (size_t e = 0; e < nerrs; ++e) {
    const uint8_t* row = &matrix_[static_cast<size_t>(wanted[e]) * k];
    for (size_t j = 0; j < k; ++j) {
      uint8_t acc = 0;
      for (size_t t = 0; t < k; ++t) acc ^= gf_mul(row[t], inverse[t * k + j]);
      decode[e * k + j] = acc;
    }
  }
  std::vector<uint8_t> tables(kTableBytesPerCoefficient * k * nerrs);
  ec_init_tables(k_, static_cast<int>(nerrs), decode.data(), tables.data());
  ec_encode_data(static_cast<int>(length), k_, static_cast<int>(nerrs), tables.data(),
                 sources.data(), const_cast<uint8_t**>(outputs.data()));
  return common::Status::Ok();
}

}  // namespace strata::storage
