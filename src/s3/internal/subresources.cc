#include "s3/internal/subresources.h"

#include <algorithm>
#include <iterator>

namespace strata::s3::internal {
namespace {

// IAM actions follow AWS's "Actions, resources, and condition keys for
// Amazon S3"; several Delete* operations are authorized by the Put* action.
constexpr UnsupportedRoute kUnsupportedRoutes[] = {
    // Bucket sub-resources.
    {Scope::kBucket, "GET", "acl", "GetBucketAcl", "s3:GetBucketAcl"},
    {Scope::kBucket, "PUT", "acl", "PutBucketAcl", "s3:PutBucketAcl"},
    {Scope::kBucket, "GET", "lifecycle", "GetBucketLifecycleConfiguration",
     "s3:GetLifecycleConfiguration"},
    {Scope::kBucket, "PUT", "lifecycle", "PutBucketLifecycleConfiguration",
     "s3:PutLifecycleConfiguration"},
    {Scope::kBucket, "DELETE", "lifecycle", "DeleteBucketLifecycle",
     "s3:PutLifecycleConfiguration"},
    {Scope::kBucket, "GET", "replication", "GetBucketReplication",
     "s3:GetReplicationConfiguration"},
    {Scope::kBucket, "PUT", "replication", "PutBucketReplication",
     "s3:PutReplicationConfiguration"},
    {Scope::kBucket, "DELETE", "replication", "DeleteBucketReplication",
     "s3:PutReplicationConfiguration"},
    {Scope::kBucket, "GET", "encryption", "GetBucketEncryption", "s3:GetEncryptionConfiguration"},
    {Scope::kBucket, "PUT", "encryption", "PutBucketEncryption", "s3:PutEncryptionConfiguration"},
    {Scope::kBucket, "DELETE", "encryption", "DeleteBucketEncryption",
     "s3:PutEncryptionConfiguration"},
    {Scope::kBucket, "GET", "website", "GetBucketWebsite", "s3:GetBucketWebsite"},
    {Scope::kBucket, "PUT", "website", "PutBucketWebsite", "s3:PutBucketWebsite"},
    {Scope::kBucket, "DELETE", "website", "DeleteBucketWebsite", "s3:DeleteBucketWebsite"},
    {Scope::kBucket, "GET", "logging", "GetBucketLogging", "s3:GetBucketLogging"},
    {Scope::kBucket, "PUT", "logging", "PutBucketLogging", "s3:PutBucketLogging"},
    {Scope::kBucket, "GET", "notification", "GetBucketNotificationConfiguration",
     "s3:GetBucketNotification"},
    {Scope::kBucket, "PUT", "notification", "PutBucketNotificationConfiguration",
     "s3:PutBucketNotification"},
    {Scope::kBucket, "GET", "object-lock", "GetObjectLockConfiguration",
     "s3:GetBucketObjectLockConfiguration"},
    {Scope::kBucket, "PUT", "object-lock", "PutObjectLockConfiguration",
     "s3:PutBucketObjectLockConfiguration"},
    {Scope::kBucket, "GET", "ownershipControls", "GetBucketOwnershipControls",
     "s3:GetBucketOwnershipControls"},
    {Scope::kBucket, "PUT", "ownershipControls", "PutBucketOwnershipControls",
     "s3:PutBucketOwnershipControls"},
    {Scope::kBucket, "DELETE", "ownershipControls", "DeleteBucketOwnershipControls",
     "s3:PutBucketOwnershipControls"},
    {Scope::kBucket, "GET", "publicAccessBlock", "GetPublicAccessBlock",
     "s3:GetBucketPublicAccessBlock"},
    {Scope::kBucket, "PUT", "publicAccessBlock", "PutPublicAccessBlock",
     "s3:PutBucketPublicAccessBlock"},
    {Scope::kBucket, "DELETE", "publicAccessBlock", "DeletePublicAccessBlock",
     "s3:PutBucketPublicAccessBlock"},
    {Scope::kBucket, "GET", "accelerate", "GetBucketAccelerateConfiguration",
     "s3:GetAccelerateConfiguration"},
    {Scope::kBucket, "PUT", "accelerate", "PutBucketAccelerateConfiguration",
     "s3:PutAccelerateConfiguration"},
    {Scope::kBucket, "GET", "requestPayment", "GetBucketRequestPayment",
     "s3:GetBucketRequestPayment"},
    {Scope::kBucket, "PUT", "requestPayment", "PutBucketRequestPayment",
     "s3:PutBucketRequestPayment"},
    {Scope::kBucket, "GET", "intelligent-tiering", "GetBucketIntelligentTieringConfiguration",
     "s3:GetIntelligentTieringConfiguration", "ListBucketIntelligentTieringConfigurations"},
    {Scope::kBucket, "PUT", "intelligent-tiering", "PutBucketIntelligentTieringConfiguration",
     "s3:PutIntelligentTieringConfiguration"},
    {Scope::kBucket, "DELETE", "intelligent-tiering", "DeleteBucketIntelligentTieringConfiguration",
     "s3:PutIntelligentTieringConfiguration"},
    {Scope::kBucket, "GET", "analytics", "GetBucketAnalyticsConfiguration",
     "s3:GetAnalyticsConfiguration", "ListBucketAnalyticsConfigurations"},
    {Scope::kBucket, "PUT", "analytics", "PutBucketAnalyticsConfiguration",
     "s3:PutAnalyticsConfiguration"},
    {Scope::kBucket, "DELETE", "analytics", "DeleteBucketAnalyticsConfiguration",
     "s3:PutAnalyticsConfiguration"},
    {Scope::kBucket, "GET", "metrics", "GetBucketMetricsConfiguration",
     "s3:GetMetricsConfiguration", "ListBucketMetricsConfigurations"},
    {Scope::kBucket, "PUT", "metrics", "PutBucketMetricsConfiguration",
     "s3:PutMetricsConfiguration"},
    {Scope::kBucket, "DELETE", "metrics", "DeleteBucketMetricsConfiguration",
     "s3:PutMetricsConfiguration"},
    {Scope::kBucket, "GET", "inventory", "GetBucketInventoryConfiguration",
     "s3:GetInventoryConfiguration", "ListBucketInventoryConfigurations"},
    {Scope::kBucket, "PUT", "inventory", "PutBucketInventoryConfiguration",
     "s3:PutInventoryConfiguration"},
    {Scope::kBucket, "DELETE", "inventory", "DeleteBucketInventoryConfiguration",
     "s3:PutInventoryConfiguration"},
    {Scope::kBucket, "GET", "session", "CreateSession", "s3express:CreateSession"},
    {Scope::kBucket, "GET", "metadataTable", "GetBucketMetadataTableConfiguration",
     "s3:GetBucketMetadataTableConfiguration"},
    {Scope::kBucket, "POST", "metadataTable", "CreateBucketMetadataTableConfiguration",
     "s3:CreateBucketMetadataTableConfiguration"},
    {Scope::kBucket, "DELETE", "metadataTable", "DeleteBucketMetadataTableConfiguration",
     "s3:DeleteBucketMetadataTableConfiguration"},

    // Object sub-resources.
    {Scope::kObject, "GET", "acl", "GetObjectAcl", "s3:GetObjectAcl"},
    {Scope::kObject, "PUT", "acl", "PutObjectAcl", "s3:PutObjectAcl"},
    {Scope::kObject, "GET", "retention", "GetObjectRetention", "s3:GetObjectRetention"},
    {Scope::kObject, "PUT", "retention", "PutObjectRetention", "s3:PutObjectRetention"},
    {Scope::kObject, "GET", "legal-hold", "GetObjectLegalHold", "s3:GetObjectLegalHold"},
    {Scope::kObject, "PUT", "legal-hold", "PutObjectLegalHold", "s3:PutObjectLegalHold"},
    {Scope::kObject, "GET", "torrent", "GetObjectTorrent", "s3:GetObjectTorrent"},
    {Scope::kObject, "POST", "restore", "RestoreObject", "s3:RestoreObject"},
    {Scope::kObject, "POST", "select", "SelectObjectContent", "s3:GetObject"},
};

// Sub-resources that select implemented operations (GET ?location, POST
// ?delete, ?policy and ?policyStatus, the multipart upload family, GET
// ?attributes, ?tagging, ?cors, ?versioning, ?versions); they are not in
// kUnsupportedRoutes.
constexpr std::string_view kImplementedSubresources[] = {
    "location",   "delete",  "policy", "policyStatus", "uploads", "uploadId",
    "attributes", "tagging", "cors",   "versioning",   "versions"};

}  // namespace

bool IsSubresource(std::string_view name) {
  if (std::find(std::begin(kImplementedSubresources), std::end(kImplementedSubresources), name) !=
      std::end(kImplementedSubresources)) {
    return true;
  }
  return std::any_of(std::begin(kUnsupportedRoutes), std::end(kUnsupportedRoutes),
                     [&](const UnsupportedRoute& r) { return r.subresource == name; });
}

const UnsupportedRoute* FindUnsupported(Scope scope, std::string_view method,
                                        std::string_view subresource) {
  for (const UnsupportedRoute& route : kUnsupportedRoutes) {
    if (route.scope == scope && route.method == method && route.subresource == subresource) {
      return &route;
    }
  }
  return nullptr;
}

std::string_view UnsupportedIamAction(std::string_view operation) {
  for (const UnsupportedRoute& route : kUnsupportedRoutes) {
    if (route.operation == operation || route.operation_without_id == operation) {
      return route.iam_action;
    }
  }
  return "";
}

}  // namespace strata::s3::internal
