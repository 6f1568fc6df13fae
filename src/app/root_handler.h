// Splits the one port between the reserved /_strata/ paths (health now;
// metrics, admin and console later) and the S3 API (everything else).
#pragma once

#include "http/handler.h"
#include "meta/meta_store.h"

namespace strata::app {

class RootHandler : public http::Handler {
 public:
  RootHandler(http::Handler& s3, meta::MetaStore& meta) : s3_(s3), meta_(meta) {}

  void Handle(const http::Request& request, common::ByteSource& body,
              http::ResponseWriter& response) override;
  http::Response Reject(const http::Request& request, const common::Status& reason) override {
    return s3_.Reject(request, reason);
  }

 private:
  http::Response Reserved(const http::Request& request);

  http::Handler& s3_;
  meta::MetaStore& meta_;
};

}  // namespace strata::app
