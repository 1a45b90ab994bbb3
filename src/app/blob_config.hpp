#pragma once
// Where `assetd serve` keeps file bodies, from --blob* flags or ASSETD_BLOB* environment
// variables: the built-in store under the data directory, or a bucket on an external
// S3-compatible service.
#include <string>

namespace assetd::app {

struct BlobConfig {
  // "local", or "s3://BUCKET?endpoint=URL&region=R&path_style=true|false&..." (see
  // blob::parseS3Location for every parameter).
  std::string location = "local";
  std::string accessKey;
  std::string secretKey;
  std::string sessionToken;  // for temporary credentials
};

}  // namespace assetd::app
