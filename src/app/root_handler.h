// Splits the one port between the reserved /_strata/ paths (health, the admin
// API; metrics and console later) and the S3 API (everything else).
#pragma once

#include "admin/storage_admin.h"
#include "http/handler.h"
#include "meta/meta_store.h"

namespace strata::app {

class RootHandler : public http::Handler {
 public:
  RootHandler(http::Handler& s3, meta::MetaStore& meta, admin::StorageAdmin& admin)
      : s3_(s3), meta_(meta), admin_(admin) {}

  void Handle(const http::Request& request, common::ByteSource& body,
              http::ResponseWriter& response) override;
  http::Response Reject(const http::Request& request, const common::Status& reason) override {
    return s3_.Reject(request, reason);
  }

 private:
  http::Response Reserved(const http::Request& request);

  http::Handler& s3_;
  meta::MetaStore& meta_;
  admin::StorageAdmin& admin_;
};

}  // namespace strata::app
