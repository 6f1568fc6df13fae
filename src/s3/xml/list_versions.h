// ListVersionsResult, the response document of ListObjectVersions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "s3/xml/owner.h"

namespace strata::s3::xml {

// One <Version> or <DeleteMarker> entry.
struct VersionEntry {
  bool delete_marker = false;
  std::string key;
  std::string version_id;  // as printed: "null" for the null version
  bool is_latest = false;
  int64_t last_modified_ms = 0;  // Unix milliseconds
  // Versions only (a delete marker has no body).
  std::string etag;  // without quotes; the writer adds them
  uint64_t size = 0;
  std::string storage_class = "STANDARD";
  std::optional<Owner> owner;  // written when set
};

// Strings are the raw (decoded) values; with url_encoding the writer
// URL-encodes Prefix, KeyMarker, NextKeyMarker, Delimiter, every Key and
// every CommonPrefixes/Prefix (version ids are URL-safe already).
struct ListVersionsResult {
  std::string name;  // bucket
  std::string prefix;
  std::string key_marker;
  std::string version_id_marker;
  // Written when is_truncated: where the next page starts. The version id
  // marker is omitted when empty (the page ended on a common prefix).
  std::string next_key_marker;
  std::string next_version_id_marker;
  std::string delimiter;  // written when non-empty
  int max_keys = 1000;
  bool is_truncated = false;
  bool url_encoding = false;  // the request had encoding-type=url
  // In the store's order (by key, newest first), versions and delete markers
  // interleaved as S3 sends them.
  std::vector<VersionEntry> entries;
  std::vector<std::string> common_prefixes;
};

// <?xml ...?>\n<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
// <Name/><Prefix/><KeyMarker/><VersionIdMarker/>[<NextKeyMarker/>
// [<NextVersionIdMarker/>]]<MaxKeys/>[<Delimiter/>][<EncodingType/>]
// <IsTruncated/> then per entry
// <Version><Key/><VersionId/><IsLatest/><LastModified/><ETag/><Size/>
// [<Owner/>]<StorageClass/></Version> or
// <DeleteMarker><Key/><VersionId/><IsLatest/><LastModified/>[<Owner/>]
// </DeleteMarker>, then <CommonPrefixes><Prefix/></CommonPrefixes>...
// Never fails; thread-safe.
std::string WriteListVersionsResult(const ListVersionsResult& result);

}  // namespace strata::s3::xml
