// The receiving side of SigV4: what an S3-compatible endpoint checks before serving a request.
#include <algorithm>
#include <array>

#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"
#include "sign/sigv4_detail.hpp"

namespace assetd::sign::sigv4 {
namespace {

using detail::isValidPayloadHash;
using detail::lowercase;

VerifyResult failure(AuthError error, std::string message) {
  VerifyResult result;
  result.error = error;
  result.message = std::move(message);
  return result;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool isLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The values of a header, by case-insensitive name.
std::vector<std::string_view> headerValues(const Headers& headers, std::string_view name) {
  std::vector<std::string_view> values;
  for (const auto& header : headers)
    if (lowercase(header.first) == name) values.push_back(header.second);
  return values;
}

// What both kinds of authentication carry, once parsed.
struct Claim {
  std::string accessKeyId;
  std::string date;  // YYYYMMDD from the credential
  std::string region;
  std::string service;
  std::string amzDate;
  std::int64_t signedAt = 0;
  std::vector<std::string> signedHeaders;
  std::string signature;
  std::string payloadHash;
};

// Parses "AKID/20150830/us-east-1/s3/aws4_request" into `claim`; a message on failure.
std::optional<std::string> parseCredential(std::string_view credential, Claim& claim) {
  const auto parts = split(credential, '/');
  if (parts.size() != 5 || parts[0].empty() || parts[2].empty() || parts[3].empty())
    return "credential must look like <access key>/<YYYYMMDD>/<region>/<service>/aws4_request";
  if (parts[1].size() != 8 ||
      !std::all_of(parts[1].begin(), parts[1].end(), [](char c) { return c >= '0' && c <= '9'; }))
    return "credential date must be YYYYMMDD";
  if (parts[4] != "aws4_request") return "credential must end with aws4_request";
  claim.accessKeyId = parts[0];
  claim.date = parts[1];
  claim.region = parts[2];
  claim.service = parts[3];
  return std::nullopt;
}

// Checks what is common to both kinds once the claim is parsed; a message on failure.
std::optional<std::string> checkClaim(const Claim& claim, const VerifyOptions& options) {
  if (claim.amzDate.substr(0, 8) != claim.date)
    return "credential date " + claim.date + " does not match the request date " + claim.amzDate;
  if (!options.region.empty() && claim.region != options.region)
    return "the region '" + claim.region + "' is wrong; expecting '" + options.region + "'";
  if (claim.service != options.service)
    return "the service '" + claim.service + "' is wrong; expecting '" + options.service + "'";
  if (std::find(claim.signedHeaders.begin(), claim.signedHeaders.end(), "host") ==
      claim.signedHeaders.end())
    return "signed headers must include host";
  return std::nullopt;
}

std::vector<std::string> parseSignedHeaders(std::string_view list) {
  std::vector<std::string> names;
  for (std::string_view name : split(list, ';'))
    if (!name.empty()) names.push_back(lowercase(name));
  return names;
}

// The signature check both kinds end with.
VerifyResult finish(const IncomingRequest& request, const Claim& claim, const std::string& secret,
                    std::string_view canonicalQueryString, const VerifyOptions& options,
                    bool presigned) {
  const std::string creq = canonicalRequest(
      request.method, canonicalUri(request.path, options.uri), canonicalQueryString,
      canonicalHeaders(request.headers, claim.signedHeaders), claim.payloadHash);
  const std::string scope = credentialScope(claim.date, claim.region, claim.service);
  const std::string sts = stringToSign(claim.amzDate, scope, creq);
  std::string key = signingKey(secret, claim.date, claim.region, claim.service);
  if (!crypto::constantTimeEquals(signature(key, sts), claim.signature))
    return failure(AuthError::SignatureDoesNotMatch,
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.");
  VerifyResult result;
  result.accessKeyId = claim.accessKeyId;
  result.presigned = presigned;
  result.payloadHash = claim.payloadHash;
  result.amzDate = claim.amzDate;
  result.scope = scope;
  result.signature = claim.signature;
  result.signingKey = std::move(key);
  return result;
}

VerifyResult verifyQuery(const IncomingRequest& request, const QueryParams& params,
                         const SecretLookup& secrets, std::int64_t now,
                         const VerifyOptions& options) {
  auto malformed = [](std::string message) {
    return failure(AuthError::AuthorizationQueryParametersError, std::move(message));
  };
  // Exactly one value of each parameter, or a message.
  auto single = [&](std::string_view name, std::string& out) -> std::optional<std::string> {
    int count = 0;
    for (const auto& [key, value] : params)
      if (key == name) {
        out = value;
        ++count;
      }
    if (count == 0) return "missing the query parameter " + std::string(name);
    if (count > 1) return "the query parameter " + std::string(name) + " is repeated";
    return std::nullopt;
  };

  std::string algorithm, credential, expires, signedHeaders;
  Claim claim;
  const std::array<std::pair<std::string_view, std::string*>, 6> required{{
      {"X-Amz-Algorithm", &algorithm},
      {"X-Amz-Credential", &credential},
      {"X-Amz-Date", &claim.amzDate},
      {"X-Amz-Expires", &expires},
      {"X-Amz-SignedHeaders", &signedHeaders},
      {"X-Amz-Signature", &claim.signature},
  }};
  for (const auto& [name, out] : required)
    if (auto problem = single(name, *out)) return malformed(*problem);
  if (algorithm != kAlgorithm)
    return malformed("X-Amz-Algorithm only supports \"" + std::string(kAlgorithm) + "\"");
  if (auto problem = parseCredential(credential, claim))
    return malformed("X-Amz-Credential: " + *problem);
  const auto signedAt = parseAmzDate(claim.amzDate);
  if (!signedAt)
    return malformed("X-Amz-Date must be in the ISO8601 basic format YYYYMMDDTHHMMSSZ");
  claim.signedAt = *signedAt;
  if (expires.empty() || expires.size() > 7 ||
      !std::all_of(expires.begin(), expires.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return malformed("X-Amz-Expires must be a number of seconds");
  const std::int64_t lifetime = std::stoll(expires);
  if (lifetime < 1 || lifetime > kMaxExpiresSeconds)
    return malformed("X-Amz-Expires must be between 1 and 604800 seconds (a week)");
  claim.signedHeaders = parseSignedHeaders(signedHeaders);
  if (auto problem = checkClaim(claim, options)) return malformed(*problem);

  // A presigned URL signs UNSIGNED-PAYLOAD unless the signer said otherwise.
  std::string contentHash;
  const bool inQuery = std::any_of(params.begin(), params.end(), [](const auto& param) {
    return param.first == "X-Amz-Content-Sha256";
  });
  if (inQuery) {
    if (auto problem = single("X-Amz-Content-Sha256", contentHash)) return malformed(*problem);
  } else {
    const auto values = headerValues(request.headers, "x-amz-content-sha256");
    if (values.size() > 1) return malformed("x-amz-content-sha256 is repeated");
    contentHash =
        values.empty() ? std::string(kUnsignedPayload) : std::string(trim(values.front()));
  }
  if (!isValidPayloadHash(contentHash))
    return malformed("X-Amz-Content-Sha256 must be a hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-*");
  claim.payloadHash = contentHash;

  const auto secret = secrets(claim.accessKeyId);
  if (!secret)
    return failure(AuthError::InvalidAccessKeyId,
                   "The AWS Access Key Id you provided does not exist in our records.");
  if (claim.signedAt - options.maxSkewSeconds > now)
    return failure(AuthError::AccessDenied, "Request is not valid yet");
  if (now > claim.signedAt + lifetime)
    return failure(AuthError::AccessDenied, "Request has expired");
  return finish(request, claim, *secret, canonicalQuery(request.query, "X-Amz-Signature"), options,
                true);
}

VerifyResult verifyHeader(const IncomingRequest& request, std::string_view authorization,
                          const SecretLookup& secrets, std::int64_t now,
                          const VerifyOptions& options) {
  auto malformed = [](const std::string& message) {
    return failure(AuthError::AccessDenied, "malformed Authorization header: " + message);
  };
  std::string_view fields = trim(authorization);
  if (!fields.starts_with(kAlgorithm) || fields.size() == kAlgorithm.size() ||
      (fields[kAlgorithm.size()] != ' '))
    return failure(AuthError::AccessDenied, "unsupported authorization type; only " +
                                                std::string(kAlgorithm) + " is accepted");
  fields.remove_prefix(kAlgorithm.size());

  std::optional<std::string_view> credential, signedHeaders, signatureField;
  for (std::string_view part : split(fields, ',')) {
    part = trim(part);
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos)
      return malformed("expected key=value, got '" + std::string(part) + "'");
    const std::string_view key = part.substr(0, eq);
    std::optional<std::string_view>* slot = key == "Credential"      ? &credential
                                            : key == "SignedHeaders" ? &signedHeaders
                                            : key == "Signature"     ? &signatureField
                                                                     : nullptr;
    if (slot == nullptr) return malformed("unknown field '" + std::string(key) + "'");
    if (slot->has_value()) return malformed("repeated field '" + std::string(key) + "'");
    *slot = part.substr(eq + 1);
  }
  if (!credential || !signedHeaders || !signatureField)
    return malformed("Credential, SignedHeaders and Signature are required");

  Claim claim;
  if (auto problem = parseCredential(*credential, claim)) return malformed(*problem);
  claim.signedHeaders = parseSignedHeaders(*signedHeaders);
  claim.signature = std::string(*signatureField);
  const auto dates = headerValues(request.headers, "x-amz-date");
  if (dates.size() != 1)
    return failure(AuthError::AccessDenied, "exactly one x-amz-date header is required");
  claim.amzDate = std::string(trim(dates.front()));
  const auto signedAt = parseAmzDate(claim.amzDate);
  if (!signedAt)
    return failure(AuthError::AccessDenied, "x-amz-date must be in the format YYYYMMDDTHHMMSSZ");
  claim.signedAt = *signedAt;
  if (auto problem = checkClaim(claim, options)) return malformed(*problem);

  const auto hashes = headerValues(request.headers, "x-amz-content-sha256");
  if (hashes.size() > 1)
    return failure(AuthError::AccessDenied, "x-amz-content-sha256 is repeated");
  claim.payloadHash =
      hashes.empty() ? std::string(kEmptyPayloadHash) : std::string(trim(hashes.front()));
  if (!isValidPayloadHash(claim.payloadHash))
    return failure(AuthError::AccessDenied,
                   "x-amz-content-sha256 must be a hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-*");

  const auto secret = secrets(claim.accessKeyId);
  if (!secret)
    return failure(AuthError::InvalidAccessKeyId,
                   "The AWS Access Key Id you provided does not exist in our records.");
  if (claim.signedAt > now + options.maxSkewSeconds ||
      claim.signedAt < now - options.maxSkewSeconds)
    return failure(AuthError::RequestTimeTooSkewed,
                   "The difference between the request time and the server's time is too large.");
  return finish(request, claim, *secret, canonicalQuery(request.query), options, false);
}

}  // namespace

bool detail::isValidPayloadHash(std::string_view hash) {
  return (hash.size() == 64 && isLowerHex(hash)) || hash == kUnsignedPayload ||
         hash.starts_with("STREAMING-");
}

std::string_view errorCode(AuthError error) {
  switch (error) {
    case AuthError::None:
      return "";
    case AuthError::AccessDenied:
      return "AccessDenied";
    case AuthError::AuthorizationQueryParametersError:
      return "AuthorizationQueryParametersError";
    case AuthError::InvalidAccessKeyId:
      return "InvalidAccessKeyId";
    case AuthError::SignatureDoesNotMatch:
      return "SignatureDoesNotMatch";
    case AuthError::RequestTimeTooSkewed:
      return "RequestTimeTooSkewed";
    case AuthError::XAmzContentSHA256Mismatch:
      return "XAmzContentSHA256Mismatch";
  }
  return "AccessDenied";
}

int httpStatus(AuthError error) {
  switch (error) {
    case AuthError::None:
      return 200;
    case AuthError::AuthorizationQueryParametersError:
    case AuthError::XAmzContentSHA256Mismatch:
      return 400;
    case AuthError::AccessDenied:
    case AuthError::InvalidAccessKeyId:
    case AuthError::SignatureDoesNotMatch:
    case AuthError::RequestTimeTooSkewed:
      return 403;
  }
  return 403;
}

VerifyResult verify(const IncomingRequest& request, const SecretLookup& secrets,
                    std::int64_t nowSeconds, const VerifyOptions& options) {
  const QueryParams params = parseQuery(request.query);
  const bool queryAuth = std::any_of(params.begin(), params.end(), [](const auto& param) {
    return param.first == "X-Amz-Algorithm" || param.first == "X-Amz-Credential" ||
           param.first == "X-Amz-Signature";
  });
  const auto authorization = headerValues(request.headers, "authorization");
  if (queryAuth && !authorization.empty())
    return failure(AuthError::AccessDenied,
                   "only one auth mechanism allowed: query parameters or the Authorization header");
  if (queryAuth) return verifyQuery(request, params, secrets, nowSeconds, options);
  if (authorization.empty()) return failure(AuthError::AccessDenied, "the request is not signed");
  if (authorization.size() > 1)
    return failure(AuthError::AccessDenied, "the Authorization header is repeated");
  return verifyHeader(request, authorization.front(), secrets, nowSeconds, options);
}

}  // namespace assetd::sign::sigv4
