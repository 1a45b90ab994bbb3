#pragma once
// AWS Signature Version 4 (AWS4-HMAC-SHA256): presigned URLs, signed request headers, and
// verification of both on the receiving side. Pure functions: no I/O, no clock (callers pass the
// time as Unix seconds), safe from any thread.
//
// The canonicalization steps are public so that each can be checked against published vectors.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sign/url_codec.hpp"

namespace assetd::sign::sigv4 {

// (name, value) in the order they are sent; names compare case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::int64_t kMaxExpiresSeconds = 7 * 24 * 3600;

struct Credentials {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;  // empty for long-term keys
};

// How the request path enters the canonical request. S3 signs the path exactly as the object key
// is named (no dot-segment or '//' normalization, encoded once); the other AWS services normalize
// it and encode the already-encoded path a second time.
struct UriRules {
  bool normalizePath = false;
  bool doubleEncode = false;

  static constexpr UriRules s3() { return {false, false}; }
  static constexpr UriRules otherServices() { return {true, true}; }
};

// ---- Canonicalization ------------------------------------------------------------------------

// RFC 3986 dot-segment removal plus collapsing of empty segments; a trailing '/' is kept.
// "//a/./b/../c/" -> "/a/c/"; "" -> "/".
std::string normalizePath(std::string_view path);

// The CanonicalURI line from the raw (as sent, percent-encoded) path. Single encoding decodes
// first and re-encodes, so "/a%20b", "/a b" and "/a%20b" all give "/a%20b"; double encoding
// encodes the raw path as it is ("/a%20b" -> "/a%2520b").
std::string canonicalUri(std::string_view rawPath, UriRules rules);

// The CanonicalQueryString line: names and values RFC 3986-encoded, sorted by name then value,
// an absent value as "name=".
std::string canonicalQuery(const QueryParams& decoded);
// As above from a raw query; every parameter named `skip` (e.g. X-Amz-Signature) is left out.
std::string canonicalQuery(std::string_view rawQuery, std::string_view skip = {});

// Leading and trailing blanks removed, each run of spaces and tabs folded into one space.
std::string canonicalHeaderValue(std::string_view value);

// Lowercase, sorted, de-duplicated names of `headers`.
std::vector<std::string> headerNames(const Headers& headers);

struct CanonicalHeaders {
  std::string lines;          // "name:value\n" per signed name, sorted
  std::string signedHeaders;  // "name1;name2"
};
// The headers named in `names` (any case, any order); repeated headers are joined with ',' in
// the order they appear. A named header that is absent signs as an empty value.
CanonicalHeaders canonicalHeaders(const Headers& headers, const std::vector<std::string>& names);

std::string canonicalRequest(std::string_view method, std::string_view canonicalUri,
                             std::string_view canonicalQuery, const CanonicalHeaders& headers,
                             std::string_view payloadHash);

// ---- Signing ---------------------------------------------------------------------------------

// 1440936960 -> "20150830T123600Z".
std::string amzDate(std::int64_t unixSeconds);
// The inverse; nullopt unless exactly "YYYYMMDDTHHMMSSZ" naming a real instant.
std::optional<std::int64_t> parseAmzDate(std::string_view text);

// "20150830/us-east-1/s3/aws4_request"; `date` is YYYYMMDD.
std::string credentialScope(std::string_view date, std::string_view region,
                            std::string_view service, std::string_view terminator = "aws4_request");

// "<algorithm>\n<amzDate>\n<scope>\n<hex SHA-256 of canonicalRequest>".
std::string stringToSign(std::string_view amzDate, std::string_view scope,
                         std::string_view canonicalRequest,
                         std::string_view algorithm = kAlgorithm);

// HMAC chain over date, region, service, terminator, keyed by prefix + secret. Raw 32 bytes.
// (Google's GOOG4-HMAC-SHA256 is the same chain with prefix "GOOG4" and "goog4_request".)
std::string signingKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service, std::string_view prefix = "AWS4",
                       std::string_view terminator = "aws4_request");

// Hex HMAC-SHA256 of the string to sign.
std::string signature(std::string_view signingKey, std::string_view stringToSign);

// ---- Requests ----------------------------------------------------------------------------------

// The intermediate strings of one signing, for logs and tests.
struct Trace {
  std::string canonicalRequest;
  std::string stringToSign;
  std::string signature;
};

