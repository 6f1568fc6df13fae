// ObjectStore: where object bodies live. Data is written first and becomes
// visible only when a MetaStore commit references its data_ref, so an
// interrupted or rejected PUT never shows. The storage-engine issue replaces
// the simple file store with chunks and erasure coding behind this interface.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/byte_stream.h"
#include "common/result.h"

namespace strata::storage {

struct WrittenData {
  std::string data_ref;  // locator to store in the metadata row
  uint64_t size = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Streams source to its end and makes the bytes durable. When
  // expected_size is set, a source that ends early fails with kIncompleteBody
  // and one that runs longer with kInvalidRequest. On any failure nothing is
  // left behind.
  virtual common::Result<WrittenData> Write(common::ByteSource& source,
                                            std::optional<uint64_t> expected_size) = 0;
  // A source over bytes [offset, offset + length) of the stored data.
  // kCorruption or kUnavailable when the data cannot be read.
  virtual common::Result<std::unique_ptr<common::ByteSource>> Read(std::string_view data_ref,
                                                                   uint64_t offset,
                                                                   uint64_t length) = 0;
  // Releases the data. Deleting what is already gone is OK.
  virtual common::Status Delete(std::string_view data_ref) = 0;
};

}  // namespace strata::storage
