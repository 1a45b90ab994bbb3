#pragma once
// The body of POST /storages and the names a storage is made of, validated. Every failure is a
// core::ApiError 400 naming the field ("credentials.private_key: ...").
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "sign/storage_urls.hpp"

namespace assetd::api {

struct DecodedStorage {
  core::NewStorage storage;  // id and sealedCredentials left empty for the caller
  sign::storage_urls::Credentials credentials;
};

// Both forms: the SDK's {name, provider, publicKey, privateKey, region, credentials} (credentials
// null, or for GCP a service-account JSON as text or object) and the docs' {name, type, bucket,
// region, credentials:{accessKeyId, secretAccessKey}}; bucket and endpoint optional in both.
DecodedStorage decodeStorage(std::string_view body);

// "AWS" | "GCP" | "AZURE" -> the signer's provider. Anything else is a 500: it comes from the
// store, which holds only these.
sign::storage_urls::Provider providerOf(const std::string& provider);

// A bucket (container) name the provider accepts, checked as `field`. `customEndpoint`: an
// S3-compatible service, whose names are less constrained than AWS's.
void checkBucketName(std::string_view bucket, const std::string& provider, bool customEndpoint,
                     const std::string& field);

}  // namespace assetd::api
