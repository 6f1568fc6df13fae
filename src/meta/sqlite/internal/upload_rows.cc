#include "meta/sqlite/internal/upload_rows.h"

#include <string>
#include <utility>
#include <vector>

#include "meta/internal/record_codec.h"
#include "meta/meta_store.h"
#include "meta/sqlite/internal/chunk_refs.h"

namespace strata::meta::sqlite::internal {
namespace {

constexpr std::string_view kSelectPartManifests =
    "SELECT manifest FROM multipart_parts WHERE upload_id = ?1";
constexpr std::string_view kDeleteParts = "DELETE FROM multipart_parts WHERE upload_id = ?1";
constexpr std::string_view kDeleteUpload = "DELETE FROM multipart_uploads WHERE upload_id = ?1";
// A walk of the multipart_uploads_by_key index.
constexpr std::string_view kSelectBucketUploads =
    "SELECT upload_id FROM multipart_uploads WHERE bucket = ?1";

}  // namespace

common::Status DeleteUpload(Connection& connection, std::string_view upload_id, int64_t now_ms) {
  // Every part's entries in one manifest: one count update per distinct
  // chunk, however many parts name it.
  Manifest references;
  {
    STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectPartManifests));
    select.Bind(1, upload_id);
    while (true) {
      STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      // An undecodable manifest leaks its references (see the header).
      const Manifest manifest = meta::internal::DecodeManifestOrEmpty(select.ColumnText(0));
      references.insert(references.end(), manifest.begin(), manifest.end());
    }
  }
  STRATA_RETURN_IF_ERROR(DropReferences(connection, references, now_ms));
  {
    STRATA_ASSIGN_OR_RETURN(Statement del, connection.Prepare(kDeleteParts));
    del.Bind(1, upload_id);
    STRATA_RETURN_IF_ERROR(del.Run());
  }
  // Parts first: they reference the upload row.
  STRATA_ASSIGN_OR_RETURN(Statement del, connection.Prepare(kDeleteUpload));
  del.Bind(1, upload_id);
  return del.Run();
}

common::Status DeleteBucketUploads(Connection& connection, std::string_view bucket,
                                   int64_t now_ms) {
  // Collected first: DeleteUpload changes the table the scan walks.
  std::vector<std::string> upload_ids;
  {
    STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectBucketUploads));
    select.Bind(1, bucket);
    while (true) {
      STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      upload_ids.emplace_back(select.ColumnText(0));
    }
  }
  for (const std::string& upload_id : upload_ids) {
    STRATA_RETURN_IF_ERROR(DeleteUpload(connection, upload_id, now_ms));
  }
  return common::Status::Ok();
}

}  // namespace strata::meta::sqlite::internal
