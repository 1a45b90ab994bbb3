#include "sign/sigv4.hpp"

#include <algorithm>
#include <array>

#include "core/error.hpp"
#include "core/time.hpp"
#include "sign/crypto.hpp"
#include "sign/sigv4_detail.hpp"

namespace assetd::sign::sigv4 {
namespace {

bool isBlank(char c) {
  return c == ' ' || c == '\t';
}

std::string join(const std::vector<std::string>& parts, char separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out.push_back(separator);
    out += part;
  }
  return out;
}

// Signing instants AWS can express: 1970 .. 9999.
constexpr std::int64_t kLatestSeconds = 253402300799;

// The checks presign() and signHeaders() share.
void checkCommon(std::string_view method, const Credentials& credentials, std::string_view region,
                 std::string_view service, std::int64_t time) {
  if (method.empty() || std::any_of(method.begin(), method.end(), [](char c) {
        return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
      }))
    throw core::ApiError::badRequest("method", "must be an HTTP method");
  if (credentials.accessKeyId.empty())
    throw core::ApiError::badRequest("credentials.accessKeyId", "required");
  if (credentials.accessKeyId.find('/') != std::string::npos)
    throw core::ApiError::badRequest("credentials.accessKeyId", "must not contain '/'");
  if (credentials.secretAccessKey.empty())
    throw core::ApiError::badRequest("credentials.secretAccessKey", "required");
  if (region.empty() || region.find('/') != std::string_view::npos)
    throw core::ApiError::badRequest("region", "required, without '/'");
  if (service.empty() || service.find('/') != std::string_view::npos)
    throw core::ApiError::badRequest("service", "required, without '/'");
  if (time < 0 || time > kLatestSeconds)
    throw core::ApiError::badRequest("time", "must be between 1970 and 9999");
}

}  // namespace

namespace detail {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool isAuthQueryParameter(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "X-Amz-Algorithm",     "X-Amz-Credential",     "X-Amz-Date",     "X-Amz-Expires",
      "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

bool isUnsignedHeader(std::string_view name) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "user-agent",        "expect",
      "x-amzn-trace-id",   "connection",
      "keep-alive",        "te",
      "trailer",           "upgrade",
      "transfer-encoding", "proxy-authorization",
      "proxy-authenticate"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

void checkHeaders(const Headers& headers) {
  for (const auto& [name, value] : headers) {
    // Not the strict RFC 9110 token: Google's conformance tests sign a name with '/' in it.
    const bool tokenName = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return static_cast<unsigned char>(c) > ' ' && c != 0x7f && c != ':';
    });
    if (!tokenName) throw core::ApiError::badRequest("headers", "invalid header name");
    if (std::any_of(value.begin(), value.end(), [](char c) {
          return (static_cast<unsigned char>(c) < ' ' && c != '\t') || c == 0x7f;
        }))
      throw core::ApiError::badRequest("headers." + name, "must not contain control characters");
  }
}

}  // namespace detail

using detail::checkHeaders;
using detail::isAuthQueryParameter;
using detail::isUnsignedHeader;
using detail::isValidPayloadHash;
using detail::lowercase;

std::string normalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out += segments[i];
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out.empty() ? "/" : out;
}

std::string canonicalUri(std::string_view rawPath, UriRules rules) {
  std::string path = rawPath.empty() ? std::string("/") : std::string(rawPath);
  if (rules.normalizePath) path = normalizePath(path);
  return rules.doubleEncode ? uriEncode(path, true) : uriEncode(percentDecode(path), true);
}

