#include "s3/cors.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;
using nlohmann::json;

constexpr std::string_view kMethods[] = {"GET", "PUT", "POST", "DELETE", "HEAD"};

bool IsCorsMethod(std::string_view method) {
  return std::find(std::begin(kMethods), std::end(kMethods), method) != std::end(kMethods);
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

// Printable ASCII without space and comma: what an origin may hold, in a rule
// or echoed from a request.
bool IsSafeOrigin(std::string_view text) {
  return !text.empty() && text.size() <= kMaxCorsOriginLength &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return c > 0x20 && c < 0x7f && c != ','; });
}

size_t Wildcards(std::string_view text) { return std::count(text.begin(), text.end(), '*'); }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

// `pattern` holds at most one '*', which stands for any run of characters.
// Letters compare without case.
bool WildcardMatch(std::string_view pattern, std::string_view text) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return EqualsNoCase(pattern, text);
  std::string_view prefix = pattern.substr(0, star);
  std::string_view suffix = pattern.substr(star + 1);
  if (text.size() < prefix.size() + suffix.size()) return false;
  return EqualsNoCase(prefix, text.substr(0, prefix.size())) &&
         EqualsNoCase(suffix, text.substr(text.size() - suffix.size()));
}

common::Status WildcardError(std::string_view element, std::string_view value) {
  return Error(Code::kInvalidRequest, std::string(element) + " \"" + std::string(value) +
                                          "\" can not have more than one wildcard.");
}

common::Status BadCharacters(std::string_view element) {
  return Error(Code::kInvalidRequest,
               std::string(element) +
                   " holds a value that is empty, too long, or has a character that is not "
                   "allowed there (control characters, spaces, commas, non-ASCII)");
}

