#include "meta/postgres/internal/upload_rows.h"

#include <string>
#include <vector>

#include "meta/internal/record_codec.h"
#include "meta/meta_store.h"
#include "meta/postgres/internal/chunk_refs.h"

namespace strata::meta::postgres::internal {
namespace {

constexpr std::string_view kSelectPartManifests =
    "SELECT manifest FROM multipart_parts WHERE upload_id = $1";
constexpr std::string_view kDeleteParts = "DELETE FROM multipart_parts WHERE upload_id = $1";
constexpr std::string_view kDeleteUpload = "DELETE FROM multipart_uploads WHERE upload_id = $1";
// A walk of the multipart_uploads_by_key index.
constexpr std::string_view kSelectBucketUploads =
    "SELECT upload_id FROM multipart_uploads WHERE bucket = $1";

}  // namespace

common::Status DeleteUpload(Connection& connection, std::string_view upload_id, int64_t now_ms) {
  // Every part's entries in one manifest: one count update per distinct
  // chunk, however many parts name it.
  Manifest references;
  {
    STRATA_ASSIGN_OR_RETURN(Rows rows,
                            connection.Query(kSelectPartManifests, Params().Text(upload_id)));
    for (int row = 0; row < rows.size(); ++row) {
      // An undecodable manifest leaks its references (see the header).
      const Manifest manifest = meta::internal::DecodeManifestOrEmpty(rows.Bytes(row, 0));
      references.insert(references.end(), manifest.begin(), manifest.end());
    }
  }
  STRATA_RETURN_IF_ERROR(DropReferences(connection, references, now_ms));
  // Parts first: they reference the upload row.
  STRATA_RETURN_IF_ERROR(connection.Execute(kDeleteParts, Params().Text(upload_id)).status());
  return connection.Execute(kDeleteUpload, Params().Text(upload_id)).status();
}

common::Status DeleteBucketUploads(Connection& connection, std::string_view bucket,
                                   int64_t now_ms) {
  std::vector<std::string> upload_ids;
  {
    STRATA_ASSIGN_OR_RETURN(Rows rows,
                            connection.Query(kSelectBucketUploads, Params().Text(bucket)));
    for (int row = 0; row < rows.size(); ++row) upload_ids.emplace_back(rows.Bytes(row, 0));
  }
  for (const std::string& upload_id : upload_ids) {
    STRATA_RETURN_IF_ERROR(DeleteUpload(connection, upload_id, now_ms));
  }
  return common::Status::Ok();
}

}  // namespace strata::meta::postgres::internal
