#pragma once
// The embedded object store and its S3-compatible endpoint, as `serve` starts them.
#include <memory>
#include <string>

#include "api/routes.hpp"
#include "app/config.hpp"
#include "blob/local_blob_store.hpp"
#include "http/server.hpp"
#include "objects/upload_expiry.hpp"
#include "ops/rate_limits.hpp"

namespace assetd::app {

struct BuiltinObjectStore {
  std::unique_ptr<blob::LocalBlobStore> store;
  api::ObjectStoreAccess access;  // what getUploadUrl and getSignedUrl sign with
  // Declared after the store it sweeps, so that it stops first.
  std::unique_ptr<objects::UploadExpiry> uploadExpiry;
};

// Opens <data>/objects, settles the endpoint's key pair (recorded or overridden), records the
// announced endpoint for `assetd admin s3-credentials`, serves the S3 endpoint on every
// path outside /v2 and starts the hourly expiry of abandoned multipart uploads. Call before
// server.run(). `limits` (may be null; must outlive the server) holds back client addresses
// whose signatures keep failing.
BuiltinObjectStore startBuiltinObjectStore(const ServeConfig& config, const std::string& bucket,
                                           const std::string& publicUrl, http::Server& server,
                                           ops::RateLimits* limits);

}  // namespace assetd::app
