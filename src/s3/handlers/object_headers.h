// Object metadata as HTTP headers, both ways: which request headers a PUT
// stores, and which response headers a GET or HEAD returns.
#pragma once

#include <optional>

#include "common/result.h"
#include "http/headers.h"
#include "http/url.h"
#include "meta/meta_store.h"
#include "service/read_conditions.h"

namespace strata::s3 {

struct StoredHeaders {
  std::string content_type;
  meta::MetadataPairs user_metadata;    // x-amz-meta-*, names lower-case without prefix
  meta::MetadataPairs system_metadata;  // Content-Encoding, Cache-Control, ...
};

// Reads the headers a PUT or a REPLACE copy stores.
StoredHeaders ReadStoredHeaders(const http::Headers& headers);

// ETag, Last-Modified, Content-Type, stored headers, x-amz-meta-* and
// x-amz-tagging-count (when the object has tags) for a GET or HEAD, with
// response-* query overrides (presigned downloads use them).
void WriteObjectHeaders(const meta::ObjectRecord& object, const http::QueryParams& query,
                        http::Headers& out);

// If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since; with
// prefix "x-amz-copy-source-" the CopyObject variants. An unparseable date is
// ignored, as HTTP requires.
service::ReadConditions ReadConditionHeaders(const http::Headers& headers,
                                             std::string_view prefix = "");

// The conditional-write headers of PutObject and CompleteMultipartUpload:
// If-None-Match: * (create only) or If-Match: <etag> (replace that version).
// kNotImplemented for both at once or another If-None-Match value.
common::Result<meta::WriteCondition> ReadWriteCondition(const http::Headers& headers);

// "\"<etag>\"".
std::string QuoteEtag(std::string_view etag);

}  // namespace strata::s3
