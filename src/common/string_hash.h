// StringHash: a transparent hash for unordered containers keyed by
// std::string, so find() takes a std::string_view without building a
// string (use with std::equal_to<>).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace strata::common {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace strata::common
