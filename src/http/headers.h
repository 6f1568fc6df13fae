// HTTP header list with case-insensitive lookup. Names are stored lower-case
// (SigV4 canonicalization and S3 routing both want them that way); order and
// duplicates are kept.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::http {

class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;  // {lower-case name, value}

  // Lower-cases name.
  void Add(std::string_view name, std::string_view value);
  // Replaces every entry of that name.
  void Set(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  // First value of the header, or nullptr. name is matched case-insensitively.
  const std::string* Find(std::string_view name) const;
  // First value, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  // All values joined by "," as RFC 9110 allows for repeated fields.
  std::string GetJoined(std::string_view name) const;

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<Entry> entries_;
};

std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace strata::http
