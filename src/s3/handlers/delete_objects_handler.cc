#include "s3/handlers/delete_objects_handler.h"

#include "common/hash.h"
#include "common/hex.h"
#include "s3/xml/delete_objects.h"

namespace strata::s3 {

common::Status HandleDeleteObjects(RequestContext& ctx, Services& services,
                                   const op::DeleteObjects& op) {
  // 1000 keys of up to 1024 bytes each, plus their XML.
  STRATA_ASSIGN_OR_RETURN(std::string body, ReadXmlBody(ctx, 2 << 20));
  if (const std::string* md5 = ctx.request.headers.Find("content-md5")) {
    auto expected = common::Base64Decode(*md5);
    if (!expected || expected->size() != 16) {
      return common::Error(common::Code::kInvalidDigest,
                           "The Content-MD5 you specified was invalid.");
    }
    if (!common::ConstantTimeEquals(*expected, common::Md5(body))) {
      return common::Error(common::Code::kBadDigest,
                           "The Content-MD5 you specified did not match what we received.");
    }
  }
  STRATA_ASSIGN_OR_RETURN(xml::DeleteRequest request, xml::ParseDeleteRequest(body));
  // The bucket must exist even when every key is missing.
  STRATA_RETURN_IF_ERROR(services.buckets.Get(op.bucket).status());

  xml::DeleteResult result;
  for (const auto& object : request.objects) {
    common::Status status;
    if (object.key.empty() || object.key.size() > 1024) {
      status = common::Error(
          object.key.empty() ? common::Code::kInvalidArgument : common::Code::kKeyTooLong,
          object.key.empty() ? "Key must not be empty" : "Your key is too long");
    } else if (!object.version_id.empty() && object.version_id != "null") {
      status = common::Error(common::Code::kNotImplemented, "Object versioning is not implemented");
    } else {
      status = services.objects.Delete(op.bucket, object.key);
    }
    if (status.ok()) {
      if (!request.quiet) result.deleted.push_back({object.key, object.version_id});
    } else {
      result.errors.push_back({object.key, object.version_id, std::move(status)});
    }
  }
  return ReplyXml(ctx, xml::WriteDeleteResult(result));
}

}  // namespace strata::s3
