#include "storage/dedup/object_writer.h"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/hex.h"
#include "storage/chunker/chunk_stream.h"

namespace strata::storage {
namespace {

using common::Code;
using common::Error;

common::Status TooLong() {
  return Error(Code::kInvalidRequest, "body is longer than Content-Length");
}

common::Status TooShort() {
  return Error(Code::kIncompleteBody,
               "You did not provide the number of bytes specified by the Content-Length HTTP "
               "header.");
}

}  // namespace

common::Result<WrittenObject> ObjectWriter::Write(common::ByteSource& source,
                                                  std::optional<uint64_t> expected_size) {
  WrittenObject out;
  common::Status status = WriteChunks(source, expected_size, out);
  if (!status.ok()) {
    Discard(out.written_chunks);
    return status;
  }
  return out;
}

common::Status ObjectWriter::WriteChunks(common::ByteSource& source,
                                         std::optional<uint64_t> expected_size,
                                         WrittenObject& out) {
  ChunkStream stream(source, chunker_, budget_, UploadLeaseBytes());
  // Chunks held back while the body may still fit inline: copies, since a
  // chunk's bytes are the stream's until the next chunk. Small by definition.
  struct HeldChunk {
    std::string data;
    std::string sha256;
  };
  std::vector<HeldChunk> held;
  uint64_t held_bytes = 0;
  bool inline_possible = true;
  // A chunk repeated inside this body (zeros, say) is stored once: the index
  // cannot know it before the commit.
  std::map<std::string, meta::ChunkInfo, std::less<>> stored_here;

  auto store = [&](std::string_view data, std::string_view sha256) -> common::Status {
    const std::string hash = common::HexEncode(sha256);
    meta::ChunkInfo info;
    if (auto it = stored_here.find(hash); it != stored_here.end()) {
      info = it->second;
      out.deduplicated_bytes += data.size();
    } else {
      STRATA_ASSIGN_OR_RETURN(std::optional<meta::ChunkInfo> found,
                              meta_.FindChunk(hash, clock_.NowMillis()));
      if (found) {
        info = std::move(*found);
        out.deduplicated_bytes += data.size();
      } else {
        STRATA_ASSIGN_OR_RETURN(info, chunks_.Write(hash, data));
        out.written_chunks.push_back(info);
      }
      stored_here.emplace(hash, info);
    }
    out.manifest.push_back(meta::ManifestEntry{info, 0, data.size()});
    return common::Status::Ok();
  };

  ChunkStream::Chunk chunk;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, stream.Next(chunk));
    if (!more) break;
    // Checked before the chunk is stored, so an overlong body costs no
    // writes beyond the declared length.
    if (expected_size && out.size + chunk.data.size() > *expected_size) return TooLong();
    out.size += chunk.data.size();
    if (inline_possible && held_bytes + chunk.data.size() <= inline_threshold_) {
      held_bytes += chunk.data.size();
      held.push_back(HeldChunk{std::string(chunk.data), chunk.sha256});
      continue;
    }
    if (inline_possible) {
      inline_possible = false;
      for (const auto& earlier : held) STRATA_RETURN_IF_ERROR(store(earlier.data, earlier.sha256));
      held.clear();
    }
    STRATA_RETURN_IF_ERROR(store(chunk.data, chunk.sha256));
  }
  if (expected_size && out.size != *expected_size) return TooShort();
  if (inline_possible) {
    out.inline_data.reserve(held_bytes);
    for (const auto& piece : held) out.inline_data += piece.data;
  }
  return common::Status::Ok();
}

void ObjectWriter::Discard(const std::vector<meta::ChunkInfo>& chunks) {
  for (const auto& chunk : chunks) (void)chunks_.Delete(chunk.location);
}

}  // namespace strata::storage