struct PresignInput {
  std::string method = "GET";
  // Absolute URL: scheme://host[:port]/path?query. Its query parameters are signed too.
  std::string url;
  Credentials credentials;
  std::string region = "us-east-1";
  std::string service = "s3";
  std::int64_t time = 0;               // signing instant, Unix seconds
  std::int64_t expiresSeconds = 3600;  // 1 .. kMaxExpiresSeconds
  // Headers the client must send with exactly these values (e.g. content-type); signed beside
  // host. A Host header here is ignored: it always comes from the URL.
  Headers headers;
  std::string payloadHash{kUnsignedPayload};
  UriRules uri = UriRules::s3();
  // false: X-Amz-Security-Token is appended after signing (services that do not sign it).
  bool signSessionToken = true;
};

struct Presigned {
  // The URL to hand out. For single-encoding rules the path is re-encoded canonically; the query
  // is the canonical query string followed by X-Amz-Signature.
  std::string url;
  Trace trace;
};

// Throws core::ApiError 400 naming the field for a malformed URL (one that already carries a
// signing parameter, or an X-Amz-Content-Sha256 the verifier would refuse), an expiry out of
// range or missing credentials, region or service.
Presigned presign(const PresignInput& input);

struct HeaderSignInput {
  std::string method = "GET";
  std::string url;
  // Headers the request will carry. All are signed except hop-by-hop ones and user-agent, expect
  // and x-amzn-trace-id, which intermediaries may change. Any host, authorization, x-amz-date,
  // x-amz-content-sha256 or x-amz-security-token given here is left out and replaced.
  Headers headers;
  std::string payloadHash{kEmptyPayloadHash};  // hex SHA-256 of the body, or UNSIGNED-PAYLOAD
  Credentials credentials;
  std::string region = "us-east-1";
  std::string service = "s3";
  std::int64_t time = 0;
  UriRules uri = UriRules::s3();
  bool addContentSha256 = true;  // S3 requires x-amz-content-sha256
  bool signSessionToken = true;
};

struct HeaderSignature {
  // To set on the request: Host (from the URL), X-Amz-Date, X-Amz-Content-Sha256 (if asked),
  // X-Amz-Security-Token (if any) and Authorization, in that order.
  Headers headers;
  std::string authorization;
  Trace trace;
};

// Throws core::ApiError 400 as presign().
HeaderSignature signHeaders(const HeaderSignInput& input);

// ---- Verification
// --------------------------------------------------------------------------------

// S3's answers to a request whose authentication fails; see errorCode() and httpStatus().
enum class AuthError {
  None,
  AccessDenied,                       // 403: missing, expired, not yet valid, malformed header auth
  AuthorizationQueryParametersError,  // 400: malformed query (presigned) auth
  InvalidAccessKeyId,                 // 403
  SignatureDoesNotMatch,              // 403
  RequestTimeTooSkewed,               // 403: header auth x-amz-date too far from now
  XAmzContentSHA256Mismatch,          // 400: for callers that check the body against the hash
};
std::string_view errorCode(AuthError error);  // "SignatureDoesNotMatch"; "" for None
int httpStatus(AuthError error);              // 200 for None

struct VerifyResult {
  AuthError error = AuthError::None;
  std::string message;  // human readable; names the failing part
  std::string accessKeyId;
  bool presigned = false;
  // What the body must hash to: hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* marker. The
  // caller checks the body unless it is unsigned or streaming.
  std::string payloadHash;
  // For verifying aws-chunked bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): the seed signature and
  // what the chunk signatures chain from.
  std::string amzDate;
  std::string scope;
  std::string signature;
  std::string signingKey;

  bool ok() const { return error == AuthError::None; }
  std::string_view code() const { return errorCode(error); }
  int status() const { return httpStatus(error); }
};

struct IncomingRequest {
  std::string_view method;
  std::string_view path;   // raw, as in the request line, without the query
  std::string_view query;  // raw, without '?'
  const Headers& headers;
};

// The secret of an access key id, or nullopt if the id is unknown.
using SecretLookup = std::function<std::optional<std::string>(std::string_view accessKeyId)>;

struct VerifyOptions {
  std::string region;  // empty: any region in the credential scope is accepted
  std::string service = "s3";
  UriRules uri = UriRules::s3();
  std::int64_t maxSkewSeconds =
      15 * 60;  // header auth: |x-amz-date - now|; presigned: not-yet-valid
};

// Checks query (presigned) or Authorization-header authentication; signatures are compared in
// constant time. Never throws on bad input: every failure is a VerifyResult.
VerifyResult verify(const IncomingRequest& request, const SecretLookup& secrets,
                    std::int64_t nowSeconds, const VerifyOptions& options = {});

}  // namespace assetd::sign::sigv4
