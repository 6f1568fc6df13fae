#include "storage/dedup/manifest_source.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

namespace strata::storage {

common::Result<std::unique_ptr<ManifestSource>> ManifestSource::Open(ChunkStore& chunks,
                                                                     meta::Manifest manifest,
                                                                     uint64_t object_size,
                                                                     uint64_t offset,
                                                                     uint64_t length) {
  uint64_t total = 0;
  for (const auto& entry : manifest) {
    if (entry.length == 0 || entry.offset > entry.chunk.size ||
        entry.length > entry.chunk.size - entry.offset) {
      return common::Error(common::Code::kCorruption,
                           "manifest entry outside its chunk " + entry.chunk.hash);
    }
    total += entry.length;
  }
  if (total != object_size) {
    return common::Error(common::Code::kCorruption, "manifest holds " + std::to_string(total) +
                                                        " bytes, object has " +
                                                        std::to_string(object_size));
  }
  if (offset > object_size || length > object_size - offset) {
    return common::Error(common::Code::kInvalidArgument, "range is past the end of the object");
  }
  std::vector<Piece> pieces;
  uint64_t entry_start = 0;
  const uint64_t end = offset + length;
  for (size_t i = 0; i < manifest.size() && entry_start < end; ++i) {
    const uint64_t entry_end = entry_start + manifest[i].length;
    if (entry_end > offset) {
      const uint64_t from = std::max(offset, entry_start);
      const uint64_t to = std::min(end, entry_end);
      pieces.push_back(Piece{i, manifest[i].offset + (from - entry_start), to - from});
    }
    entry_start = entry_end;
  }
  auto source =
      std::unique_ptr<ManifestSource>(new ManifestSource(chunks, std::move(manifest), pieces));
  if (!source->pieces_.empty()) STRATA_RETURN_IF_ERROR(source->Advance());
  return source;
}

ManifestSource::~ManifestSource() {
  // The read-ahead refers to this object: let it finish first.
  if (ahead_.valid()) ahead_.wait();
}

ManifestSource::Loaded ManifestSource::Load(const Piece& piece, Bytes buffer) const {
  if (buffer.capacity < piece.length) {
    buffer = Bytes{std::make_unique_for_overwrite<uint8_t[]>(piece.length), 0, piece.length};
  }
  buffer.size = piece.length;
  STRATA_RETURN_IF_ERROR(chunks_.ReadRange(manifest_[piece.entry].chunk, piece.chunk_offset,
                                           std::span<uint8_t>(buffer.data.get(), buffer.size)));
  return buffer;
}

common::Status ManifestSource::Advance() {
  Loaded loaded =
      ahead_.valid() ? ahead_.get() : Load(pieces_[next_piece_], std::exchange(spare_, {}));
  if (!loaded.ok()) return loaded.status();
  spare_ = std::exchange(current_, std::move(*loaded));
  current_read_ = 0;
  ++next_piece_;
  if (next_piece_ < pieces_.size()) {
    // async|deferred: a thread when one can be started, else the read runs
    // at get(); either way no exception escapes.
    ahead_ = std::async(
        std::launch::async | std::launch::deferred,
        [this, piece = pieces_[next_piece_], buffer = std::exchange(spare_, {})]() mutable {
          return Load(piece, std::move(buffer));
        });
  }
  return common::Status::Ok();
}

common::Result<size_t> ManifestSource::Read(std::span<char> out) {
  if (!error_.ok()) return error_;
  if (out.empty()) return size_t{0};
  if (current_read_ == current_.size) {
    if (next_piece_ >= pieces_.size()) return size_t{0};
    if (common::Status status = Advance(); !status.ok()) {
      error_ = status;
      return status;
    }
  }
  const size_t n = std::min(out.size(), current_.size - current_read_);
  std::memcpy(out.data(), current_.data.get() + current_read_, n);
  current_read_ += n;
  return n;
}

}  // namespace strata::storage
