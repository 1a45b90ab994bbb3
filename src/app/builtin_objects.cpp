#include "app/builtin_objects.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "app/object_credentials.hpp"
#include "objects/object_endpoint.hpp"

namespace assetd::app {

BuiltinObjectStore startBuiltinObjectStore(const ServeConfig& config, const std::string& bucket,
                                           const std::string& publicUrl, http::Server& server,
                                           ops::RateLimits* limits) {
  ObjectCredentials credentials = effectiveObjectCredentials(config.dataDir, config.s3AccessKey,
                                                             config.s3SecretKey, config.s3Region);
  credentials.endpoint = publicUrl;
  credentials.bucket = bucket;
  recordObjectEndpoint(config.dataDir, credentials);

  BuiltinObjectStore out;
  out.store = std::make_unique<blob::LocalBlobStore>(
      (std::filesystem::path(config.dataDir) / "objects").string(), bucket, publicUrl);
  if (auto migrated = out.store->migratedObjects())
    spdlog::info("object store upgraded to the current on-disk layout: {} object(s) migrated",
                 *migrated);
  out.access.publicUrl = publicUrl;
  out.access.bucket = bucket;
  out.access.region = credentials.region;
  out.access.accessKeyId = credentials.accessKeyId;
  out.access.secretAccessKey = credentials.secretAccessKey;

  objects::ObjectEndpointConfig endpoint;
  endpoint.credentials = {credentials.accessKeyId, credentials.secretAccessKey, ""};
  endpoint.region = credentials.region;
  endpoint.publicUrl = publicUrl;
  endpoint.limits = limits;
  server.setStreamRoute(objects::objectEndpoint(*out.store, std::move(endpoint)));

  objects::UploadExpiry::Reports reports;
  reports.swept = [](std::size_t removed) {
    if (removed > 0) spdlog::info("removed {} abandoned multipart upload(s)", removed);
  };
  reports.failed = [](const std::exception& e) {
    spdlog::warn("multipart upload expiry failed: {}", e.what());
  };
  out.uploadExpiry = std::make_unique<objects::UploadExpiry>(
      *out.store, std::chrono::hours(config.multipartExpiryHours), std::chrono::hours(1),
      std::move(reports));
  return out;
}

}  // namespace assetd::app
