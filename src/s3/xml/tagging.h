// The Tagging document of PutObjectTagging, GetObjectTagging,
// PutBucketTagging and GetBucketTagging:
//   <Tagging xmlns="..."><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>...
//   </TagSet></Tagging>
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "s3/tagging.h"

namespace strata::s3::xml {

// The tags of a Tagging request body, in document order, Key and Value text
// exactly as written (never trimmed: spaces are allowed in tags). Only the
// shape is checked here; the tag rules are ValidateTagSet's (s3/tagging.h).
// Errors: kMalformedXml for a body that is not such a document: not XML, a
// DOCTYPE, another root, no or two TagSet elements, a Tag without exactly one
// Key and one Value, an element S3 does not define there, or text between
// elements. A namespace (prefix or xmlns) is accepted and not checked.
// Thread-safe.
common::Result<TagSet> ParseTagging(std::string_view body);

// The GetObjectTagging / GetBucketTagging response, S3's namespace on the
// root; an empty set is <TagSet></TagSet>. Never fails; thread-safe.
std::string WriteTagging(const TagSet& tags);

}  // namespace strata::s3::xml
