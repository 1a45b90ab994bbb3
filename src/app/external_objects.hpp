#pragma once
// The server's own store on an external S3-compatible service (`--blob s3://…`): its flags, and
// opening it in place of the built-in store and endpoint.
#include <memory>
#include <optional>
#include <string>

#include "api/routes.hpp"
#include "app/blob_config.hpp"
#include "blob/blob_store.hpp"
#include "blob/s3_blob_store.hpp"

namespace CLI {
class App;
}

namespace assetd::app {

// Adds --blob, --blob-access-key, --blob-secret-key and --blob-session-token (ASSETD_BLOB,
// ASSETD_BLOB_ACCESS_KEY, ASSETD_BLOB_SECRET_KEY, ASSETD_BLOB_SESSION_TOKEN) to the serve command.
void addBlobOptions(CLI::App& serve, BlobConfig& config);

// The S3 settings that `config` describes, or nullopt for "local". Uploads of unknown length are
// spooled under <dataDir>/spool. Throws core::ApiError 400 naming the faulty part.
std::optional<blob::S3Config> externalStoreConfig(const BlobConfig& config,
                                                  const std::string& dataDir);

struct ExternalObjectStore {
  std::unique_ptr<blob::BlobStore> store;
  api::ObjectStoreAccess access;  // presigned URLs name the service itself
};

// nullopt for "local": the built-in store and endpoint serve. Otherwise checks that the service
// answers to the credentials and creates the bucket if it is missing; throws core::ApiError
// (400 for a bad setting, 502 naming S3's error code when the service refuses).
std::optional<ExternalObjectStore> openExternalObjectStore(const BlobConfig& config,
                                                           const std::string& dataDir);

}  // namespace assetd::app
