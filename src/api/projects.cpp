// Projects: create, get, update, delete, list.
#include "api/decode.hpp"
#include "api/render.hpp"
#include "api/request_context.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"

namespace assetd::api {
namespace {

std::string projectData(const core::Project& project) {
  std::string out = R"({"project":)";
  renderProject(out, project);
  out.push_back('}');
  return out;
}

}  // namespace

void registerProjectRoutes(http::Router& router, ApiContext& ctx) {
  router.add("POST", "/v2/project", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto project = ctx.store.createProject(who.organizationId, decodeNewProject(req.body));
    return ok(projectData(project));
  });

  router.add("GET", "/v2/project/{}", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto project = ctx.store.getProject(who.organizationId, req.pathParams[0]);
    if (!project) throw core::ApiError::notFound("project");
    // The SDK's asset-builder helper reads categorySchema beside data as well as inside it.
    http::Response response = ok(projectData(*project));
    response.body.pop_back();
    response.body += R"(,"categorySchema":)";
    response.body += project->categorySchemaJson.empty() ? "{}" : project->categorySchemaJson;
    response.body.push_back('}');
    return response;
  });

  router.add("POST", "/v2/project/{}", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto patch = decodeProjectPatch(req.body);
    auto project = ctx.store.updateProject(who.organizationId, req.pathParams[0], patch);
    if (!project) throw core::ApiError::notFound("project");
    return ok(projectData(*project));
  });

  router.add("DELETE", "/v2/project/{}", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    if (!ctx.store.deleteProject(who.organizationId, req.pathParams[0]))
      throw core::ApiError::notFound("project");
    return ok(R"({"deleted":true})");
  });

  router.add("GET", "/v2/listProjects", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto params = http::Params::parseQuery(req.rawQuery);
    auto page = intParam(params, "page", 1, 1, 1'000'000'000);
    auto limit = intParam(params, "limit", 10, 1, 100);
    auto result = ctx.store.listProjects(who.organizationId, page, limit);
    std::string out = R"({"projects":[)";
    for (std::size_t i = 0; i < result.items.size(); ++i) {
      if (i) out.push_back(',');
      renderProject(out, result.items[i]);
    }
    out += R"(],"total":)" + std::to_string(result.total) + "}";
    return ok(std::move(out));
  });
}

}  // namespace assetd::api
