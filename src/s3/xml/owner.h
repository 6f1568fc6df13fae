// The owner of a bucket or object as S3 documents show it.
#pragma once

#include <string>

namespace strata::s3::xml {

struct Owner {
  std::string id;            // canonical user id
  std::string display_name;  // written as given, may be ""
};

}  // namespace strata::s3::xml
