#pragma once
// Registers every route of the API on a router: the /v2 routes and the reference page (GET /docs).
// The handlers decode, validate, make one store or blob call and render; they keep no state of
// their own.
#include <functional>
#include <string>

#include "blob/blob_store.hpp"
#include "http/router.hpp"
#include "ops/rate_limits.hpp"
#include "sign/secrets.hpp"
#include "store/store.hpp"

namespace assetd::api {

// How clients reach the server's own object store: the base URL that presigned URLs name and
// the credentials they are signed with (the built-in endpoint verifies with the same ones).
struct ObjectStoreAccess {
  std::string publicUrl;  // "http://127.0.0.1:8080" (built-in) or the external S3 endpoint
  std::string bucket;
  std::string region = "us-east-1";
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;  // temporary credentials of an external store; empty otherwise
};

struct ApiContext {
  store::Store& store;
  blob::BlobStore& blobs;
  ObjectStoreAccess objects;
  // Seals and opens the credentials of storage integrations.
  sign::secrets::MasterKey masterKey;
  // Called after an import queued uploadLocal copies, so the copier starts on them at once.
  std::function<void()> copiesQueued;
  // Rate limits of API keys and of addresses failing authentication; nullptr for none.
  ops::RateLimits* limits = nullptr;
};

void registerRoutes(http::Router& router, ApiContext& context);

// The operations routes, outside /v2: GET /healthz (the process answers), GET /readyz (the
// database and the object store answer, and the server is not draining; else 503) and, unless
// `metrics` is false, GET /metrics (metrics::global() as Prometheus text; with a non-empty
// `metricsToken` only for "Authorization: Bearer <token>", else 401).
struct OpsRoutes {
  std::function<bool()> draining;
  bool metrics = true;
  std::string metricsToken;
};
void registerOpsRoutes(http::Router& router, ApiContext& context, OpsRoutes ops);

// Per resource, one file each.
void registerProjectRoutes(http::Router& router, ApiContext& context);
void registerAssetRoutes(http::Router& router, ApiContext& context);
void registerImportRoutes(http::Router& router, ApiContext& context);
void registerBatchRoutes(http::Router& router, ApiContext& context);
void registerTaskRoutes(http::Router& router, ApiContext& context);
void registerStorageRoutes(http::Router& router, ApiContext& context);
// getUploadUrl and getSignedUrl.
void registerUrlRoutes(http::Router& router, ApiContext& context);
// GET /v2/openapi.json, GET /docs and its viewer's script: no key needed.
void registerReferenceRoutes(http::Router& router);

}  // namespace assetd::api
