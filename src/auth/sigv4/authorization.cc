#include "auth/sigv4/authorization.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

#include "auth/sigv4/signing.h"
#include "common/time_format.h"
#include "http/headers.h"

namespace strata::auth {

namespace {

using common::Code;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<std::string> LowerHex64(std::string_view s) {
  if (s.size() != 64) return std::nullopt;
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Builds errors for one source of the signature: the header and the query
// answer with different codes and wording, as S3 does.
struct ErrorStyle {
  Code code;
  std::string_view prefix;
  common::Status operator()(std::string_view detail) const {
    return common::Error(code, std::string(prefix).append(detail));
  }
};

constexpr ErrorStyle kHeaderError{Code::kAuthorizationHeaderMalformed,
                                  "The authorization header is malformed; "};
constexpr ErrorStyle kQueryError{Code::kAuthorizationQueryParametersError, ""};
constexpr ErrorStyle kFormError{Code::kInvalidArgument, "x-amz-credential: "};

// Fills the credential fields of claim from "AK/YYYYMMDD/region/s3/aws4_request".
common::Status ParseCredential(std::string_view credential, const ErrorStyle& error,
                               SignatureClaim& claim) {
  // Split from the right: the scope has exactly four parts, the key the rest.
  std::vector<std::string_view> parts;
  std::string_view rest = credential;
  for (int i = 0; i < 4; ++i) {
    size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos) break;
    parts.push_back(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
  }
  if (parts.size() != 4 || rest.empty() || parts[3].size() != 8 || !AllDigits(parts[3]) ||
      parts[2].empty()) {
    return error(
        "the Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  if (parts[1] != "s3") {
    return error("incorrect service \"" + std::string(parts[1]) +
                 "\". This endpoint belongs to \"s3\".");
  }
  if (parts[0] != kSigV4Terminal) {
    return error("incorrect terminal \"" + std::string(parts[0]) +
                 "\". This endpoint uses \"aws4_request\".");
  }
  claim.access_key = std::string(rest);
  claim.date = std::string(parts[3]);
  claim.region = std::string(parts[2]);
  claim.service = std::string(parts[1]);
  return common::Status::Ok();
}

common::Status ParseSignedHeaders(std::string_view value, const ErrorStyle& error,
                                  SignatureClaim& claim) {
  claim.signed_headers = std::string(value);
  claim.signed_header_names.clear();
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t semi = value.find(';', pos);
    if (semi == std::string_view::npos) semi = value.size();
    std::string_view name = value.substr(pos, semi - pos);
    if (name.empty()) return error("SignedHeaders has an empty header name.");
    claim.signed_header_names.push_back(http::ToLower(name));
    pos = semi + 1;
  }
  const auto& names = claim.signed_header_names;
  if (std::find(names.begin(), names.end(), "host") == names.end()) {
    return error("SignedHeaders must include host.");
  }
  return common::Status::Ok();
}

common::Status ParseSignature(std::string_view value, const ErrorStyle& error,
                              SignatureClaim& claim) {
  auto hex = LowerHex64(value);
  if (!hex) return error("the Signature must be 64 hexadecimal digits.");
  claim.signature = std::move(*hex);
  return common::Status::Ok();
}

// Splits "Credential=a, SignedHeaders=b,Signature=c" into components,
// tolerating blanks instead of (or besides) commas and around '='.
std::vector<std::string> SplitComponents(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(", \t", pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) tokens.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  std::vector<std::string> components;
  for (std::string_view token : tokens) {
    if (!components.empty()) {
      std::string& last = components.back();
      if (last.find('=') == std::string::npos || last.back() == '=' || token.front() == '=') {
        last.append(token);
        continue;
      }
    }
    components.emplace_back(token);
  }
  return components;
}

const std::string* FindUnique(const http::QueryParams& params, std::string_view name,
                              bool& repeated) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : params) {
    if (k != name) continue;
    if (found != nullptr) repeated = true;
    found = &v;
  }
  return found;
}

}  // namespace

std::string SignatureClaim::Scope() const { return CredentialScope(date, region, service); }

