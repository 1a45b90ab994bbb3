#include "http/query.hpp"

namespace assetd::http {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Params parsePairs(std::string_view raw, bool plusAsSpace) {
  Params params;
  while (!raw.empty()) {
    const std::size_t amp = raw.find('&');
    const std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2": nothing between the separators
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      params.add(percentDecode(pair, plusAsSpace), "");
    } else {
      params.add(percentDecode(pair.substr(0, eq), plusAsSpace),
                 percentDecode(pair.substr(eq + 1), plusAsSpace));
    }
  }
  return params;
}

}  // namespace

std::string percentDecode(std::string_view s, bool plusAsSpace) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hexValue(s[i + 1]);
      const int lo = hexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plusAsSpace && c == '+' ? ' ' : c);
  }
  return out;
}

Params Params::parseQuery(std::string_view raw) {
  return parsePairs(raw, false);
}

Params Params::parseForm(std::string_view body) {
  return parsePairs(body, true);
}

std::optional<std::string> Params::get(std::string_view name) const {
  for (const auto& [key, value] : items_)
    if (key == name) return value;
  return std::nullopt;
}

}  // namespace assetd::http
