#include "sign/url_codec.hpp"

#include "core/error.hpp"

namespace assetd::sign {
namespace {

bool isUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool isDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string uriEncode(std::string_view bytes, bool keepSlash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3 / 2);
  std::size_t i = 0;
  while (i < bytes.size()) {
    // Runs that stay as they are are appended at once (most of a key or a parameter).
    std::size_t kept = i;
    while (kept < bytes.size()) {
      const auto c = static_cast<unsigned char>(bytes[kept]);
      if (!isUnreserved(c) && !(keepSlash && c == '/')) break;
      ++kept;
    }
    out.append(bytes.data() + i, kept - i);
    if (kept == bytes.size()) break;
    const auto c = static_cast<unsigned char>(bytes[kept]);
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
    i = kept + 1;
  }
  return out;
}

std::string percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
        hexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

QueryParams parseQuery(std::string_view rawQuery) {
  QueryParams params;
  std::size_t start = 0;
  while (start <= rawQuery.size()) {
    std::size_t end = rawQuery.find('&', start);
    if (end == std::string_view::npos) end = rawQuery.size();
    const std::string_view piece = rawQuery.substr(start, end - start);
    if (!piece.empty()) {
      const std::size_t eq = piece.find('=');
      if (eq == std::string_view::npos)
        params.emplace_back(percentDecode(piece), std::string());
      else
        params.emplace_back(percentDecode(piece.substr(0, eq)),
                            percentDecode(piece.substr(eq + 1)));
    }
    start = end + 1;
  }
  return params;
}

std::string ParsedUrl::authority() const {
  return port.empty() ? host : host + ":" + port;
}

std::string ParsedUrl::hostHeader() const {
  const bool defaultPort =
      port.empty() || (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  return defaultPort ? host : host + ":" + port;
}

ParsedUrl parseUrl(std::string_view url, const std::string& field) {
  auto fail = [&](const std::string& what) { return core::ApiError::badRequest(field, what); };
  for (char c : url)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      throw fail("contains a control character");
  if (url.find('#') != std::string_view::npos) throw fail("must not have a fragment");

  ParsedUrl out;
  const std::size_t schemeEnd = url.find("://");
  if (schemeEnd == std::string_view::npos || schemeEnd == 0)
    throw fail("must be an absolute URL (scheme://host/path)");
  for (std::size_t i = 0; i < schemeEnd; ++i) {
    char c = url[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') ||
                    (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) throw fail("has an invalid scheme");
    out.scheme.push_back(c);
  }

  const std::string_view rest = url.substr(schemeEnd + 3);
  const std::size_t authorityEnd = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authorityEnd);
  if (authority.find('@') != std::string_view::npos) throw fail("must not carry user info");
  std::string_view portText;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) throw fail("has an unterminated IPv6 host");
    out.host = std::string(authority.substr(0, close + 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw fail("has an invalid host");
      portText = after.substr(1);
      if (portText.empty()) throw fail("has an empty port");
    }
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      portText = authority.substr(colon + 1);
      if (portText.empty()) throw fail("has an empty port");
    }
  }
  const bool bracketed = !out.host.empty() && out.host.front() == '[';
  if (out.host.empty() || (!bracketed && out.host.find_first_of(" []") != std::string::npos))
    throw fail("has an invalid host");
  if (!portText.empty()) {
    if (!isDigits(portText) || portText.size() > 5 || std::stoi(std::string(portText)) == 0 ||
        std::stoi(std::string(portText)) > 65535)
      throw fail("has an invalid port");
    out.port = std::string(portText);
  }

  if (authorityEnd == std::string_view::npos) {
    out.path = "/";
    return out;
  }
  const std::string_view tail = rest.substr(authorityEnd);
  const std::size_t question = tail.find('?');
  out.path = std::string(tail.substr(0, question));
  if (out.path.empty()) out.path = "/";
  if (question != std::string_view::npos) out.query = std::string(tail.substr(question + 1));
  return out;
}

}  // namespace assetd::sign
