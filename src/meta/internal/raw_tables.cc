#include "meta/internal/raw_tables.h"

#include <string>

namespace strata::meta::internal {

using common::Code;
using common::Error;

common::Result<std::unique_ptr<RawTables>> OpenRawTables(std::string_view url,
                                                         const RawTablesOptions& options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    const std::string path(url.substr(kSqlite.size()));
    if (path.empty()) return Error(Code::kInvalidArgument, "metadata URL 'sqlite:' needs a path");
    return OpenSqliteRawTables(path, options.read_only);
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return OpenPostgresRawTables(url);
  }
  // Never echo the URL: it may hold a password.
  return Error(Code::kInvalidArgument,
               "metadata URL must start with sqlite:, postgres:// or postgresql://");
}

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace strata::meta::internal
