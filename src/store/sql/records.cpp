#include "store/sql/records.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"

namespace assetd::store::sql {

std::string selectTasksWhere(bool includeAnswer) {
  return std::string(
             "SELECT t.id, t.project_id, t.asset_id, a.external_id, t.stage, t.status,"
             " t.priority, t.created_by, t.created_at, t.updated_at, ") +
         (includeAnswer ? "t.answer" : "NULL") +
         " FROM tasks t JOIN assets a ON a.id = t.asset_id WHERE ";
}

bool taskFilterEmpty(const core::TaskFilter& f) {
  return f.strings.empty() && f.batches.empty() && f.createdAt.empty() && f.priority.empty();
}

void setCopyState(core::Asset& asset, const std::string& column) {
  auto separator = column.find('\x1f');
  asset.uploadStatus = column.substr(0, separator);
  if (separator != std::string::npos) asset.uploadError = column.substr(separator + 1);
}

std::string commonProject(
    const core::AssignRequest& request,
    const std::function<std::optional<std::string>(std::size_t i)>& projectOf) {
  if (request.assetIds.empty()) throw core::ApiError::badRequest("assetIds", "must not be empty");
  std::string projectId;
  for (std::size_t i = 0; i < request.assetIds.size(); ++i) {
    const std::string path = "assetIds[" + std::to_string(i) + "]";
    auto project = projectOf(i);
    if (!project) throw core::ApiError::badRequest(path, "not found");
    if (request.projectId && *project != *request.projectId)
      throw core::ApiError::badRequest(path, "not in project " + *request.projectId);
    if (i == 0)
      projectId = std::move(*project);
    else if (*project != projectId)
      throw core::ApiError::badRequest(path, "not in the same project as assetIds[0]");
  }
  return projectId;
}

void checkNewBatchName(const std::string& ref, const std::string& path) {
  if (ref.empty()) throw core::ApiError::badRequest(path, "batch name must not be empty");
  if (core::isObjectId(ref)) throw core::ApiError::badRequest(path, "no such batch in the project");
}

core::Project newProject(const std::string& org, const core::NewProject& p, std::int64_t now) {
  core::Project project;
  project.id = core::newObjectId();
  project.organization = org;
  project.name = p.name;
  project.description = p.description;
  project.type = p.type;
  project.categorySchemaJson = p.categorySchemaJson.empty() ? "{}" : p.categorySchemaJson;
  project.pctConfigJson = p.pctConfigJson;
  project.createdAt = project.updatedAt = now;
  return project;
}

core::Storage newStorage(const std::string& org, const core::NewStorage& s, std::int64_t now) {
  return core::Storage{.id = s.id,
                       .organization = org,
                       .name = s.name,
                       .provider = s.provider,
                       .bucket = s.bucket,
                       .region = s.region,
                       .endpoint = s.endpoint,
                       .sealedCredentials = {},
                       .createdAt = now};
}

void applyPatch(core::Project& project, const core::ProjectPatch& patch) {
  if (patch.name) project.name = *patch.name;
  if (patch.description) project.description = *patch.description;
  if (patch.categorySchemaJson)
    project.categorySchemaJson =
        patch.categorySchemaJson->empty() ? "{}" : *patch.categorySchemaJson;
}

void applyPatch(core::Asset& asset, const core::AssetPatch& patch) {
  if (patch.metadataJson)
    asset.metadataJson = patch.metadataJson->empty() ? "{}" : *patch.metadataJson;
  if (patch.contextDataJson) asset.contextDataJson = *patch.contextDataJson;
  if (patch.data) asset.data = *patch.data;
  if (patch.overlayJson) asset.overlayJson = *patch.overlayJson;
  if (patch.externalId) asset.externalId = *patch.externalId;
}

}  // namespace assetd::store::sql
