#include "store/postgres/text_codec.hpp"

#include <algorithm>
#include <cstdint>

namespace assetd::store::postgres {
namespace {

constexpr char kEscape = '\x01';

// Length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7: no overlongs, no
// surrogates, nothing past U+10FFFF), or 0 when there is none.
std::size_t utf8Length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return k < s.size() && at(k) >= lo && at(k) <= hi;
  };
  unsigned char b = at(i);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    unsigned lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    unsigned lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

bool plain(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto b = static_cast<unsigned char>(c);
    return b <= 0x01 || b >= 0x80;
  });
}

bool isHex4(std::string_view s, std::size_t i, std::string_view digits) {
  return s.substr(i, 4) == digits;
}

}  // namespace

std::string encodeText(std::string_view raw) {
  if (plain(raw)) return std::string(raw);
  std::string out;
  out.reserve(raw.size() + 8);
  for (std::size_t i = 0; i < raw.size();) {
    auto b = static_cast<unsigned char>(raw[i]);
    if (b <= 0x01) {
      out += kEscape;
      out += static_cast<char>(b + 1);
      ++i;
      continue;
    }
    std::size_t n = utf8Length(raw, i);
    if (n == 0) {  // a stray byte: U+0180..U+01FF, two bytes of UTF-8
      unsigned cp = 0x100u + b;
      out += kEscape;
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
      ++i;
      continue;
    }
    out.append(raw, i, n);
    i += n;
  }
  return out;
}

std::string decodeText(std::string_view stored) {
  if (stored.find(kEscape) == std::string_view::npos) return std::string(stored);
  std::string out;
  out.reserve(stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] != kEscape || i + 1 >= stored.size()) {
      out += stored[i];
      continue;
    }
    auto next = static_cast<unsigned char>(stored[i + 1]);
    if (next == 0x01 || next == 0x02) {
      out += static_cast<char>(next - 1);
      i += 1;
    } else if ((next == 0xC6 || next == 0xC7) && i + 2 < stored.size()) {
      unsigned cp = ((next & 0x1Fu) << 6) | (static_cast<unsigned char>(stored[i + 2]) & 0x3Fu);
      out += static_cast<char>(cp - 0x100u);
      i += 2;
    } else {
      out += stored[i];  // not written by encodeText: kept
    }
  }
  return out;
}

std::string jsonbSafe(std::string_view json) {
  if (json.find("\\u000") == std::string_view::npos &&
      json.find("Infinity") == std::string_view::npos && json.find("NaN") == std::string_view::npos)
    return std::string(json);
  std::string out;
  out.reserve(json.size() + 16);
  bool inString = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (!inString) {
      if (json.substr(i, 8) == "Infinity") {  // beyond any double: still above every number
        out += "1e99999";
        i += 7;
      } else if (json.substr(i, 3) == "NaN") {
        out += "null";
        i += 2;
      } else {
        inString = c == '"';
        out += c;
      }
      continue;
    }
    if (c == '"') {
      inString = false;
      out += c;
    } else if (c != '\\' || i + 1 >= json.size()) {
      out += c;
    } else if (json[i + 1] == 'u' && isHex4(json, i + 2, "0000")) {
      out += "\\u0001\\u0001";
      i += 5;
    } else if (json[i + 1] == 'u' && isHex4(json, i + 2, "0001")) {
      out += "\\u0001\\u0002";
      i += 5;
    } else {  // any other escape: its two characters as they are
      out += c;
      out += json[++i];
    }
  }
  return out;
}

std::string jsonQuote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20) {
      out += "\\u00";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace assetd::store::postgres
