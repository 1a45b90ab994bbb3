#pragma once
// Signed URLs for one object of a bucket on AWS S3 (or any S3-compatible service), Google Cloud
// Storage or Azure Blob Storage, and the reverse: which object a URL of such a bucket names.
// Pure functions over the signers in this directory; safe from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assetd::sign::storage_urls {

enum class Provider { Aws, Gcp, Azure };

// What the signers need. Which fields are used depends on the provider:
//   Aws:   accessKeyId + secretAccessKey (+ sessionToken)
//   Gcp:   accessKeyId + secretAccessKey as an HMAC key, or clientEmail + privateKeyPem
//   Azure: accessKeyId is the account name, secretAccessKey the account key (base64)
struct Credentials {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;
  std::string clientEmail;
  std::string privateKeyPem;
};

struct Target {
  Provider provider = Provider::Aws;
  // "scheme://host[:port][/path]" with no trailing '/': an S3-compatible service (path-style
  // URLs), a GCS-compatible host, or an Azure blob service endpoint such as an emulator's
  // "http://127.0.0.1:10000/devstoreaccount1". Empty: the provider's public endpoint.
  std::string endpoint;
  std::string region;  // AWS signing region; empty means us-east-1
  Credentials credentials;
  // Recognize only "<endpoint>/<bucket>/<key>" (the server's own store, which has no other form).
  bool pathStyleOnly = false;
};

struct ObjectRef {
  std::string bucket;  // the Azure container
  std::string key;     // the object (blob) name, not percent-encoded
};

struct SignRequest {
  ObjectRef object;
  std::int64_t time = 0;  // signing instant, Unix seconds
  std::int64_t expiresSeconds = 3600;
  // Upload only: the Content-Type the PUT must carry (signed for AWS and GCS; an Azure SAS cannot
  // bind it). Empty: none required.
  std::string contentType;
};

// The unsigned URL of an object: what a client keeps after dropping the query of a signed one.
std::string objectUrl(const Target& target, const ObjectRef& object);

// A presigned PUT (AWS SigV4 / GCS V4) or a SAS URL with permissions create+write (Azure; the
// client must send x-ms-blob-type: BlockBlob). Throws core::ApiError 400 naming the field for
// invalid input or credentials.
std::string uploadUrl(const Target& target, const SignRequest& request);
// A presigned GET, or a read-only SAS URL.
std::string readUrl(const Target& target, const SignRequest& request);

// The object that `url` names in `target`, or nullopt if it is none of the target's URL forms:
//   every provider: path-style under the endpoint ("<endpoint>/<bucket>/<key>");
//   Aws, Gcp: virtual-hosted under the endpoint ("<scheme>://<bucket>.<endpoint host>/<key>"),
//     a host that is the bucket itself ("https://<knownBucket>/<key>", a CNAME), and
//     "s3://<bucket>/<key>" or "gs://<bucket>/<key>";
//   Aws without an endpoint: s3[.<region>|-<region>|.dualstack.<region>].amazonaws.com, path-style
//     or virtual-hosted;
//   Gcp without an endpoint: storage.googleapis.com (and storage.cloud.google.com) path-style,
//     <bucket>.storage.googleapis.com;
//   Azure without an endpoint: https://<account>.blob.core.windows.net/<container>/<blob>.
// With pathStyleOnly, only the first form. The query string, an earlier signature included, is
// ignored. Never throws for a URL it cannot
// parse: that is nullopt too.
std::optional<ObjectRef> parseObjectUrl(const Target& target, std::string_view url,
                                        std::string_view knownBucket = {});

}  // namespace assetd::sign::storage_urls
