#include "store/sqlite/records.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"

namespace assetd::store::sqlite {

core::Asset readAsset(const Statement& row) {
  core::Asset a;
  a.id = row.columnText(0);
  a.project = row.columnText(1);
  a.externalId = row.columnText(2);
  a.data = row.columnText(3);
  a.datasetJson = row.columnText(4);
  a.overlayJson = row.columnText(5);
  a.metadataJson = row.columnText(6);
  a.contextDataJson = row.columnText(7);
  a.preLabelJson = row.columnText(8);
  a.editorType = row.columnText(9);
  a.storageId = row.columnText(10);
  a.uploadLocal = row.columnBool(11);
  a.priority = row.columnDouble(12);
  a.isPreLabeled = row.columnBool(13);
  a.labelTaskId = row.columnText(14);
  a.createdBy = row.columnText(15);
  a.createdAt = row.columnInt(16);
  a.updatedAt = row.columnInt(17);
  if (!row.isNull(18)) {  // "<status>\x1f<error>"
    std::string copy = row.columnText(18);
    auto separator = copy.find('\x1f');
    a.uploadStatus = copy.substr(0, separator);
    if (separator != std::string::npos) a.uploadError = copy.substr(separator + 1);
  }
  return a;
}

std::optional<core::Asset> loadAsset(Database& db, const std::string& org,
                                     const std::string& assetId) {
  auto q = db.prepare(std::string("SELECT ") + kAssetColumns +
                      " FROM assets a JOIN projects p ON p.id = a.project_id"
                      " WHERE a.id = ?1 AND p.organization_id = ?2 AND a.deleted = 0");
  q->bindText(1, assetId);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  core::Asset asset = readAsset(*q);
  asset.organization = org;
  asset.batches = assetBatchIds(db, asset.id);
  return asset;
}

std::string taskColumns(bool includeAnswer) {
  std::string columns =
      "t.id, t.project_id, t.asset_id, a.external_id, t.stage, t.status, t.priority,"
      " t.created_by, t.created_at, t.updated_at, ";
  columns += includeAnswer ? "t.answer" : "NULL";
  return columns;
}

core::Task readTask(const Statement& row) {
  core::Task t;
  t.id = row.columnText(0);
  t.project = row.columnText(1);
  t.asset = row.columnText(2);
  t.externalId = row.columnText(3);
  t.stage = row.columnText(4);
  t.status = row.columnText(5);
  t.priority = row.columnDouble(6);
  t.createdBy = row.columnText(7);
  t.createdAt = row.columnInt(8);
  t.updatedAt = row.columnInt(9);
  t.answerJson = row.columnText(10);
  return t;
}

std::optional<ProjectState> findLiveProject(Database& db, const std::string& org,
                                            const std::string& projectId) {
  auto q = db.prepare(
      "SELECT asset_count, next_seq FROM projects"
      " WHERE id = ?1 AND organization_id = ?2 AND deleted = 0");
  q->bindText(1, projectId);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  return ProjectState{q->columnInt(0), q->columnInt(1)};
}

core::Project readProject(const Statement& row) {
  core::Project p;
  p.id = row.columnText(0);
  p.organization = row.columnText(1);
  p.name = row.columnText(2);
  p.description = row.columnText(3);
  p.type = row.columnText(4);
  p.categorySchemaJson = row.columnText(5);
  p.pctConfigJson = row.columnText(6);
  p.assetCount = row.columnInt(7);
  p.createdAt = row.columnInt(8);
  p.updatedAt = row.columnInt(9);
  return p;
}

std::optional<core::Project> loadProject(Database& db, const std::string& org,
                                         const std::string& projectId) {
  auto q = db.prepare(std::string("SELECT ") + kProjectColumns +
                      " FROM projects WHERE id = ?1 AND organization_id = ?2 AND deleted = 0");
  q->bindText(1, projectId);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  core::Project p = readProject(*q);
  p.batches = loadBatches(db, p.id);
  return p;
}

std::vector<core::Batch> loadBatches(Database& db, const std::string& projectId) {
  auto q = db.prepare("SELECT id, name FROM batches WHERE project_id = ?1 ORDER BY pos");
  q->bindText(1, projectId);
  std::vector<core::Batch> batches;
  while (q->step()) batches.push_back({q->columnText(0), q->columnText(1)});
  return batches;
}

std::vector<std::string> assetBatchIds(Database& db, const std::string& assetId) {
  auto q = db.prepare(
      "SELECT ab.batch_id FROM asset_batches ab JOIN batches b ON b.id = ab.batch_id"
      " WHERE ab.asset_id = ?1 ORDER BY b.pos");
  q->bindText(1, assetId);
  std::vector<std::string> ids;
  while (q->step()) ids.push_back(q->columnText(0));
  return ids;
}

namespace {

bool projectHasBatches(Database& db, const std::string& projectId) {
  auto q = db.prepare("SELECT 1 FROM batches WHERE project_id = ?1 LIMIT 1");
  q->bindText(1, projectId);
  return q->step();
}

}  // namespace

void attachBatches(Database& db, const std::string& projectId, std::vector<core::Asset>& assets) {
  if (assets.empty() || !projectHasBatches(db, projectId)) return;
  for (auto& a : assets) a.batches = assetBatchIds(db, a.id);
}

void attachBatches(Database& db, const std::string& projectId, std::vector<core::Task>& tasks) {
  if (tasks.empty() || !projectHasBatches(db, projectId)) return;
  for (auto& t : tasks) t.batches = assetBatchIds(db, t.asset);
}

std::optional<std::string> findBatch(Database& db, const std::string& projectId,
                                     const std::string& ref) {
  auto byId = db.prepare("SELECT id FROM batches WHERE id = ?1 AND project_id = ?2");
  byId->bindText(1, ref);
  byId->bindText(2, projectId);
  if (byId->step()) return byId->columnText(0);
  auto byName =
      db.prepare("SELECT id FROM batches WHERE project_id = ?1 AND name = ?2 ORDER BY pos LIMIT 1");
  byName->bindText(1, projectId);
  byName->bindText(2, ref);
  if (byName->step()) return byName->columnText(0);
  return std::nullopt;
}

std::string createBatch(Database& db, const std::string& projectId, const std::string& name,
                        std::int64_t now) {
  std::string id = core::newObjectId();
  auto q =
      db.prepare("INSERT INTO batches (id, project_id, name, created_at) VALUES (?1, ?2, ?3, ?4)");
  q->bindText(1, id);
  q->bindText(2, projectId);
  q->bindText(3, name);
  q->bindInt(4, now);
  q->run();
  return id;
}

std::string findOrCreateBatch(Database& db, const std::string& projectId, const std::string& ref,
                              std::int64_t now, const std::string& path) {
  if (auto id = findBatch(db, projectId, ref)) return *id;
  if (ref.empty()) throw core::ApiError::badRequest(path, "batch name must not be empty");
  if (core::isObjectId(ref)) throw core::ApiError::badRequest(path, "no such batch in the project");
  return createBatch(db, projectId, ref, now);
}

}  // namespace assetd::store::sqlite
