// Object and bucket tag sets as S3 defines them: the rules a tag must follow
// (shared by PutObjectTagging, PutBucketTagging and the x-amz-tagging header)
// and the header's URL-query form. Pure functions: no I/O, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::s3 {

// Tags in the order the client gave them. (The same type as
// meta::MetadataPairs, which stores them.)
using TagSet = std::vector<std::pair<std::string, std::string>>;

// What a tag set belongs to: the limits differ.
enum class TagTarget { kObject, kBucket };

inline constexpr size_t kMaxObjectTags = 10;
inline constexpr size_t kMaxBucketTags = 50;
// Lengths in UTF-16 code units, as S3 counts ("Amazon S3 object tags are
// internally represented in UTF-16"): a character outside the BMP counts 2.
inline constexpr size_t kMaxTagKeyLength = 128;
inline constexpr size_t kMaxTagValueLength = 256;

// Checks `tags` against S3's rules, with AWS's codes and messages:
//   * more than 10 tags on an object, or 50 on a bucket: kBadRequest
//     ("Object tags cannot be greater than 10", "Bucket tag count cannot be
//     greater than 50");
//   * a key of 0 or more than 128 characters, or holding a character outside
//     the allowed set: kInvalidTag "The TagKey you have provided is invalid";
//   * a value of more than 256 characters or a character outside the set:
//     kInvalidTag "The TagValue you have provided is invalid";
//   * a key starting with "aws:" (any case; AWS reserves the prefix):
//     kInvalidTag "Your TagKey cannot be prefixed with aws:";
//   * two tags with one key: kInvalidTag "Cannot provide multiple Tags with
//     the same key".
// The allowed set is AWS's: Unicode letters and digits, white space, and
// + - = . _ : / @. Text that is not valid UTF-8 fails. Strata approximates the
// Unicode classes: every ASCII letter, digit and the space, and any code point
// from U+00A0 up, except format characters (U+200B..U+200F, U+202A..U+202E,
// U+2060..U+206F, U+FEFF) and U+FFF0..U+FFFF; so some non-ASCII punctuation
// AWS refuses is accepted. No control character ever is.
common::Status ValidateTagSet(const TagSet& tags, TagTarget target);

// Parses the x-amz-tagging header of PutObject, CreateMultipartUpload and
// CopyObject: URL query parameters, "k1=v1&k2=v2", '+' meaning a space, a key
// without '=' holding the empty value, empty parts skipped. "" is no tags.
// kInvalidArgument ("The header 'x-amz-tagging' shall be encoded as UTF-8 then
// URLEncoded URL query parameters without tag name duplicates.") for a bad
// escape, a part with two '=', or a repeated key; then ValidateTagSet's codes
// for an object's tags.
common::Result<TagSet> ParseTaggingHeader(std::string_view header);

}  // namespace strata::s3
