// Batches: the project's batch list, and assigning assets to batches.
#include "api/decode.hpp"
#include "api/render.hpp"
#include "api/request_context.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"

namespace assetd::api {

void registerBatchRoutes(http::Router& router, ApiContext& ctx) {
  router.add("POST", "/v2/batches/{}", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto specs = decodeBatchSpecs(req.body);
    auto project = ctx.store.replaceBatches(who.organizationId, req.pathParams[0], specs);
    if (!project) throw core::ApiError::notFound("project");
    std::string out = R"({"project":)";
    renderProject(out, *project);
    out.push_back('}');
    return ok(std::move(out));
  });

  router.add("POST", "/v2/assignBatches", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto result = ctx.store.assignBatches(who.organizationId, decodeAssignBatches(req.body));
    std::string out =
        R"({"assets":{"modifiedCount":)" + std::to_string(result.modifiedCount) + R"(,"batches":)";
    renderStringArray(out, result.batchIds);
    out += "}}";
    return ok(std::move(out));
  });
}

}  // namespace assetd::api
