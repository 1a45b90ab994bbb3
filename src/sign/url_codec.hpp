#pragma once
// Percent-encoding and absolute-URL splitting as the URL signers need them. RFC 3986 rules:
// only the unreserved characters A-Z a-z 0-9 - . _ ~ stay literal.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assetd::sign {

// Decoded (name, value) pairs, in their original order.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Every byte outside the unreserved set becomes %XX (uppercase hex); '/' stays when
// `keepSlash` (paths).
std::string uriEncode(std::string_view bytes, bool keepSlash = false);

// %XX sequences become bytes; anything else, a malformed '%' included, is kept as it is. '+' is
// a literal plus (RFC 3986), not a space.
std::string percentDecode(std::string_view text);

// "a=1&b&c=%20" -> {{"a","1"},{"b",""},{"c"," "}}; empty pieces ("&&") are skipped.
QueryParams parseQuery(std::string_view rawQuery);

// "scheme://host[:port]/path?query", no user info, no fragment.
struct ParsedUrl {
  std::string scheme;  // lowercase
  std::string host;    // as written; an IPv6 literal keeps its brackets
  std::string port;    // empty when the URL has none
  std::string path;    // raw (still percent-encoded), "/" when the URL has none
  std::string query;   // raw, without '?'

  // host[:port] exactly as written in the URL.
  std::string authority() const;
  // The Host header a client sends: the port only when it is not the scheme's default.
  std::string hostHeader() const;
};

// Throws core::ApiError 400 naming `field` if `url` is not such a URL.
ParsedUrl parseUrl(std::string_view url, const std::string& field = "url");

}  // namespace assetd::sign
