#include "s3/xml/delete_objects.h"

#include "http/headers.h"
#include "s3/errors.h"
#include "s3/xml/internal/xml_builder.h"
#include "s3/xml/internal/xml_reader.h"

namespace strata::s3::xml {
namespace {

using common::Code;
using common::Error;

common::Result<ObjectIdentifier> ParseObject(pugi::xml_node object) {
  ObjectIdentifier id;
  int keys = 0;
  for (pugi::xml_node child : object.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = LocalName(child);
    if (name != "Key" && name != "VersionId") continue;
    std::optional<std::string> text = ElementText(child);
    if (!text) return Error(Code::kMalformedXml, std::string(name) + " must hold text only");
    if (name == "Key") {
      ++keys;
      // Not trimmed: leading and trailing spaces are part of a key.
      id.key = std::move(*text);
    } else {
      id.version_id = std::string(TrimXmlSpace(*text));
    }
  }
  if (keys != 1) return Error(Code::kMalformedXml, "Each Object needs exactly one Key");
  return id;
}

}  // namespace

common::Result<DeleteRequest> ParseDeleteRequest(std::string_view body) {
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(pugi::xml_node root, ParseRoot(body, doc, "Delete"));
  DeleteRequest request;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = LocalName(child);
    if (name == "Object") {
      // Check before growing, so a huge body cannot make a huge vector.
      if (request.objects.size() == kMaxDeleteObjects) {
        return Error(Code::kMalformedXml, "At most 1000 objects can be deleted in one request");
      }
      STRATA_ASSIGN_OR_RETURN(ObjectIdentifier id, ParseObject(child));
      request.objects.push_back(std::move(id));
    } else if (name == "Quiet") {
      std::optional<std::string> text = ElementText(child);
      std::string_view value = text ? TrimXmlSpace(*text) : std::string_view("?");
      if (http::EqualsIgnoreCase(value, "true")) {
        request.quiet = true;
      } else if (http::EqualsIgnoreCase(value, "false")) {
        request.quiet = false;
      } else {
        return Error(Code::kMalformedXml, "Quiet must be true or false");
      }
    }
  }
  if (request.objects.empty()) {
    return Error(Code::kMalformedXml, "The Delete request names no objects");
  }
  return request;
}

std::string WriteDeleteResult(const DeleteResult& result) {
  XmlBuilder builder("DeleteResult", kS3Namespace);
  for (const DeletedObject& deleted : result.deleted) {
    builder.Open("Deleted");
    builder.Element("Key", deleted.key);
    if (!deleted.version_id.empty()) builder.Element("VersionId", deleted.version_id);
    if (deleted.delete_marker) {
      builder.Element("DeleteMarker", "true");
      if (!deleted.delete_marker_version_id.empty()) {
        builder.Element("DeleteMarkerVersionId", deleted.delete_marker_version_id);
      }
    }
    builder.Close();
  }
  for (const DeleteError& error : result.errors) {
    builder.Open("Error");
    builder.Element("Key", error.key);
    if (!error.version_id.empty()) builder.Element("VersionId", error.version_id);
    // An OK status here is a caller bug; report it as the internal error it is.
    builder.Element("Code",
                    ToS3Error(error.status.ok() ? Code::kInternal : error.status.code()).code);
    builder.Element("Message", PublicMessage(error.status));
    builder.Close();
  }
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
