// ListBucketResult, the response document of ListObjects (v1) and
// ListObjectsV2. Both share one root name and differ in their paging fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "s3/xml/owner.h"

namespace strata::s3::xml {

// One <Contents> entry.
struct ObjectSummary {
  std::string key;
  int64_t last_modified_ms = 0;  // Unix milliseconds
  std::string etag;              // without quotes; the writer adds them
  uint64_t size = 0;
  std::string storage_class = "STANDARD";
  // v1: written when set. v2: written only when fetch_owner is true.
  std::optional<Owner> owner;
};

// ListObjects (v1). Strings are the raw (decoded) values; with url_encoding
// the writer URL-encodes Prefix, Marker, NextMarker, Delimiter, every Key and
// every CommonPrefixes/Prefix.
struct ListBucketResult {
  std::string name;  // bucket
  std::string prefix;
  std::string marker;
  // Written only when is_truncated and a delimiter was given, as AWS does;
  // without it clients continue from the last Key.
  std::string next_marker;
  std::string delimiter;  // written when non-empty
  int max_keys = 1000;
  bool is_truncated = false;
  bool url_encoding = false;  // the request had encoding-type=url
  std::vector<ObjectSummary> contents;
  std::vector<std::string> common_prefixes;
};

// ListObjectsV2. KeyCount is derived: contents + common prefixes. With
// url_encoding the writer URL-encodes Prefix, StartAfter, Delimiter, every Key
// and every CommonPrefixes/Prefix; continuation tokens are opaque and never
// encoded.
struct ListBucketResultV2 {
  std::string name;  // bucket
  std::string prefix;
  std::string continuation_token;       // echoed when the request had one
  std::string next_continuation_token;  // written when is_truncated
  std::string start_after;              // echoed when the request had one
  std::string delimiter;                // written when non-empty
  int max_keys = 1000;
  bool is_truncated = false;
  bool url_encoding = false;  // the request had encoding-type=url
  bool fetch_owner = false;   // the request had fetch-owner=true
  std::vector<ObjectSummary> contents;
  std::vector<std::string> common_prefixes;
};

// <?xml ...?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
// <Name/><Prefix/><Marker/>[<NextMarker/>]<MaxKeys/>[<Delimiter/>]
// [<EncodingType>url</EncodingType>]<IsTruncated/><Contents>...</Contents>...
// <CommonPrefixes><Prefix/></CommonPrefixes>...</ListBucketResult>
// Contents: <Key/><LastModified/><ETag>&quot;..&quot;</ETag><Size/>[<Owner/>]
// <StorageClass/>. Never fails; thread-safe.
std::string WriteListBucketResult(const ListBucketResult& result);

// <?xml ...?>\n<ListBucketResult xmlns="...">
// <Name/><Prefix/>[<ContinuationToken/>][<NextContinuationToken/>]
// [<StartAfter/>]<KeyCount/><MaxKeys/>[<Delimiter/>][<EncodingType/>]
// <IsTruncated/><Contents/>...<CommonPrefixes/>...</ListBucketResult>
// Never fails; thread-safe.
std::string WriteListBucketResultV2(const ListBucketResultV2& result);

}  // namespace strata::s3::xml
