#pragma once
// Google Cloud Storage V4 signed URLs: GOOG4-RSA-SHA256 with a service account's private key, or
// GOOG4-HMAC-SHA256 with an HMAC key. Pure functions, safe from any thread.
#include <cstdint>
#include <string>

#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"
#include "sign/url_codec.hpp"

namespace assetd::sign::gcs {

enum class UrlStyle {
  PathStyle,            // https://storage.googleapis.com/<bucket>/<object>
  VirtualHostedStyle,   // https://<bucket>.storage.googleapis.com/<object>
  BucketBoundHostname,  // https://<bucketBoundHostname>/<object> (a CNAME or load balancer)
};

struct SignUrlInput {
  std::string method = "GET";
  std::string bucket;
  std::string object;                  // empty: the bucket itself (e.g. listing)
  std::int64_t time = 0;               // signing instant, Unix seconds
  std::int64_t expiresSeconds = 3600;  // 1 .. 604800
  // Headers the client must send, signed beside host. An x-goog-content-sha256 header's value
  // becomes the payload hash; without one the payload is UNSIGNED-PAYLOAD.
  sigv4::Headers headers;
  QueryParams query;  // further query parameters (decoded), signed
  std::string scheme = "https";
  std::string endpoint = "storage.googleapis.com";  // host[:port]
  UrlStyle style = UrlStyle::PathStyle;
  std::string bucketBoundHostname;  // host[:port], for UrlStyle::BucketBoundHostname
};

// From a service-account JSON file: client_email and private_key.
struct ServiceAccountKey {
  std::string clientEmail;
  crypto::RsaPrivateKey privateKey;

  // Throws core::ApiError 400 if `privateKeyPem` is not an RSA private key.
  static ServiceAccountKey fromPem(std::string clientEmail, std::string_view privateKeyPem) {
    return {std::move(clientEmail), crypto::RsaPrivateKey::fromPem(privateKeyPem, "private_key")};
  }
};

// A Cloud Storage HMAC key (interoperability access id and secret).
struct HmacKey {
  std::string accessId;
  std::string secret;
};

struct SignedUrl {
  std::string url;
  sigv4::Trace trace;  // signature: lowercase hex, as it appears in the URL
};

// Both throw core::ApiError 400 naming the field for invalid input. The signed host header is
// the host name without its port, as Google's client libraries sign it.
SignedUrl signUrl(const SignUrlInput& input, const ServiceAccountKey& key);
SignedUrl signUrl(const SignUrlInput& input, const HmacKey& key);

}  // namespace assetd::sign::gcs
