// Private to s3/xml: encoding-type=url for listing documents.
#pragma once

#include <string>
#include <string_view>

#include "http/url.h"

namespace strata::s3::xml {

// encoding-type=url exists so keys with characters XML cannot carry survive.
// '/' stays as it is (AWS does the same); everything else outside RFC 3986's
// unreserved set becomes %XX. In particular '+' becomes %2B and ' ' %20,
// which matters because botocore decodes with unquote_plus.
// Without url encoding, values pass through unchanged. Thread-compatible.
class FieldEncoder {
 public:
  explicit FieldEncoder(bool url) : url_(url) {}
  std::string operator()(std::string_view value) const {
    return url_ ? http::UriEncode(value, /*keep_slash=*/true) : std::string(value);
  }

 private:
  bool url_;
};

}  // namespace strata::s3::xml
