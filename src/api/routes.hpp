#pragma once
// Registers every /v2 route on a router. The handlers decode, validate, make one store or blob
// call and render; they keep no state of their own.
#include "blob/blob_store.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace assetd::api {

struct ApiContext {
  store::Store& store;
  blob::BlobStore& blobs;
};

void registerRoutes(http::Router& router, ApiContext& context);

// Per resource, one file each.
void registerProjectRoutes(http::Router& router, ApiContext& context);
void registerAssetRoutes(http::Router& router, ApiContext& context);
void registerImportRoutes(http::Router& router, ApiContext& context);
void registerBatchRoutes(http::Router& router, ApiContext& context);
void registerTaskRoutes(http::Router& router, ApiContext& context);

}  // namespace assetd::api
