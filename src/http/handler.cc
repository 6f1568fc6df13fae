#include "http/handler.h"

namespace strata::http {

bool Handler::TryHandleInline(const Request&, ResponseWriter&) { return false; }

Response Handler::Reject(const Request&, const common::Status& reason) {
  Response r;
  r.status = reason.code() == common::Code::kSlowDown ? 503 : 400;
  r.headers.Set("Content-Type", "text/plain");
  r.body = reason.ToString() + "\n";
  return r;
}

}  // namespace strata::http
