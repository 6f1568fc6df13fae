#include "http/response_writer.h"

namespace strata::http {

common::Status WriteResponse(ResponseWriter& writer, const Response& response) {
  STRATA_RETURN_IF_ERROR(writer.WriteHead(response.status, response.headers, response.body.size()));
  if (response.body.empty()) return common::Status::Ok();
  return writer.WriteBody(response.body);
}

}  // namespace strata::http
