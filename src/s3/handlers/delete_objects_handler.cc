#include "s3/handlers/delete_objects_handler.h"

#include <vector>

#include "common/hash.h"
#include "common/hex.h"
#include "s3/xml/delete_objects.h"
#include "service/version_id.h"

namespace strata::s3 {

common::Status HandleDeleteObjects(RequestContext& ctx, Services& services,
                                   const op::DeleteObjects& op) {
  // 1000 keys of up to 1024 bytes each, plus their XML. ReadXmlBody checks
  // a Content-MD5.
  STRATA_ASSIGN_OR_RETURN(std::string body, ReadXmlBody(ctx, 2 << 20));
  // S3 requires an integrity header on this request: Content-MD5, or one of
  // the x-amz-checksum-* headers newer SDKs send instead. SHA-1 and SHA-256
  // are verified here; the CRC variants arrive with the checksum issue.
  bool has_checksum = false;
  for (const auto& [name, value] : ctx.request.headers.entries()) {
    if (name.starts_with("x-amz-checksum-") && name != "x-amz-checksum-type") has_checksum = true;
  }
  const std::string* md5 = ctx.request.headers.Find("content-md5");
  if (!md5 && !has_checksum) {
    return common::Error(common::Code::kInvalidRequest,
                         "Missing required header for this request: Content-MD5");
  }
  for (auto [header, algorithm] :
       {std::pair{"x-amz-checksum-sha256", common::Digest::Algorithm::kSha256},
        std::pair{"x-amz-checksum-sha1", common::Digest::Algorithm::kSha1}}) {
    const std::string* claimed = ctx.request.headers.Find(header);
    if (!claimed) continue;
    common::Digest digest(algorithm);
    digest.Update(body);
    if (common::Base64Encode(digest.Finish()) != *claimed) {
      return common::Error(common::Code::kBadDigest, std::string("The ") + header +
                                                         " you specified did not match what we "
                                                         "received.");
    }
  }
  STRATA_ASSIGN_OR_RETURN(xml::DeleteRequest request, xml::ParseDeleteRequest(body));
  // Each key is authorized on its own: s3:DeleteObject, or
  // s3:DeleteObjectVersion for an entry naming a version. A caller denied
  // every key learns nothing, not even whether the bucket exists; otherwise
  // the bucket must exist even when every key is missing.
  std::vector<common::Status> allowed;
  allowed.reserve(request.objects.size());
  bool any_allowed = false;
  for (const auto& object : request.objects) {
    std::string_view action =
        object.version_id.empty() ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
    common::Status check = object.key.empty() || object.key.size() > 1024
                               ? common::Status::Ok()
                               : ctx.authorizer->Check(action, op.bucket, object.key);
    if (!check.ok() && check.code() != common::Code::kAccessDenied) return check;
    any_allowed = any_allowed || check.ok();
    allowed.push_back(std::move(check));
  }
  if (any_allowed || request.objects.empty()) {
    STRATA_RETURN_IF_ERROR(services.buckets.Get(op.bucket).status());
  }

  xml::DeleteResult result;
  for (size_t i = 0; i < request.objects.size(); ++i) {
    const auto& object = request.objects[i];
    common::Status status;
    xml::DeletedObject deleted{object.key, object.version_id};
    if (object.key.empty() || object.key.size() > 1024) {
      status = common::Error(
          object.key.empty() ? common::Code::kInvalidArgument : common::Code::kKeyTooLong,
          object.key.empty() ? "Key must not be empty" : "Your key is too long");
    } else if (!allowed[i].ok()) {
      status = allowed[i];
    } else if (!object.version_id.empty()) {
      // One version for good; <DeleteMarker> says when it was a marker.
      auto version_id = service::ParseVersionId(object.version_id);
      auto removed = version_id.ok()
                         ? services.objects.DeleteVersion(op.bucket, object.key, *version_id)
                         : common::Result<meta::MetaStore::DeleteResult>(version_id.status());
      if (removed.ok()) {
        if (removed->removed && removed->removed->delete_marker) {
          deleted.delete_marker = true;
          deleted.delete_marker_version_id = object.version_id;
        }
      } else {
        status = removed.status();
      }
    } else {
      auto removed = services.objects.Delete(op.bucket, object.key);
      if (removed.ok()) {
        if (removed->delete_marker) {
          deleted.delete_marker = true;
          deleted.delete_marker_version_id =
              service::PrintedVersionId(removed->delete_marker->version_id);
        }
      } else {
        status = removed.status();
      }
    }
    if (status.ok()) {
      if (!request.quiet) result.deleted.push_back(std::move(deleted));
    } else {
      result.errors.push_back({object.key, object.version_id, std::move(status)});
    }
  }
  return ReplyXml(ctx, xml::WriteDeleteResult(result));
}

}  // namespace strata::s3