common::Status CheckRule(const CorsRule& rule) {
  if (rule.allowed_origins.empty() || rule.allowed_methods.empty()) {
    return Error(Code::kMalformedXml,
                 "Each CORSRule needs at least one AllowedOrigin and one AllowedMethod");
  }
  if (rule.id.size() > kMaxCorsIdLength) {
    return Error(Code::kInvalidArgument,
                 "The ID of a CORSRule can not be longer than 255 characters");
  }
  if (std::any_of(rule.id.begin(), rule.id.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return BadCharacters("ID");
  }
  for (const std::string& method : rule.allowed_methods) {
    if (!IsCorsMethod(method)) {
      // The method is echoed only when it cannot break the error document's
      // readers (the XML escapes it anyway).
      std::string shown = IsToken(method) ? method : "(not printable)";
      return Error(Code::kInvalidRequest,
                   "Found unsupported HTTP method in CORS config. Unsupported method is " + shown);
    }
  }
  for (const std::string& origin : rule.allowed_origins) {
    if (!IsSafeOrigin(origin)) return BadCharacters("AllowedOrigin");
    if (Wildcards(origin) > 1) return WildcardError("AllowedOrigin", origin);
  }
  for (const std::string& header : rule.allowed_headers) {
    if (header.size() > kMaxCorsHeaderLength || !IsToken(header)) {
      return BadCharacters("AllowedHeader");
    }
    if (Wildcards(header) > 1) return WildcardError("AllowedHeader", header);
  }
  for (const std::string& header : rule.expose_headers) {
    if (header.size() > kMaxCorsHeaderLength || !IsToken(header)) {
      return BadCharacters("ExposeHeader");
    }
    if (header.find('*') != std::string::npos) {
      return Error(Code::kInvalidRequest,
                   "ExposeHeader \"" + header +
                       "\" contains wildcard. We currently do not support wildcard for "
                       "ExposeHeader.");
    }
  }
  if (rule.max_age_seconds &&
      (*rule.max_age_seconds < 0 || *rule.max_age_seconds > std::numeric_limits<int32_t>::max())) {
    return Error(Code::kMalformedXml, "MaxAgeSeconds must be an integer from 0 to 2147483647");
  }
  return common::Status::Ok();
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// The origin pattern of `rule` that matches `origin`, or nullptr.
const std::string* MatchingOrigin(const CorsRule& rule, std::string_view origin) {
  for (const std::string& pattern : rule.allowed_origins) {
    if (WildcardMatch(pattern, origin)) return &pattern;
  }
  return nullptr;
}

bool AllowsMethod(const CorsRule& rule, std::string_view method) {
  return std::find(rule.allowed_methods.begin(), rule.allowed_methods.end(), method) !=
         rule.allowed_methods.end();
}

bool AllowsHeader(const CorsRule& rule, std::string_view header) {
  return std::any_of(rule.allowed_headers.begin(), rule.allowed_headers.end(),
                     [&](const std::string& pattern) { return WildcardMatch(pattern, header); });
}

// The headers both answers carry, for a rule that matched `origin`.
http::Headers CommonHeaders(const CorsRule& rule, std::string_view origin) {
  http::Headers headers;
  // A bare "*" rule answers "*" (and then no credentials, which browsers
  // refuse with "*"); any other match echoes the request's origin.
  const std::string* pattern = MatchingOrigin(rule, origin);
  const bool any = pattern != nullptr && *pattern == "*";
  headers.Set("Access-Control-Allow-Origin", any ? std::string_view("*") : origin);
  headers.Set("Access-Control-Allow-Methods", Join(rule.allowed_methods));
  if (!rule.expose_headers.empty()) {
    headers.Set("Access-Control-Expose-Headers", Join(rule.expose_headers));
  }
  if (rule.max_age_seconds) {
    headers.Set("Access-Control-Max-Age", std::to_string(*rule.max_age_seconds));
  }
  if (!any) headers.Set("Access-Control-Allow-Credentials", "true");
  return headers;
}

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// JSON helpers for DecodeCorsJson: each fails the whole decode.
bool ReadStrings(const json& object, const char* name, bool required,
                 std::vector<std::string>* out) {
  auto it = object.find(name);
  if (it == object.end()) return !required;
  if (!it->is_array()) return false;
  for (const json& item : *it) {
    if (!item.is_string()) return false;
    out->push_back(item.get<std::string>());
  }
  return true;
}

}  // namespace

common::Status CheckCorsConfiguration(const CorsConfiguration& config) {
  if (config.rules.empty()) {
    return Error(Code::kMalformedXml, "A CORSConfiguration needs at least one CORSRule");
  }
  if (config.rules.size() > kMaxCorsRules) {
    return Error(Code::kMalformedXml, "A CORSConfiguration holds at most 100 CORSRules");
  }
  for (const CorsRule& rule : config.rules) STRATA_RETURN_IF_ERROR(CheckRule(rule));
  return common::Status::Ok();
}

std::string EncodeCorsJson(const CorsConfiguration& config) {
  json rules = json::array();
  for (const CorsRule& rule : config.rules) {
    json object = json::object();
    if (!rule.id.empty()) object["id"] = rule.id;
    object["origins"] = rule.allowed_origins;
    object["methods"] = rule.allowed_methods;
    object["headers"] = rule.allowed_headers;
    object["expose"] = rule.expose_headers;
    if (rule.max_age_seconds) object["max_age"] = *rule.max_age_seconds;
    rules.push_back(std::move(object));
  }
  json document = {{"rules", std::move(rules)}};
  // Checked values are ASCII, so `replace` never applies; it only keeps
  // dump() from throwing by construction.
  return document.dump(-1, ' ', false, json::error_handler_t::replace);
}

common::Result<CorsConfiguration> DecodeCorsJson(std::string_view text) {
  auto corrupt = [] {
    return Error(Code::kCorruption, "the stored CORS configuration does not decode");
  };
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || document.size() != 1 || !document.contains("rules") ||
      !document["rules"].is_array()) {
    return corrupt();
  }
  CorsConfiguration config;
  for (const json& object : document["rules"]) {
    if (!object.is_object()) return corrupt();
    for (const auto& [name, unused] : object.items()) {
      static constexpr std::string_view kFields[] = {"id",      "origins", "methods",
                                                     "headers", "expose",  "max_age"};
      if (std::find(std::begin(kFields), std::end(kFields), name) == std::end(kFields)) {
        return corrupt();
      }
    }
    CorsRule rule;
    if (auto id = object.find("id"); id != object.end()) {
      if (!id->is_string()) return corrupt();
      rule.id = id->get<std::string>();
    }
    if (!ReadStrings(object, "origins", true, &rule.allowed_origins) ||
        !ReadStrings(object, "methods", true, &rule.allowed_methods) ||
        !ReadStrings(object, "headers", false, &rule.allowed_headers) ||
        !ReadStrings(object, "expose", false, &rule.expose_headers)) {
      return corrupt();
    }
    if (auto age = object.find("max_age"); age != object.end()) {
      if (!age->is_number_integer()) return corrupt();
      rule.max_age_seconds = age->get<int64_t>();
    }
    config.rules.push_back(std::move(rule));
  }
  if (!CheckCorsConfiguration(config).ok()) return corrupt();
  return config;
}

