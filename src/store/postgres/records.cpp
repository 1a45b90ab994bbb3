#include "store/postgres/records.hpp"

#include <unordered_map>

#include "core/error.hpp"
#include "core/ids.hpp"

namespace assetd::store::postgres {

core::Asset readAsset(const Result& rows, int r) {
  core::Asset a;
  a.id = rows.text(r, 0);
  a.project = rows.text(r, 1);
  a.externalId = rows.text(r, 2);
  a.data = rows.text(r, 3);
  a.datasetJson = rows.text(r, 4);
  a.overlayJson = rows.text(r, 5);
  a.metadataJson = rows.text(r, 6);
  a.contextDataJson = rows.text(r, 7);
  a.preLabelJson = rows.text(r, 8);
  a.editorType = rows.text(r, 9);
  a.storageId = rows.text(r, 10);
  a.uploadLocal = rows.boolean(r, 11);
  a.priority = rows.real(r, 12);
  a.isPreLabeled = rows.boolean(r, 13);
  a.labelTaskId = rows.text(r, 14);
  a.createdBy = rows.text(r, 15);
  a.createdAt = rows.integer(r, 16);
  a.updatedAt = rows.integer(r, 17);
  if (!rows.isNull(r, 18)) {  // "<status>\x1f<error>"
    std::string copy = rows.text(r, 18);
    auto separator = copy.find('\x1f');
    a.uploadStatus = copy.substr(0, separator);
    if (separator != std::string::npos) a.uploadError = copy.substr(separator + 1);
  }
  return a;
}

std::optional<core::Asset> loadAsset(Connection& conn, const std::string& org,
                                     const std::string& assetId) {
  static const std::string sql = std::string("SELECT ") + kAssetColumns +
                                 " FROM assets a JOIN projects p ON p.id = a.project_id"
                                 " WHERE a.id = $1 AND p.organization_id = $2 AND NOT a.deleted";
  auto rows = conn.execPrepared(sql, Params().text(assetId).text(org));
  if (rows.rows() == 0) return std::nullopt;
  core::Asset asset = readAsset(rows, 0);
  asset.organization = org;
  asset.batches = assetBatchIds(conn, asset.id);
  return asset;
}

std::string taskColumns(bool includeAnswer) {
  std::string columns =
      "t.id, t.project_id, t.asset_id, a.external_id, t.stage, t.status, t.priority,"
      " t.created_by, t.created_at, t.updated_at, ";
  columns += includeAnswer ? "t.answer" : "NULL";
  return columns;
}

core::Task readTask(const Result& rows, int r) {
  core::Task t;
  t.id = rows.text(r, 0);
  t.project = rows.text(r, 1);
  t.asset = rows.text(r, 2);
  t.externalId = rows.text(r, 3);
  t.stage = rows.text(r, 4);
  t.status = rows.text(r, 5);
  t.priority = rows.real(r, 6);
  t.createdBy = rows.text(r, 7);
  t.createdAt = rows.integer(r, 8);
  t.updatedAt = rows.integer(r, 9);
  t.answerJson = rows.text(r, 10);
  return t;
}

core::Project readProject(const Result& rows, int r) {
  core::Project p;
  p.id = rows.text(r, 0);
  p.organization = rows.text(r, 1);
  p.name = rows.text(r, 2);
  p.description = rows.text(r, 3);
  p.type = rows.text(r, 4);
  p.categorySchemaJson = rows.text(r, 5);
  p.pctConfigJson = rows.text(r, 6);
  p.assetCount = rows.integer(r, 7);
  p.createdAt = rows.integer(r, 8);
  p.updatedAt = rows.integer(r, 9);
  return p;
}

namespace {

std::optional<ProjectState> projectState(Connection& conn, const std::string& sql,
                                         const std::string& org, const std::string& projectId) {
  auto rows = conn.execPrepared(sql, Params().text(projectId).text(org));
  if (rows.rows() == 0) return std::nullopt;
  return ProjectState{rows.integer(0, 0), rows.integer(0, 1)};
}

}  // namespace

std::optional<ProjectState> findLiveProject(Connection& conn, const std::string& org,
                                            const std::string& projectId) {
  return projectState(conn,
                      "SELECT asset_count, next_seq FROM projects"
                      " WHERE id = $1 AND organization_id = $2 AND NOT deleted",
                      org, projectId);
}

std::optional<ProjectState> lockLiveProject(Connection& conn, const std::string& org,
                                            const std::string& projectId) {
  return projectState(conn,
                      "SELECT asset_count, next_seq FROM projects"
                      " WHERE id = $1 AND organization_id = $2 AND NOT deleted FOR UPDATE",
                      org, projectId);
}

std::optional<core::Project> loadProject(Connection& conn, const std::string& org,
                                         const std::string& projectId) {
  static const std::string sql = std::string("SELECT ") + kProjectColumns +
                                 " FROM projects WHERE id = $1 AND organization_id = $2"
                                 " AND NOT deleted";
  auto rows = conn.execPrepared(sql, Params().text(projectId).text(org));
  if (rows.rows() == 0) return std::nullopt;
  core::Project p = readProject(rows, 0);
  p.batches = loadBatches(conn, p.id);
  return p;
}

std::vector<core::Batch> loadBatches(Connection& conn, const std::string& projectId) {
  auto rows = conn.execPrepared("SELECT id, name FROM batches WHERE project_id = $1 ORDER BY pos",
                                Params().text(projectId));
  std::vector<core::Batch> batches;
  for (int r = 0; r < rows.rows(); ++r) batches.push_back({rows.text(r, 0), rows.text(r, 1)});
  return batches;
}

std::vector<std::string> assetBatchIds(Connection& conn, const std::string& assetId) {
  auto rows = conn.execPrepared(
      "SELECT ab.batch_id FROM asset_batches ab JOIN batches b ON b.id = ab.batch_id"
      " WHERE ab.asset_id = $1 ORDER BY b.pos",
      Params().text(assetId));
  std::vector<std::string> ids;
  for (int r = 0; r < rows.rows(); ++r) ids.push_back(rows.text(r, 0));
  return ids;
}

namespace {

// The batch ids of each asset in `assetIds`, in one query.
std::unordered_map<std::string, std::vector<std::string>> batchIdsOf(
    Connection& conn, const std::vector<const std::string*>& assetIds) {
  ArrayParam ids;
  for (const auto* id : assetIds) ids.text(*id);
  auto rows = conn.execPrepared(
      "SELECT ab.asset_id, ab.batch_id FROM asset_batches ab JOIN batches b ON b.id = ab.batch_id"
      " WHERE ab.asset_id = ANY ($1::text[]) ORDER BY b.pos",
      Params().array(ids));
  std::unordered_map<std::string, std::vector<std::string>> out;
  for (int r = 0; r < rows.rows(); ++r) out[rows.text(r, 0)].push_back(rows.text(r, 1));
  return out;
}

}  // namespace

void attachBatches(Connection& conn, std::vector<core::Asset>& assets) {
  if (assets.empty()) return;
  std::vector<const std::string*> ids;
  for (const auto& a : assets) ids.push_back(&a.id);
  auto found = batchIdsOf(conn, ids);
  for (auto& a : assets)
    if (auto it = found.find(a.id); it != found.end()) a.batches = std::move(it->second);
}

void attachBatches(Connection& conn, std::vector<core::Task>& tasks) {
  if (tasks.empty()) return;
  std::vector<const std::string*> ids;
  for (const auto& t : tasks) ids.push_back(&t.asset);
  auto found = batchIdsOf(conn, ids);
  for (auto& t : tasks)
    if (auto it = found.find(t.asset); it != found.end()) t.batches = it->second;
}

std::optional<std::string> findBatch(Connection& conn, const std::string& projectId,
                                     const std::string& ref) {
  // By id first, else by name.
  auto rows = conn.execPrepared(
      "SELECT id FROM batches WHERE project_id = $1 AND (id = $2 OR name = $2)"
      " ORDER BY (id = $2) DESC, pos LIMIT 1",
      Params().text(projectId).text(ref));
  if (rows.rows() == 0) return std::nullopt;
  return rows.text(0, 0);
}

std::string createBatch(Connection& conn, const std::string& projectId, const std::string& name,
                        std::int64_t now) {
  auto inserted = conn.execPrepared(
      "INSERT INTO batches (id, project_id, name, created_at) VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (project_id, name) DO NOTHING RETURNING id",
      Params().text(core::newObjectId()).text(projectId).text(name).integer(now));
  if (inserted.rows() == 1) return inserted.text(0, 0);
  auto existing = conn.execPrepared("SELECT id FROM batches WHERE project_id = $1 AND name = $2",
                                    Params().text(projectId).text(name));
  if (existing.rows() == 0) throw core::ApiError::internal("batch " + name + " vanished");
  return existing.text(0, 0);
}

std::string findOrCreateBatch(Connection& conn, const std::string& projectId,
                              const std::string& ref, std::int64_t now, const std::string& path) {
  if (auto id = findBatch(conn, projectId, ref)) return *id;
  if (ref.empty()) throw core::ApiError::badRequest(path, "batch name must not be empty");
  if (core::isObjectId(ref)) throw core::ApiError::badRequest(path, "no such batch in the project");
  return createBatch(conn, projectId, ref, now);
}

}  // namespace assetd::store::postgres
