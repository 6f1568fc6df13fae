#include "s3/handlers/object_attributes_handler.h"

#include <charconv>

#include "common/time_format.h"
#include "s3/handlers/version_headers.h"
#include "s3/xml/object_attributes.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

constexpr int kMaxParts = 1000;

enum Attribute : unsigned {
  kETag = 1,
  kChecksum = 2,
  kObjectParts = 4,
  kStorageClass = 8,
  kObjectSize = 16,
};

// The attribute set x-amz-object-attributes names.
common::Result<unsigned> ReadAttributes(const http::Headers& headers) {
  static constexpr std::pair<std::string_view, Attribute> kNames[] = {
      {"ETag", kETag},
      {"Checksum", kChecksum},
      {"ObjectParts", kObjectParts},
      {"StorageClass", kStorageClass},
      {"ObjectSize", kObjectSize},
  };
  if (!headers.Has("x-amz-object-attributes")) {
    return Error(Code::kInvalidArgument,
                 "Missing required header for this request: x-amz-object-attributes");
  }
  std::string joined = headers.GetJoined("x-amz-object-attributes");
  std::string_view rest = joined;
  unsigned attributes = 0;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view name = rest.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    bool known = false;
    for (const auto& [spelled, bit] : kNames) {
      if (name == spelled) {
        attributes |= bit;
        known = true;
      }
    }
    if (!known) return Error(Code::kInvalidArgument, "Invalid attribute name specified.");
    if (comma == std::string_view::npos) return attributes;
    rest = rest.substr(comma + 1);
  }
}

// A non-negative integer header; fallback when absent, clamped to limit.
common::Result<int> IntHeader(const http::Headers& headers, std::string_view name, int fallback,
                              int limit) {
  const std::string* text = headers.Find(name);
  if (text == nullptr) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || value < 0) {
    return Error(Code::kInvalidArgument,
                 "Provided " + std::string(name) + " not an integer or within integer range");
  }
  return static_cast<int>(std::min<int64_t>(value, limit));
}

xml::AttributeParts PartsPage(const std::vector<uint64_t>& sizes, int marker, int max_parts) {
  xml::AttributeParts page;
  page.total_parts_count = static_cast<int>(sizes.size());
  page.part_number_marker = marker;
  page.max_parts = max_parts;
  for (int number = marker + 1; number <= page.total_parts_count; ++number) {
    if (static_cast<int>(page.parts.size()) == max_parts) {
      page.is_truncated = true;
      break;
    }
    page.parts.push_back({number, sizes[static_cast<size_t>(number - 1)]});
    page.next_part_number_marker = number;
  }
  return page;
}

}  // namespace

common::Status HandleGetObjectAttributes(RequestContext& ctx, Services& services,
                                         const op::GetObjectAttributes& op) {
  const http::Headers& headers = ctx.request.headers;
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> version_id, QueryVersionId(ctx.query));
  // AWS also requires the read permission (s3:GetObjectVersion for a named
  // version).
  STRATA_RETURN_IF_ERROR(ctx.authorizer->Check(version_id ? "s3:GetObjectVersion" : "s3:GetObject",
                                               op.bucket, op.key));
  STRATA_ASSIGN_OR_RETURN(unsigned wanted, ReadAttributes(headers));
  STRATA_ASSIGN_OR_RETURN(int max_parts,
                          IntHeader(headers, "x-amz-max-parts", kMaxParts, kMaxParts));
  STRATA_ASSIGN_OR_RETURN(int marker, IntHeader(headers, "x-amz-part-number-marker", 0, 10000));
  STRATA_ASSIGN_OR_RETURN(
      service::GetObjectOutput found,
      services.objects.Get(
          {.bucket = op.bucket, .key = op.key, .head_only = true, .version_id = version_id}));
  const meta::ObjectRecord& object = found.object;

  xml::ObjectAttributes attributes;
  if (wanted & kETag) attributes.etag = object.etag;
  if ((wanted & kChecksum) && !object.checksum.algorithm.empty()) {
    attributes.checksum = xml::AttributeChecksum{object.checksum.algorithm, object.checksum.value,
                                                 object.checksum.type};
  }
  // AWS reports parts only for an object made by a multipart upload.
  if ((wanted & kObjectParts) && !object.part_sizes.empty()) {
    attributes.object_parts = PartsPage(object.part_sizes, marker, max_parts);
  }
  if (wanted & kStorageClass) attributes.storage_class = object.storage_class;
  if (wanted & kObjectSize) attributes.object_size = object.size;
  http::Headers out;
  out.Set("Last-Modified", common::FormatHttpDate(object.last_modified_ms / 1000));
  STRATA_RETURN_IF_ERROR(SetVersionIdHeader(services, op.bucket, object.version_id, out));
  return ReplyXml(ctx, xml::WriteObjectAttributes(attributes), 200, std::move(out));
}

}  // namespace strata::s3