std::string canonicalQuery(const QueryParams& decoded) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(decoded.size());
  for (const auto& [name, value] : decoded) encoded.emplace_back(uriEncode(name), uriEncode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string canonicalQuery(std::string_view rawQuery, std::string_view skip) {
  QueryParams params = parseQuery(rawQuery);
  if (!skip.empty()) std::erase_if(params, [&](const auto& param) { return param.first == skip; });
  return canonicalQuery(params);
}

std::string canonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pendingBlank = false;
  for (char c : value) {
    if (isBlank(c)) {
      pendingBlank = !out.empty();
      continue;
    }
    if (pendingBlank) out.push_back(' ');
    pendingBlank = false;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> headerNames(const Headers& headers) {
  std::vector<std::string> names;
  names.reserve(headers.size());
  for (const auto& header : headers) names.push_back(lowercase(header.first));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

CanonicalHeaders canonicalHeaders(const Headers& headers, const std::vector<std::string>& names) {
  std::vector<std::string> wanted;
  wanted.reserve(names.size());
  for (const auto& name : names) wanted.push_back(lowercase(name));
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());

  CanonicalHeaders out;
  for (const auto& name : wanted) {
    std::string values;
    bool first = true;
    for (const auto& header : headers) {
      if (lowercase(header.first) != name) continue;
      if (!first) values.push_back(',');
      values += canonicalHeaderValue(header.second);
      first = false;
    }
    out.lines += name + ":" + values + "\n";
  }
  out.signedHeaders = join(wanted, ';');
  return out;
}

std::string canonicalRequest(std::string_view method, std::string_view canonicalUri,
                             std::string_view canonicalQuery, const CanonicalHeaders& headers,
                             std::string_view payloadHash) {
  std::string out;
  out.reserve(method.size() + canonicalUri.size() + canonicalQuery.size() + headers.lines.size() +
              headers.signedHeaders.size() + payloadHash.size() + 5);
  out.append(method).append("\n");
  out.append(canonicalUri).append("\n");
  out.append(canonicalQuery).append("\n");
  out.append(headers.lines).append("\n");
  out.append(headers.signedHeaders).append("\n");
  out.append(payloadHash);
  return out;
}

std::string amzDate(std::int64_t unixSeconds) {
  // "2015-08-30T12:36:00.000Z" -> "20150830T123600Z"
  const std::string iso = core::isoMillis(unixSeconds * 1000);
  std::string out;
  out.reserve(16);
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) out.push_back(iso[i]);
  out.push_back('T');
  for (std::size_t i : {11, 12, 14, 15, 17, 18}) out.push_back(iso[i]);
  out.push_back('Z');
  return out;
}

std::optional<std::int64_t> parseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 15; ++i)
    if (i != 8 && (text[i] < '0' || text[i] > '9')) return std::nullopt;
  const std::string iso = std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) +
                          "-" + std::string(text.substr(6, 2)) + "T" +
                          std::string(text.substr(9, 2)) + ":" + std::string(text.substr(11, 2)) +
                          ":" + std::string(text.substr(13, 2)) + "Z";
  const auto millis = core::parseIsoMillis(iso);
  if (!millis) return std::nullopt;
  return *millis / 1000;
}

std::string credentialScope(std::string_view date, std::string_view region,
                            std::string_view service, std::string_view terminator) {
  std::string out;
  out.append(date).append("/").append(region).append("/").append(service).append("/");
  out.append(terminator);
  return out;
}

std::string stringToSign(std::string_view amzDate, std::string_view scope,
                         std::string_view canonicalRequest, std::string_view algorithm) {
  std::string out;
  out.append(algorithm).append("\n").append(amzDate).append("\n").append(scope).append("\n");
  out.append(crypto::hex(crypto::sha256(canonicalRequest)));
  return out;
}

std::string signingKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service, std::string_view prefix,
                       std::string_view terminator) {
  // The key changes once a day per secret, region and service, and deriving it is four HMACs:
  // most of the cost of a presigned URL. Each thread keeps the last few it derived.
  struct Derived {
    std::string inputs;  // the chain's inputs, each preceded by its length
    std::string key;
  };
  static constexpr std::size_t kSlots = 4;
  thread_local Derived cache[kSlots];
  thread_local std::size_t next = 0;
  std::string inputs;
  for (std::string_view part : {secret, date, region, service, prefix, terminator}) {
    inputs += std::to_string(part.size());
    inputs.push_back(':');
    inputs.append(part);
  }
  for (const auto& slot : cache)
    if (!slot.key.empty() && slot.inputs == inputs) return slot.key;

  std::string key(prefix);
  key.append(secret);
  key = crypto::hmacSha256(key, date);
  key = crypto::hmacSha256(key, region);
  key = crypto::hmacSha256(key, service);
  key = crypto::hmacSha256(key, terminator);
  cache[next] = {std::move(inputs), key};
  next = (next + 1) % kSlots;
  return key;
}

std::string signature(std::string_view signingKey, std::string_view stringToSign) {
  return crypto::hex(crypto::hmacSha256(signingKey, stringToSign));
}

