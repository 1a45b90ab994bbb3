#pragma once
// Query strings and form bodies as real clients send them: the official SDK does not encode
// JSON in query strings, so literal '{', '[', ',', ':' and '"' arrive as they are.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assetd::http {

// Decodes %XX escapes (invalid escapes are kept literally); '+' becomes ' ' only if asked.
std::string percentDecode(std::string_view s, bool plusAsSpace);

class Params {
 public:
  // Splits on '&', then on the first '='; names and values percent-decoded.
  static Params parseQuery(std::string_view raw);
  // application/x-www-form-urlencoded: as parseQuery, and '+' is a space.
  static Params parseForm(std::string_view body);

  // The first value of `name`, or nullopt.
  std::optional<std::string> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& all() const { return items_; }
  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace assetd::http
