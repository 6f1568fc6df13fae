#include "service/read_conditions.h"

namespace strata::service {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool EtagListMatches(std::string_view header_value, std::string_view etag) {
  while (!header_value.empty()) {
    size_t comma = header_value.find(',');
    std::string_view item = Trim(header_value.substr(0, comma));
    header_value = comma == std::string_view::npos ? "" : header_value.substr(comma + 1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    }
    if (item == etag) return true;
  }
  return false;
}

common::Status EvaluateReadConditions(const ReadConditions& c, const meta::ObjectRecord& object,
                                      bool copy_source) {
  using common::Code;
  // HTTP dates have whole seconds; compare the object's time at that precision.
  int64_t modified = object.last_modified_ms / 1000;
  auto failed = [](std::string message) {
    return common::Error(Code::kPreconditionFailed, message);
  };
  auto not_modified = [&](std::string message) {
    return copy_source ? common::Error(Code::kPreconditionFailed, message)
                       : common::Error(Code::kNotModified, message);
  };

  if (c.if_match) {
    if (!EtagListMatches(*c.if_match, object.etag)) {
      return failed("At least one of the pre-conditions you specified did not hold");
    }
  } else if (c.if_unmodified_since && modified > *c.if_unmodified_since) {
    return failed("At least one of the pre-conditions you specified did not hold");
  }
  if (c.if_none_match) {
    if (EtagListMatches(*c.if_none_match, object.etag)) return not_modified("Not Modified");
  } else if (c.if_modified_since && modified <= *c.if_modified_since) {
    return not_modified("Not Modified");
  }
  return common::Status::Ok();
}

}  // namespace strata::service
