#include "app/external_objects.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>

#include "core/error.hpp"

namespace assetd::app {

void addBlobOptions(CLI::App& serve, BlobConfig& config) {
  serve
      .add_option("--blob", config.location,
                  "Where file bodies live: 'local' (the data directory, served by the built-in "
                  "S3 endpoint) or s3://BUCKET?endpoint=URL&region=R&path_style=true|false")
      ->envname("ASSETD_BLOB")
      ->capture_default_str();
  serve.add_option("--blob-access-key", config.accessKey, "Access key id for --blob s3://…")
      ->envname("ASSETD_BLOB_ACCESS_KEY");
  serve.add_option("--blob-secret-key", config.secretKey, "Secret access key for --blob s3://…")
      ->envname("ASSETD_BLOB_SECRET_KEY");
  serve
      .add_option("--blob-session-token", config.sessionToken,
                  "Session token for --blob s3://… with temporary credentials")
      ->envname("ASSETD_BLOB_SESSION_TOKEN");
}

std::optional<blob::S3Config> externalStoreConfig(const BlobConfig& config,
                                                  const std::string& dataDir) {
  const bool keysGiven =
      !config.accessKey.empty() || !config.secretKey.empty() || !config.sessionToken.empty();
  if (config.location == "local") {
    if (keysGiven)
      throw core::ApiError::badRequest(
          "blob",
          "--blob-access-key, --blob-secret-key and --blob-session-token apply only to "
          "--blob s3://…");
    return std::nullopt;
  }
  blob::S3Config s3 = blob::parseS3Location(config.location);
  if (config.accessKey.empty() || config.secretKey.empty())
    throw core::ApiError::badRequest("blob",
                                     "--blob s3://… needs --blob-access-key and --blob-secret-key "
                                     "(ASSETD_BLOB_ACCESS_KEY, ASSETD_BLOB_SECRET_KEY)");
  s3.credentials = {config.accessKey, config.secretKey, config.sessionToken};
  s3.spoolDir = (std::filesystem::path(dataDir) / "spool").string();
  s3.ensureBucket = true;
  return s3;
}

std::optional<ExternalObjectStore> openExternalObjectStore(const BlobConfig& config,
                                                           const std::string& dataDir) {
  auto s3 = externalStoreConfig(config, dataDir);
  if (!s3) return std::nullopt;
  ExternalObjectStore out;
  out.access.publicUrl = s3->endpoint;
  out.access.bucket = s3->bucket;
  out.access.region = s3->region;
  out.access.accessKeyId = s3->credentials.accessKeyId;
  out.access.secretAccessKey = s3->credentials.secretAccessKey;
  out.access.sessionToken = s3->credentials.sessionToken;
  out.store = blob::openS3BlobStore(std::move(*s3));
  return out;
}

}  // namespace assetd::app
