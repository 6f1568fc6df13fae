#include "storage/chunker/chunker.h"

#include <string>

#include "storage/chunker/fastcdc_chunker.h"
#include "storage/chunker/fixed_chunker.h"

namespace strata::storage {

common::Result<std::unique_ptr<Chunker>> MakeChunker(std::string_view name) {
  if (name == "fixed") return MakeFixedChunker();
  if (name == "fastcdc") return MakeFastCdcChunker();
  return common::Error(common::Code::kInvalidArgument,
                       "unknown chunker \"" + std::string(name) + "\" (want fixed or fastcdc)");
}

}  // namespace strata::storage
