#include "http/headers.h"

#include <algorithm>
#include <cctype>

namespace strata::http {

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void Headers::Add(std::string_view name, std::string_view value) {
  entries_.emplace_back(ToLower(name), std::string(value));
}

void Headers::Set(std::string_view name, std::string_view value) {
  Remove(name);
  Add(name, value);
}

void Headers::Remove(std::string_view name) {
  std::erase_if(entries_, [&](const Entry& e) { return EqualsIgnoreCase(e.first, name); });
}

const std::string* Headers::Find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (EqualsIgnoreCase(e.first, name)) return &e.second;
  }
  return nullptr;
}

std::string_view Headers::Get(std::string_view name) const {
  const std::string* v = Find(name);
  return v ? std::string_view(*v) : std::string_view();
}

std::string Headers::GetJoined(std::string_view name) const {
  std::string out;
  for (const auto& e : entries_) {
    if (!EqualsIgnoreCase(e.first, name)) continue;
    if (!out.empty()) out += ",";
    out += e.second;
  }
  return out;
}

}  // namespace strata::http