common::Result<PreflightRequest> ParsePreflightRequest(const http::Headers& headers) {
  PreflightRequest request;
  request.origin = std::string(headers.Get("origin"));
  if (request.origin.empty()) {
    return Error(Code::kBadRequest, "Insufficient information. Origin request header needed.");
  }
  const std::string* method = headers.Find("access-control-request-method");
  if (method == nullptr || !IsCorsMethod(*method)) {
    std::string shown = method == nullptr ? "null" : IsToken(*method) ? *method : "(not printable)";
    return Error(Code::kBadRequest, "Invalid Access-Control-Request-Method: " + shown);
  }
  request.method = *method;
  std::string requested = headers.GetJoined("access-control-request-headers");
  std::string_view rest = requested;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = TrimSpace(rest.substr(0, comma));
    if (!item.empty()) request.headers.push_back(http::ToLower(item));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
  }
  return request;
}

const CorsRule* MatchPreflight(const CorsConfiguration& config, const PreflightRequest& request) {
  if (!IsSafeOrigin(request.origin)) return nullptr;
  // Requested header names are echoed: tokens only.
  if (!std::all_of(request.headers.begin(), request.headers.end(), [](const std::string& h) {
        return h.size() <= kMaxCorsHeaderLength && IsToken(h);
      })) {
    return nullptr;
  }
  for (const CorsRule& rule : config.rules) {
    if (MatchingOrigin(rule, request.origin) == nullptr) continue;
    if (!AllowsMethod(rule, request.method)) continue;
    if (!std::all_of(request.headers.begin(), request.headers.end(),
                     [&](const std::string& h) { return AllowsHeader(rule, h); })) {
      continue;
    }
    return &rule;
  }
  return nullptr;
}

const CorsRule* MatchRequest(const CorsConfiguration& config, std::string_view origin,
                             std::string_view method) {
  if (!IsSafeOrigin(origin)) return nullptr;
  for (const CorsRule& rule : config.rules) {
    if (MatchingOrigin(rule, origin) != nullptr && AllowsMethod(rule, method)) return &rule;
  }
  return nullptr;
}

http::Headers PreflightHeaders(const CorsRule& rule, const PreflightRequest& request) {
  http::Headers headers = CommonHeaders(rule, request.origin);
  if (!request.headers.empty()) headers.Set("Access-Control-Allow-Headers", Join(request.headers));
  headers.Set("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
  return headers;
}

http::Headers ResponseCorsHeaders(const CorsRule& rule, std::string_view origin) {
  http::Headers headers = CommonHeaders(rule, origin);
  headers.Set("Vary", "Origin");
  return headers;
}

}  // namespace strata::s3