common::Result<SignatureClaim> ParseAuthorizationHeader(std::string_view value) {
  value = Trim(value);
  if (value.empty()) return kHeaderError("the header is empty.");
  size_t blank = value.find_first_of(" \t");
  std::string_view scheme = value.substr(0, blank);
  if (scheme != kSigV4Algorithm) {
    if (scheme.starts_with(kSigV4Algorithm)) {
      return kHeaderError("expected a blank after AWS4-HMAC-SHA256.");
    }
    std::string message =
        "The authorization mechanism you have provided is not supported. Please use "
        "AWS4-HMAC-SHA256.";
    if (scheme == "AWS") message += " (Signature Version 2 is not supported; sign with SigV4.)";
    if (scheme == "AWS4-ECDSA-P256-SHA256") message += " (SigV4a is not supported.)";
    return common::Error(Code::kInvalidRequest, std::move(message));
  }
  std::string_view rest = blank == std::string_view::npos ? "" : value.substr(blank);

  SignatureClaim claim;
  bool have_credential = false, have_signed_headers = false, have_signature = false;
  for (const std::string& component : SplitComponents(rest)) {
    size_t eq = component.find('=');
    if (eq == std::string::npos) {
      return kHeaderError("unexpected component \"" + component + "\".");
    }
    std::string_view key = std::string_view(component).substr(0, eq);
    std::string_view val = std::string_view(component).substr(eq + 1);
    bool* seen = nullptr;
    common::Status parsed;
    if (key == "Credential") {
      seen = &have_credential;
      parsed = ParseCredential(val, kHeaderError, claim);
    } else if (key == "SignedHeaders") {
      seen = &have_signed_headers;
      parsed = ParseSignedHeaders(val, kHeaderError, claim);
    } else if (key == "Signature") {
      seen = &have_signature;
      parsed = ParseSignature(val, kHeaderError, claim);
    } else {
      return kHeaderError("unknown component \"" + std::string(key) + "\".");
    }
    // A repeated component is ambiguous: refused rather than guessed.
    if (*seen) return kHeaderError("the component " + std::string(key) + " is repeated.");
    STRATA_RETURN_IF_ERROR(parsed);
    *seen = true;
  }
  if (!have_credential || !have_signed_headers || !have_signature) {
    return kHeaderError(
        "the authorization header requires three components: Credential, SignedHeaders, and "
        "Signature.");
  }
  return claim;
}

bool HasPresignParams(const http::QueryParams& params) {
  for (const auto& [k, v] : params) {
    if (k == "X-Amz-Algorithm" || k == "X-Amz-Credential" || k == "X-Amz-Signature") return true;
  }
  return false;
}

bool HasSigV2PresignParams(const http::QueryParams& params) {
  return http::FindParam(params, "AWSAccessKeyId") != nullptr &&
         http::FindParam(params, "Signature") != nullptr;
}

common::Result<PresignClaim> ParsePresignQuery(const http::QueryParams& params,
                                               int64_t max_expires_s) {
  bool repeated = false;
  const std::string* algorithm = FindUnique(params, "X-Amz-Algorithm", repeated);
  const std::string* credential = FindUnique(params, "X-Amz-Credential", repeated);
  const std::string* date = FindUnique(params, "X-Amz-Date", repeated);
  const std::string* expires = FindUnique(params, "X-Amz-Expires", repeated);
  const std::string* signed_headers = FindUnique(params, "X-Amz-SignedHeaders", repeated);
  const std::string* signature = FindUnique(params, "X-Amz-Signature", repeated);
  if (!algorithm || !credential || !date || !expires || !signed_headers || !signature) {
    return kQueryError(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, "
        "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
        "X-Amz-Expires parameters.");
  }
  if (repeated) return kQueryError("Each X-Amz- authentication parameter may appear only once.");
  if (*algorithm != kSigV4Algorithm) {
    return kQueryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".");
  }
  PresignClaim claim;
  STRATA_RETURN_IF_ERROR(
      ParseCredential(*credential,
                      ErrorStyle{Code::kAuthorizationQueryParametersError,
                                 "Error parsing the X-Amz-Credential parameter; "},
                      claim.signature));
  auto time = common::ParseAmzDate(*date);
  if (!time) {
    return kQueryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".");
  }
  claim.amz_date = *date;
  claim.time_s = *time;
  int64_t expires_s = 0;
  auto [end, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), expires_s);
  if (expires->empty() || ec != std::errc() || end != expires->data() + expires->size()) {
    return kQueryError("X-Amz-Expires should be a number.");
  }
  if (expires_s <= 0) return kQueryError("X-Amz-Expires must be a positive number of seconds.");
  if (expires_s > max_expires_s) {
    return kQueryError("X-Amz-Expires must be less than a week (in seconds) that's " +
                       std::to_string(max_expires_s) + ".");
  }
  claim.expires_s = expires_s;
  STRATA_RETURN_IF_ERROR(ParseSignedHeaders(*signed_headers, kQueryError, claim.signature));
  STRATA_RETURN_IF_ERROR(ParseSignature(*signature, kQueryError, claim.signature));
  return claim;
}

std::string ClaimedAccessKey(const http::Request& request) {
  if (const std::string* header = request.headers.Find("authorization")) {
    auto claim = ParseAuthorizationHeader(*header);
    return claim.ok() ? claim->access_key : "";
  }
  std::optional<http::QueryParams> params = http::ParseQuery(request.query);
  if (!params) return "";
  bool repeated = false;
  const std::string* credential = FindUnique(*params, "X-Amz-Credential", repeated);
  if (credential == nullptr || repeated) return "";
  SignatureClaim claim;
  if (!ParseCredential(*credential, kQueryError, claim).ok()) return "";
  return claim.access_key;
}

common::Result<SignatureClaim> ParseCredentialField(std::string_view credential) {
  SignatureClaim claim;
  STRATA_RETURN_IF_ERROR(ParseCredential(credential, kFormError, claim));
  return claim;
}

}  // namespace strata::auth
