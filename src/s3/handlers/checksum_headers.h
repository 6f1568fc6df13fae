// The additional-checksum headers (x-amz-checksum-*): what a PutObject or
// UploadPart request says about its body, and what GET/HEAD return with
// x-amz-checksum-mode: ENABLED.
#pragma once

#include <optional>

#include "common/result.h"
#include "http/headers.h"
#include "meta/meta_store.h"
#include "s3/handlers/context.h"
#include "service/body_checksum.h"

namespace strata::s3 {

// From, in order: one x-amz-checksum-<algorithm> header (value to verify),
// x-amz-trailer naming one (value arrives after an aws-chunked body), or
// x-amz-sdk-checksum-algorithm alone (computed and stored, nothing to verify).
// nullopt when the request names no checksum. kInvalidRequest for two
// checksum headers or an unknown algorithm name.
common::Result<std::optional<service::BodyChecksum>> ReadBodyChecksum(RequestContext& ctx);

// x-amz-checksum-<algorithm> and x-amz-checksum-type, when one is stored.
void WriteChecksumHeaders(const meta::StoredChecksum& checksum, http::Headers& headers);

}  // namespace strata::s3