Presigned presign(const PresignInput& input) {
  checkCommon(input.method, input.credentials, input.region, input.service, input.time);
  if (input.expiresSeconds < 1 || input.expiresSeconds > kMaxExpiresSeconds)
    throw core::ApiError::badRequest("expiresSeconds", "must be between 1 and 604800");
  checkHeaders(input.headers);
  const ParsedUrl url = parseUrl(input.url);

  QueryParams query = parseQuery(url.query);
  int contentHashes = 0;
  for (const auto& [name, value] : query) {
    if (isAuthQueryParameter(name))
      throw core::ApiError::badRequest("url", "already carries the parameter " + name);
    // The verifier takes a presigned URL's payload hash from this parameter: one that could
    // never verify is refused here rather than signed.
    if (name == "X-Amz-Content-Sha256" && (++contentHashes > 1 || !isValidPayloadHash(value)))
      throw core::ApiError::badRequest(
          "url",
          "X-Amz-Content-Sha256 must be given once, as a hex SHA-256, UNSIGNED-PAYLOAD or "
          "STREAMING-*");
  }

  Headers headers{{"host", url.hostHeader()}};
  for (const auto& header : input.headers)
    if (lowercase(header.first) != "host") headers.push_back(header);
  const std::vector<std::string> names = headerNames(headers);

  const std::string date = amzDate(input.time);
  const std::string scope = credentialScope(date.substr(0, 8), input.region, input.service);
  const std::string& token = input.credentials.sessionToken;
  query.emplace_back("X-Amz-Algorithm", kAlgorithm);
  query.emplace_back("X-Amz-Credential", input.credentials.accessKeyId + "/" + scope);
  query.emplace_back("X-Amz-Date", date);
  query.emplace_back("X-Amz-Expires", std::to_string(input.expiresSeconds));
  if (!token.empty() && input.signSessionToken) query.emplace_back("X-Amz-Security-Token", token);
  query.emplace_back("X-Amz-SignedHeaders", join(names, ';'));
  const std::string signedQuery = canonicalQuery(query);

  Presigned out;
  out.trace.canonicalRequest =
      canonicalRequest(input.method, canonicalUri(url.path, input.uri), signedQuery,
                       canonicalHeaders(headers, names), input.payloadHash);
  out.trace.stringToSign = stringToSign(date, scope, out.trace.canonicalRequest);
  out.trace.signature = signature(
      signingKey(input.credentials.secretAccessKey, date.substr(0, 8), input.region, input.service),
      out.trace.stringToSign);

  const std::string path =
      input.uri.doubleEncode ? url.path : uriEncode(percentDecode(url.path), true);
  out.url = url.scheme + "://" + url.authority() + path + "?" + signedQuery;
  if (!token.empty() && !input.signSessionToken)
    out.url += "&X-Amz-Security-Token=" + uriEncode(token);
  out.url += "&X-Amz-Signature=" + out.trace.signature;
  return out;
}

HeaderSignature signHeaders(const HeaderSignInput& input) {
  checkCommon(input.method, input.credentials, input.region, input.service, input.time);
  checkHeaders(input.headers);
  const ParsedUrl url = parseUrl(input.url);
  const std::string date = amzDate(input.time);
  const std::string scope = credentialScope(date.substr(0, 8), input.region, input.service);
  const std::string& token = input.credentials.sessionToken;

  static constexpr std::array<std::string_view, 5> kReplaced = {
      "host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"};
  Headers request;
  std::vector<std::string> names;
  for (const auto& header : input.headers) {
    const std::string name = lowercase(header.first);
    if (std::find(kReplaced.begin(), kReplaced.end(), name) != kReplaced.end()) continue;
    request.push_back(header);
    if (!isUnsignedHeader(name)) names.push_back(name);
  }

  HeaderSignature out;
  out.headers.emplace_back("Host", url.hostHeader());
  out.headers.emplace_back("X-Amz-Date", date);
  if (input.addContentSha256) out.headers.emplace_back("X-Amz-Content-Sha256", input.payloadHash);
  if (!token.empty() && input.signSessionToken)
    out.headers.emplace_back("X-Amz-Security-Token", token);
  for (const auto& header : out.headers) {
    request.push_back(header);
    names.push_back(lowercase(header.first));
  }

  const CanonicalHeaders canonical = canonicalHeaders(request, names);
  out.trace.canonicalRequest =
      canonicalRequest(input.method, canonicalUri(url.path, input.uri), canonicalQuery(url.query),
                       canonical, input.payloadHash);
  out.trace.stringToSign = stringToSign(date, scope, out.trace.canonicalRequest);
  out.trace.signature = signature(
      signingKey(input.credentials.secretAccessKey, date.substr(0, 8), input.region, input.service),
      out.trace.stringToSign);
  out.authorization = std::string(kAlgorithm) + " Credential=" + input.credentials.accessKeyId +
                      "/" + scope + ", SignedHeaders=" + canonical.signedHeaders +
                      ", Signature=" + out.trace.signature;
  if (!token.empty() && !input.signSessionToken)
    out.headers.emplace_back("X-Amz-Security-Token", token);
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace assetd::sign::sigv4
