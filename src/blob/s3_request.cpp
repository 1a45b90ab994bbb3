#include "blob/s3_request.hpp"

#include <charconv>
#include <limits>

#include "sign/url_codec.hpp"

namespace assetd::blob::s3 {
namespace {

// The endpoint's path without a trailing '/', "" for none.
std::string basePath(const sign::ParsedUrl& endpoint) {
  std::string path = endpoint.path;
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

void appendDecodedEntity(std::string& out, std::string_view entity) {
  if (entity == "amp") {
    out.push_back('&');
  } else if (entity == "lt") {
    out.push_back('<');
  } else if (entity == "gt") {
    out.push_back('>');
  } else if (entity == "quot") {
    out.push_back('"');
  } else if (entity == "apos") {
    out.push_back('\'');
  } else if (entity.size() > 1 && entity.front() == '#') {
    const bool hexForm = entity[1] == 'x' || entity[1] == 'X';
    const std::string_view digits = entity.substr(hexForm ? 2 : 1);
    unsigned code = 0;
    auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), code, hexForm ? 16 : 10);
    if (ec != std::errc() || end != digits.data() + digits.size() || code > 0x10FFFF) {
      out += "&" + std::string(entity) + ";";
      return;
    }
    // UTF-8 encoding of the code point.
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  } else {
    out += "&" + std::string(entity) + ";";
  }
}

std::string decodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t semicolon = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semicolon == std::string_view::npos || semicolon - i > 10) {
      out.push_back(text[i]);
      continue;
    }
    appendDecodedEntity(out, text.substr(i + 1, semicolon - i - 1));
    i = semicolon;
  }
  return out;
}

std::string escapeXml(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string objectUrl(const S3Config& config, std::string_view key, std::string_view rawQuery) {
  const sign::ParsedUrl endpoint = sign::parseUrl(config.endpoint, "endpoint");
  std::string url = endpoint.scheme + "://";
  if (config.pathStyle) {
    url += endpoint.authority() + basePath(endpoint) + "/" + sign::uriEncode(config.bucket);
    if (!key.empty()) url += "/" + sign::uriEncode(key, true);
  } else {
    url += config.bucket + "." + endpoint.authority() + basePath(endpoint) + "/" +
           sign::uriEncode(key, true);
  }
  if (!rawQuery.empty()) url += "?" + std::string(rawQuery);
  return url;
}

sign::sigv4::Headers signedHeaders(const S3Config& config, std::string_view method,
                                   const std::string& url, sign::sigv4::Headers headers,
                                   const std::string& payloadHash, std::int64_t unixSeconds) {
  sign::sigv4::HeaderSignInput input;
  input.method = std::string(method);
  input.url = url;
  input.headers = headers;
  input.payloadHash = payloadHash;
  input.credentials = config.credentials;
  input.region = config.region;
  input.service = "s3";
  input.time = unixSeconds;
  sign::sigv4::HeaderSignature signature = sign::sigv4::signHeaders(input);
  // Host, X-Amz-Date, X-Amz-Content-Sha256, the token and Authorization.
  headers.insert(headers.end(), signature.headers.begin(), signature.headers.end());
  return headers;
}

std::optional<std::string> rangeHeader(std::uint64_t offset, std::uint64_t length) {
  constexpr std::uint64_t kLargest = std::numeric_limits<std::int64_t>::max();
  if (offset == 0 && length >= kLargest) return std::nullopt;
  if (length == 0) return std::nullopt;  // callers ask for no bytes without a request
  if (length > kLargest - offset) return "bytes=" + std::to_string(offset) + "-";
  return "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1);
}

std::optional<std::string> xmlText(std::string_view xml, std::string_view name) {
  const std::string open = "<" + std::string(name) + ">";
  const std::string close = "</" + std::string(name) + ">";
  const std::size_t start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t textStart = start + open.size();
  const std::size_t end = xml.find(close, textStart);
  if (end == std::string_view::npos) return std::nullopt;
  return decodeEntities(xml.substr(textStart, end - textStart));
}

std::optional<ErrorReply> parseErrorReply(std::string_view body) {
  if (body.find("<Error>") == std::string_view::npos) return std::nullopt;
  auto code = xmlText(body, "Code");
  if (!code) return std::nullopt;
  return ErrorReply{*code, xmlText(body, "Message").value_or("")};
}

std::string completeMultipartBody(const std::vector<std::string>& partEtags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < partEtags.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
           escapeXml(partEtags[i]) + "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

std::uint64_t partSizeFor(std::uint64_t total, std::uint64_t preferred) {
  constexpr std::uint64_t kMaxParts = 10000;
  constexpr std::uint64_t kMiB = 1u << 20;
  if (total <= preferred * kMaxParts) return preferred;
  const std::uint64_t needed = (total + kMaxParts - 1) / kMaxParts;
  return (needed + kMiB - 1) / kMiB * kMiB;
}

std::string quotedEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return std::string(etag);
  return "\"" + std::string(etag) + "\"";
}

}  // namespace assetd::blob::s3
