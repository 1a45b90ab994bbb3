#include "sign/gcs_v4.hpp"

#include <functional>

#include "core/error.hpp"
#include "sign/sigv4_detail.hpp"

namespace assetd::sign::gcs {
namespace {

constexpr std::string_view kRegion = "auto";
constexpr std::string_view kService = "storage";
constexpr std::string_view kTerminator = "goog4_request";
constexpr std::int64_t kLatestSeconds = 253402300799;  // 9999-12-31T23:59:59Z

struct Location {
  std::string authority;  // for the URL, port included
  std::string host;       // for the signed host header
  std::string path;       // encoded
};

Location locate(const SignUrlInput& input) {
  if (input.scheme != "https" && input.scheme != "http")
    throw core::ApiError::badRequest("scheme", "must be http or https");
  if (input.bucket.empty() || input.bucket.find('/') != std::string::npos)
    throw core::ApiError::badRequest("bucket", "required, without '/'");
  const std::string objectPath = input.object.empty() ? "" : "/" + uriEncode(input.object, true);

  Location out;
  switch (input.style) {
    case UrlStyle::PathStyle:
      out.authority = input.endpoint;
      out.path = "/" + uriEncode(input.bucket) + objectPath;
      break;
    case UrlStyle::VirtualHostedStyle:
      out.authority = input.bucket + "." + input.endpoint;
      out.path = objectPath.empty() ? "/" : objectPath;
      break;
    case UrlStyle::BucketBoundHostname:
      out.authority = input.bucketBoundHostname;
      out.path = objectPath.empty() ? "/" : objectPath;
      break;
  }
  const std::string field =
      input.style == UrlStyle::BucketBoundHostname ? "bucketBoundHostname" : "endpoint";
  if (out.authority.empty() || out.authority.find_first_of("/?#@") != std::string::npos)
    throw core::ApiError::badRequest(field, "must be host[:port]");
  out.host = parseUrl(input.scheme + "://" + out.authority, field).host;
  return out;
}

SignedUrl sign(const SignUrlInput& input, std::string_view algorithm, std::string_view keyId,
               const std::function<std::string(const std::string& stringToSign,
                                               const std::string& day)>& signStringToSign) {
  if (input.method.empty() || input.method.find_first_of(" \t\r\n") != std::string::npos)
    throw core::ApiError::badRequest("method", "must be an HTTP method");
  if (input.expiresSeconds < 1 || input.expiresSeconds > sigv4::kMaxExpiresSeconds)
    throw core::ApiError::badRequest("expiresSeconds", "must be between 1 and 604800");
  if (input.time < 0 || input.time > kLatestSeconds)
    throw core::ApiError::badRequest("time", "must be between 1970 and 9999");
  sigv4::detail::checkHeaders(input.headers);
  const Location location = locate(input);

  sigv4::Headers headers{{"host", location.host}};
  std::string payloadHash(sigv4::kUnsignedPayload);
  for (const auto& header : input.headers) {
    const std::string name = sigv4::detail::lowercase(header.first);
    if (name == "host") continue;
    if (name == "x-goog-content-sha256") payloadHash = sigv4::canonicalHeaderValue(header.second);
    headers.push_back(header);
  }
  const std::vector<std::string> names = sigv4::headerNames(headers);
  std::string signedNames;
  for (const auto& name : names) signedNames += (signedNames.empty() ? "" : ";") + name;

  const std::string date = sigv4::amzDate(input.time);
  const std::string scope =
      sigv4::credentialScope(date.substr(0, 8), kRegion, kService, kTerminator);
  QueryParams query = input.query;
  query.emplace_back("X-Goog-Algorithm", algorithm);
  query.emplace_back("X-Goog-Credential", std::string(keyId) + "/" + scope);
  query.emplace_back("X-Goog-Date", date);
  query.emplace_back("X-Goog-Expires", std::to_string(input.expiresSeconds));
  query.emplace_back("X-Goog-SignedHeaders", signedNames);
  const std::string canonicalQuery = sigv4::canonicalQuery(query);

  SignedUrl out;
  out.trace.canonicalRequest =
      sigv4::canonicalRequest(input.method, location.path, canonicalQuery,
                              sigv4::canonicalHeaders(headers, names), payloadHash);
  out.trace.stringToSign = sigv4::stringToSign(date, scope, out.trace.canonicalRequest, algorithm);
  out.trace.signature = signStringToSign(out.trace.stringToSign, date.substr(0, 8));
  out.url = input.scheme + "://" + location.authority + location.path + "?" + canonicalQuery +
            "&X-Goog-Signature=" + out.trace.signature;
  return out;
}

}  // namespace

SignedUrl signUrl(const SignUrlInput& input, const ServiceAccountKey& key) {
  if (key.clientEmail.empty()) throw core::ApiError::badRequest("client_email", "required");
  return sign(input, "GOOG4-RSA-SHA256", key.clientEmail,
              [&](const std::string& stringToSign, const std::string&) {
                return crypto::hex(key.privateKey.signSha256(stringToSign));
              });
}

SignedUrl signUrl(const SignUrlInput& input, const HmacKey& key) {
  if (key.accessId.empty()) throw core::ApiError::badRequest("accessId", "required");
  if (key.secret.empty()) throw core::ApiError::badRequest("secret", "required");
  return sign(input, "GOOG4-HMAC-SHA256", key.accessId,
              [&](const std::string& stringToSign, const std::string& day) {
                const std::string signingKey =
                    sigv4::signingKey(key.secret, day, kRegion, kService, "GOOG4", kTerminator);
                return sigv4::signature(signingKey, stringToSign);
              });
}

}  // namespace assetd::sign::gcs
