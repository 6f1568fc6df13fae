#include "auth/policy/request.h"

#include <utility>

namespace strata::auth::policy {

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Principal Principal::User(std::string_view account, std::string_view name) {
  Principal principal;
  principal.anonymous = false;
  principal.user_name = std::string(name);
  principal.arn = "arn:aws:iam::" + std::string(account) + ":user/" + std::string(name);
  return principal;
}

std::string_view Principal::Account() const {
  // arn:aws:iam::<account>:...; the partition is not checked.
  std::string_view arn_view = arn;
  if (arn_view.substr(0, 4) != "arn:") return {};
  size_t colons[5];
  size_t found = 0;
  for (size_t i = 0; i < arn_view.size() && found < 5; ++i) {
    if (arn_view[i] == ':') colons[found++] = i;
  }
  if (found < 5) return {};
  if (arn_view.substr(colons[1] + 1, colons[2] - colons[1] - 1) != "iam") return {};
  return arn_view.substr(colons[3] + 1, colons[4] - colons[3] - 1);
}

void Context::Set(std::string_view key, std::string value) {
  values_[LowerAscii(key)] = std::vector<std::string>{std::move(value)};
}

void Context::SetValues(std::string_view key, std::vector<std::string> values) {
  values_[LowerAscii(key)] = std::move(values);
}

void Context::Add(std::string_view key, std::string value) {
  values_[LowerAscii(key)].push_back(std::move(value));
}

void Context::Erase(std::string_view key) { values_.erase(LowerAscii(key)); }

const std::vector<std::string>* Context::Find(std::string_view key) const {
  auto it = values_.find(LowerAscii(key));
  if (it == values_.end() || it->second.empty()) return nullptr;
  return &it->second;
}

}  // namespace strata::auth::policy
