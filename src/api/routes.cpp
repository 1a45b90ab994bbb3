#include "api/routes.hpp"

namespace assetd::api {

void registerRoutes(http::Router& router, ApiContext& context) {
  router.add("GET", "/v2/health",
             [](http::Request&) { return http::successResponse(200, R"({"status":"ok"})"); });
  registerProjectRoutes(router, context);
  registerBatchRoutes(router, context);
  registerAssetRoutes(router, context);
  registerImportRoutes(router, context);
  registerTaskRoutes(router, context);
  registerStorageRoutes(router, context);
  registerUrlRoutes(router, context);
  registerReferenceRoutes(router);
}

}  // namespace assetd::api
