// Label tasks: list with the SDK's filter forms, and get one.
#include "api/decode.hpp"
#include "api/filter_parser.hpp"
#include "api/render.hpp"
#include "api/request_context.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"

namespace assetd::api {
namespace {

std::vector<std::string> splitFields(const std::string& raw) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find(',', start);
    if (end == std::string::npos) end = raw.size();
    if (end > start) fields.push_back(raw.substr(start, end - start));
    start = end + 1;
  }
  return fields;
}

// The SDK's older forms: status[eq]=TODO, batches=["id"], stage=Label.
void addDeprecatedTaskParams(const http::Params& params, core::TaskFilter& filter) {
  auto eq = [](std::string value) {
    return core::StringCondition{core::StringOp::Eq, {std::move(value)}};
  };
  if (auto status = params.get("status[eq]"))
    filter.strings.emplace_back(core::TaskStringField::Status, eq(*status));
  if (auto status = params.get("status"))
    filter.strings.emplace_back(core::TaskStringField::Status, eq(*status));
  if (auto stage = params.get("stage"))
    filter.strings.emplace_back(core::TaskStringField::Stage, eq(*stage));
  if (auto batches = params.get("batches")) {
    auto parsed = parseTaskFilter(R"({"batches":{"$in":)" + *batches + "}}");
    for (auto& condition : parsed.batches) filter.batches.push_back(std::move(condition));
  }
}

}  // namespace

void registerTaskRoutes(http::Router& router, ApiContext& ctx) {
  router.add("GET", "/v2/project/{}/tasks", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto params = http::Params::parseQuery(req.rawQuery);
    core::TaskQuery query;
    query.page = intParam(params, "page", 1, 1, 1'000'000'000);
    query.limit = intParam(params, "limit", 10, 1, 100);
    query.ascending = ascendingSort(params);
    query.includeAnswer = boolParam(params, "includeAnswer", false);
    if (auto filter = params.get("filter")) query.filter = parseTaskFilter(*filter);
    addDeprecatedTaskParams(params, query.filter);
    std::vector<std::string> fields;
    if (auto raw = params.get("fields")) fields = splitFields(*raw);

    auto result = ctx.store.listTasks(who.organizationId, req.pathParams[0], query);
    std::string out = R"({"tasks":[)";
    for (std::size_t i = 0; i < result.items.size(); ++i) {
      if (i) out.push_back(',');
      renderTask(out, result.items[i], query.includeAnswer, fields);
    }
    out += R"(],"total":)" + std::to_string(result.total) + "}";
    return ok(std::move(out));
  });

  router.add("GET", "/v2/task/{}", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto params = http::Params::parseQuery(req.rawQuery);
    bool includeAnswer = boolParam(params, "includeAnswer", false);
    auto task = ctx.store.getTask(who.organizationId, req.pathParams[0]);
    if (!task) throw core::ApiError::notFound("task");
    std::string out = R"({"task":)";
    renderTask(out, *task, includeAnswer);
    out.push_back('}');
    return ok(std::move(out));
  });
}

}  // namespace assetd::api
