#include "sign/storage_urls.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "sign/azure_sas.hpp"
#include "sign/gcs_v4.hpp"
#include "sign/sigv4.hpp"
#include "sign/url_codec.hpp"

namespace assetd::sign::storage_urls {
namespace {

constexpr std::string_view kAwsSuffix = ".amazonaws.com";
constexpr std::string_view kGcsHost = "storage.googleapis.com";
constexpr std::string_view kGcsBrowserHost = "storage.cloud.google.com";
constexpr std::string_view kAzureSuffix = ".blob.core.windows.net";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string region(const Target& target) {
  return target.region.empty() ? "us-east-1" : target.region;
}

std::string effectivePort(const ParsedUrl& url) {
  if (!url.port.empty()) return url.port;
  if (url.scheme == "https") return "443";
  if (url.scheme == "http") return "80";
  return {};
}

// A bucket name that can be the first label(s) of a virtual-hosted name and keep TLS working.
bool dnsSafeBucket(std::string_view bucket) {
  return !bucket.empty() && bucket.find('.') == std::string_view::npos &&
         std::all_of(bucket.begin(), bucket.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// "s3", "s3.<region>", "s3-<region>", "s3.dualstack.<region>": the S3 part of an AWS host name.
bool isS3Label(std::string_view host) {
  auto isRegion = [](std::string_view r) {
    return !r.empty() && std::all_of(r.begin(), r.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
  };
  if (host == "s3") return true;
  if (host.starts_with("s3-")) return isRegion(host.substr(3));
  if (!host.starts_with("s3.")) return false;
  std::string_view rest = host.substr(3);
  if (rest.starts_with("dualstack.")) rest.remove_prefix(10);
  return isRegion(rest);
}

// "<bucket>/<key>" from a raw path (after any endpoint prefix, without the leading '/').
std::optional<ObjectRef> splitBucketAndKey(std::string_view rawPath) {
  std::size_t slash = rawPath.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  ObjectRef ref{percentDecode(rawPath.substr(0, slash)), percentDecode(rawPath.substr(slash + 1))};
  if (ref.key.empty()) return std::nullopt;
  return ref;
}

std::optional<ObjectRef> keyInBucket(std::string bucket, std::string_view rawPath) {
  if (bucket.empty() || !rawPath.starts_with('/') || rawPath.size() < 2) return std::nullopt;
  return ObjectRef{std::move(bucket), percentDecode(rawPath.substr(1))};
}

// Path-style and virtual-hosted forms under an explicit endpoint.
std::optional<ObjectRef> underEndpoint(const ParsedUrl& url, const ParsedUrl& endpoint,
                                       bool virtualHosts) {
  if (url.scheme != endpoint.scheme || effectivePort(url) != effectivePort(endpoint))
    return std::nullopt;
  std::string prefix = endpoint.path == "/" ? "" : endpoint.path;
  if (!url.path.starts_with(prefix + "/")) return std::nullopt;
  std::string_view rest = std::string_view(url.path).substr(prefix.size());
  const std::string host = lower(url.host);
  const std::string endpointHost = lower(endpoint.host);
  if (host == endpointHost) return splitBucketAndKey(rest.substr(1));
  if (virtualHosts && host.size() > endpointHost.size() + 1 && host.ends_with("." + endpointHost))
    return keyInBucket(host.substr(0, host.size() - endpointHost.size() - 1), rest);
  return std::nullopt;
}

std::optional<ObjectRef> onPublicAws(const ParsedUrl& url) {
  if (url.scheme != "https" && url.scheme != "http") return std::nullopt;
  const std::string host = lower(url.host);
  if (!host.ends_with(kAwsSuffix)) return std::nullopt;
  std::string_view name = std::string_view(host).substr(0, host.size() - kAwsSuffix.size());
  if (isS3Label(name)) return splitBucketAndKey(std::string_view(url.path).substr(1));
  // Virtual-hosted: "<bucket>.<s3 label>"; a bucket may itself hold dots, so try each split.
  for (std::size_t dot = name.rfind('.'); dot != std::string_view::npos && dot > 0;
       dot = name.rfind('.', dot - 1)) {
    if (isS3Label(name.substr(dot + 1)))
      return keyInBucket(std::string(name.substr(0, dot)), url.path);
  }
  return std::nullopt;
}

std::optional<ObjectRef> onPublicGcs(const ParsedUrl& url) {
  if (url.scheme != "https" && url.scheme != "http") return std::nullopt;
  const std::string host = lower(url.host);
  if (host == kGcsHost || host == kGcsBrowserHost)
    return splitBucketAndKey(std::string_view(url.path).substr(1));
  const std::string suffix = "." + std::string(kGcsHost);
  if (host.size() > suffix.size() && host.ends_with(suffix))
    return keyInBucket(host.substr(0, host.size() - suffix.size()), url.path);
  return std::nullopt;
}

std::optional<ObjectRef> onPublicAzure(const ParsedUrl& url, const Target& target) {
  if (url.scheme != "https" && url.scheme != "http") return std::nullopt;
  if (lower(url.host) != lower(target.credentials.accessKeyId) + std::string(kAzureSuffix))
    return std::nullopt;
  return splitBucketAndKey(std::string_view(url.path).substr(1));
}

std::string awsBase(const Target& target, const ObjectRef& object) {
  const std::string key = uriEncode(object.key, true);
  if (!target.endpoint.empty()) return target.endpoint + "/" + uriEncode(object.bucket) + "/" + key;
  const std::string host = "s3." + region(target) + ".amazonaws.com";
  if (dnsSafeBucket(object.bucket)) return "https://" + object.bucket + "." + host + "/" + key;
  return "https://" + host + "/" + uriEncode(object.bucket) + "/" + key;
}

std::string azureEndpoint(const Target& target) {
  if (!target.endpoint.empty()) return target.endpoint;
  return "https://" + target.credentials.accessKeyId + std::string(kAzureSuffix);
}

void requireObject(const ObjectRef& object) {
  if (object.bucket.empty()) throw core::ApiError::badRequest("bucket", "required");
  if (object.key.empty()) throw core::ApiError::badRequest("name", "required");
}

std::string signAws(const Target& target, const SignRequest& request, const std::string& method) {
  sigv4::PresignInput input;
  input.method = method;
  input.url = awsBase(target, request.object);
  input.credentials = {target.credentials.accessKeyId, target.credentials.secretAccessKey,
                       target.credentials.sessionToken};
  input.region = region(target);
  input.time = request.time;
  input.expiresSeconds = request.expiresSeconds;
  if (method == "PUT" && !request.contentType.empty())
    input.headers.emplace_back("content-type", request.contentType);
  return sigv4::presign(input).url;
}

std::string signGcs(const Target& target, const SignRequest& request, const std::string& method) {
  gcs::SignUrlInput input;
  input.method = method;
  input.bucket = request.object.bucket;
  input.object = request.object.key;
  input.time = request.time;
  input.expiresSeconds = request.expiresSeconds;
  if (method == "PUT" && !request.contentType.empty())
    input.headers.emplace_back("content-type", request.contentType);
  if (!target.endpoint.empty()) {
    ParsedUrl endpoint = parseUrl(target.endpoint, "endpoint");
    input.scheme = endpoint.scheme;
    input.endpoint = endpoint.authority();
  }
  const Credentials& c = target.credentials;
  if (!c.privateKeyPem.empty())
    return gcs::signUrl(input, gcs::ServiceAccountKey::fromPem(c.clientEmail, c.privateKeyPem)).url;
  return gcs::signUrl(input, gcs::HmacKey{c.accessKeyId, c.secretAccessKey}).url;
}

std::string signAzure(const Target& target, const SignRequest& request,
                      const std::string& permissions) {
  if (request.expiresSeconds < 1 || request.expiresSeconds > sigv4::kMaxExpiresSeconds)
    throw core::ApiError::badRequest("expiresIn", "must be between 1 and 604800");
  azure::BlobSasInput input;
  input.endpoint = azureEndpoint(target);
  input.accountName = target.credentials.accessKeyId;
  input.accountKey = target.credentials.secretAccessKey;
  input.container = request.object.bucket;
  input.blob = request.object.key;
  input.fields.permissions = permissions;
  input.fields.expiry = azure::sasTime(request.time + request.expiresSeconds);
  return azure::signBlobUrl(input).url;
}

}  // namespace

std::string objectUrl(const Target& target, const ObjectRef& object) {
  switch (target.provider) {
    case Provider::Aws:
      return awsBase(target, object);
    case Provider::Gcp: {
      std::string base =
          target.endpoint.empty() ? "https://" + std::string(kGcsHost) : target.endpoint;
      return base + "/" + uriEncode(object.bucket) + "/" + uriEncode(object.key, true);
    }
    case Provider::Azure:
      return azureEndpoint(target) + "/" + uriEncode(object.bucket) + "/" +
             uriEncode(object.key, true);
  }
  return {};
}

std::string uploadUrl(const Target& target, const SignRequest& request) {
  requireObject(request.object);
  switch (target.provider) {
    case Provider::Aws:
      return signAws(target, request, "PUT");
    case Provider::Gcp:
      return signGcs(target, request, "PUT");
    case Provider::Azure:
      return signAzure(target, request, "cw");
  }
  return {};
}

std::string readUrl(const Target& target, const SignRequest& request) {
  requireObject(request.object);
  switch (target.provider) {
    case Provider::Aws:
      return signAws(target, request, "GET");
    case Provider::Gcp:
      return signGcs(target, request, "GET");
    case Provider::Azure:
      return signAzure(target, request, "r");
  }
  return {};
}

std::optional<ObjectRef> parseObjectUrl(const Target& target, std::string_view url,
                                        std::string_view knownBucket) {
  ParsedUrl parsed;
  try {
    parsed = parseUrl(url, "url");
  } catch (const core::ApiError&) {
    return std::nullopt;
  }
  const bool awsOrGcs = target.provider != Provider::Azure && !target.pathStyleOnly;
  const std::string_view bucketScheme = target.provider == Provider::Aws   ? "s3"
                                        : target.provider == Provider::Gcp ? "gs"
                                                                           : "";
  if (awsOrGcs && parsed.scheme == bucketScheme)
    return parsed.port.empty() ? keyInBucket(parsed.host, parsed.path) : std::nullopt;
  if (awsOrGcs && !knownBucket.empty() && lower(parsed.host) == lower(knownBucket) &&
      (parsed.scheme == "https" || parsed.scheme == "http"))
    return keyInBucket(std::string(knownBucket), parsed.path);
  if (!target.endpoint.empty()) {
    ParsedUrl endpoint;
    try {
      endpoint = parseUrl(target.endpoint, "endpoint");
    } catch (const core::ApiError&) {
      return std::nullopt;
    }
    return underEndpoint(parsed, endpoint, awsOrGcs);
  }
  if (target.pathStyleOnly) return std::nullopt;
  switch (target.provider) {
    case Provider::Aws:
      return onPublicAws(parsed);
    case Provider::Gcp:
      return onPublicGcs(parsed);
    case Provider::Azure:
      return onPublicAzure(parsed, target);
  }
  return std::nullopt;
}

}  // namespace assetd::sign::storage_urls
