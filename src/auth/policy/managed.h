// Built-in managed policies: the roles of ARCHITECTURE.md section 6, written
// as ordinary policy JSON and parsed by the same parser as user policies, so
// what a role grants can be read (and tested) as a document.
//
//   admin        everything: s3:* and admin:* on *.
//   readwrite    every S3 action (s3:*) on arn:aws:s3:::*; no admin API.
//   readonly     read and list, on *:
//                  s3:GetObject* (GetObject, GetObjectTagging, ...),
//                  s3:ListBucket* (ListBucket, ListBucketMultipartUploads,
//                  ListBucketVersions), s3:ListAllMyBuckets,
//                  s3:ListMultipartUploadParts, s3:GetBucketLocation,
//                  s3:GetBucketVersioning, s3:GetBucketTagging.
//                Not s3:GetBucketPolicy: a policy can name users and
//                networks; reading it is an administrator's business.
//   writeonly    upload without reading back, on *:
//                  s3:PutObject (also CreateMultipartUpload, UploadPart,
//                  CompleteMultipartUpload and CopyObject's write side),
//                  s3:AbortMultipartUpload, s3:ListMultipartUploadParts,
//                  s3:ListBucketMultipartUploads (to resume uploads),
//                  s3:GetBucketLocation (SDKs ask before writing).
//   diagnostics  read-only operator access to the admin API, on *:
//                  admin:ServerInfo (server and storage status),
//                  admin:Metrics (metrics), admin:Heal (heal status and
//                  starting a heal pass), admin:Trace, admin:ConsoleLog,
//                  admin:Profiling. No user, key or policy management and no
//                  object data.
//
// Bucket-scoped access is not a built-in: it is a policy naming the bucket
// (docs/policies.md has the pattern).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "auth/policy/document.h"
#include "common/result.h"

namespace strata::auth::policy {

// The names above, in that order.
const std::vector<std::string_view>& ManagedPolicyNames();

// The JSON text of a built-in policy, or nullopt for an unknown name. The
// text lives for the whole program.
std::optional<std::string_view> ManagedPolicyJson(std::string_view name);

// The parsed built-in policy (an identity policy). kInvalidArgument for an
// unknown name. Thread-safe.
common::Result<Policy> ManagedPolicy(std::string_view name);

}  // namespace strata::auth::policy
