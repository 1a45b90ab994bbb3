#pragma once
// The `; name=value; name="quoted \"value\""` parameters of a header value (Content-Type,
// Content-Disposition), header-only so that the S3 protocol layer can read form parts without
// linking the HTTP server. Pure; safe from any thread.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assetd::http {

using HeaderParameters = std::vector<std::pair<std::string, std::string>>;

// The parameters in `s`, the text after a header's first value. Names are lowercased. Inside
// quotes a backslash escapes only '"' and '\', so that a Windows path sent unescaped keeps its
// backslashes. nullopt on an unterminated quoted string.
inline std::optional<HeaderParameters> parseHeaderParameters(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  auto trim = [&](std::string_view t) {
    while (!t.empty() && blank(t.front())) t.remove_prefix(1);
    while (!t.empty() && blank(t.back())) t.remove_suffix(1);
    return t;
  };
  HeaderParameters out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (s[pos] == ';' || blank(s[pos])) {
      ++pos;
      continue;
    }
    const std::size_t nameEnd = s.find_first_of("=;", pos);
    std::string name(trim(s.substr(pos, nameEnd - pos)));
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (nameEnd == std::string_view::npos || s[nameEnd] == ';') {
      out.emplace_back(std::move(name), "");
      pos = nameEnd;
      continue;
    }
    pos = nameEnd + 1;
    while (pos < s.size() && blank(s[pos])) ++pos;
    std::string value;
    if (pos < s.size() && s[pos] == '"') {
      ++pos;
      while (pos < s.size() && s[pos] != '"') {
        if (s[pos] == '\\' && pos + 1 < s.size() && (s[pos + 1] == '"' || s[pos + 1] == '\\'))
          ++pos;
        value.push_back(s[pos++]);
      }
      if (pos >= s.size()) return std::nullopt;
      pos = s.find(';', pos);  // anything between the closing quote and ';' is ignored
    } else {
      const std::size_t end = s.find(';', pos);
      value = trim(s.substr(pos, end - pos));
      pos = end;
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

}  // namespace assetd::http
