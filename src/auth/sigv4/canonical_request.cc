#include "auth/sigv4/canonical_request.h"

#include <algorithm>
#include <utility>

namespace strata::auth {

std::vector<std::string> CanonicalUriCandidates(std::string_view raw_path) {
  std::string raw(raw_path.empty() ? std::string_view("/") : raw_path);
  std::vector<std::string> out;
  if (auto decoded = http::PercentDecode(raw)) {
    out.push_back(http::UriEncode(*decoded, /*keep_slash=*/true));
  }
  if (out.empty() || out.front() != raw) out.push_back(std::move(raw));
  return out;
}

http::QueryParams DecodeQuery(std::string_view raw_query, bool plus_as_space) {
  http::QueryParams params;
  auto decode = [plus_as_space](std::string_view text) {
    auto decoded = http::PercentDecode(text, plus_as_space);
    return decoded ? std::move(*decoded) : std::string(text);
  };
  size_t pos = 0;
  while (pos < raw_query.size()) {
    size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view part = raw_query.substr(pos, amp - pos);
    if (!part.empty()) {
      size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        params.emplace_back(decode(part), "");
      } else {
        params.emplace_back(decode(part.substr(0, eq)), decode(part.substr(eq + 1)));
      }
    }
    pos = amp + 1;
  }
  return params;
}

std::string CanonicalQuery(const http::QueryParams& decoded, std::string_view excluded_name) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(decoded.size());
  for (const auto& [name, value] : decoded) {
    if (!excluded_name.empty() && name == excluded_name) continue;
    encoded.emplace_back(http::UriEncode(name, false), http::UriEncode(value, false));
  }
  // Byte order of the encoded forms, as the SigV4 spec sorts.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

std::vector<std::string> CanonicalQueryCandidates(std::string_view raw_query,
                                                  std::string_view excluded_name) {
  std::vector<std::string> out;
  out.push_back(CanonicalQuery(DecodeQuery(raw_query, false), excluded_name));
  if (raw_query.find('+') != std::string_view::npos) {
    std::string form = CanonicalQuery(DecodeQuery(raw_query, true), excluded_name);
    if (form != out.front()) out.push_back(std::move(form));
  }
  return out;
}

std::string CanonicalHeaderValue(std::string_view value) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (blank(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string CanonicalHeaders(const http::Headers& headers,
                             const std::vector<std::string>& signed_names) {
  std::string out;
  for (const std::string& name : signed_names) {
    out.append(name).push_back(':');
    bool first = true;
    for (const auto& [entry_name, entry_value] : headers.entries()) {
      if (entry_name != name) continue;
      if (!first) out.push_back(',');
      out.append(CanonicalHeaderValue(entry_value));
      first = false;
    }
    out.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + payload_hash.size() + 5);
  out.append(method).push_back('\n');
  out.append(canonical_uri).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(canonical_headers).push_back('\n');
  out.append(signed_headers).push_back('\n');
  out.append(payload_hash);
  return out;
}

}  // namespace strata::auth
