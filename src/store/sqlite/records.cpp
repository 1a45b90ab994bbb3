#include "store/sql/records.hpp"
#include "store/sqlite/database.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"

// The engine's definitions of the loaders declared in store/sql/records.hpp.
namespace assetd::store::sql {
using namespace sqlite;

template <>
std::vector<core::Batch> loadBatches(Database& db, const std::string& projectId) {
  auto q = db.prepare("SELECT id, name FROM batches WHERE project_id = ?1 ORDER BY pos");
  q->bindText(1, projectId);
  std::vector<core::Batch> batches;
  while (q->step()) batches.push_back({q->text(0), q->text(1)});
  return batches;
}

template <>
std::vector<std::string> assetBatchIds(Database& db, const std::string& assetId) {
  auto q = db.prepare(
      "SELECT ab.batch_id FROM asset_batches ab JOIN batches b ON b.id = ab.batch_id"
      " WHERE ab.asset_id = ?1 ORDER BY b.pos");
  q->bindText(1, assetId);
  std::vector<std::string> ids;
  while (q->step()) ids.push_back(q->text(0));
  return ids;
}

template <>
std::optional<core::Asset> loadAsset(Database& db, const std::string& org,
                                     const std::string& assetId) {
  auto q = db.prepare(std::string("SELECT ") + sql::kAssetColumns +
                      " FROM assets a JOIN projects p ON p.id = a.project_id"
                      " WHERE a.id = ?1 AND p.organization_id = ?2 AND a.deleted = 0");
  q->bindText(1, assetId);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  core::Asset asset = sql::readAsset(*q);
  asset.organization = org;
  asset.batches = assetBatchIds(db, asset.id);
  return asset;
}

template <>
std::optional<ProjectState> findLiveProject(Database& db, const std::string& org,
                                            const std::string& projectId) {
  auto q = db.prepare(
      "SELECT asset_count, next_seq FROM projects"
      " WHERE id = ?1 AND organization_id = ?2 AND deleted = 0");
  q->bindText(1, projectId);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  return ProjectState{q->integer(0), q->integer(1)};
}

template <>
std::optional<core::Project> loadProject(Database& db, const std::string& org,
                                         const std::string& projectId) {
  auto q = db.prepare(std::string("SELECT ") + sql::kProjectColumns +
                      " FROM projects WHERE id = ?1 AND organization_id = ?2 AND deleted = 0");
  q->bindText(1, projectId);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  core::Project p = sql::readProject(*q);
  p.batches = loadBatches(db, p.id);
  return p;
}

namespace {

bool projectHasBatches(Database& db, const std::string& projectId) {
  auto q = db.prepare("SELECT 1 FROM batches WHERE project_id = ?1 LIMIT 1");
  q->bindText(1, projectId);
  return q->step();
}

}  // namespace

template <>
void attachBatches(Database& db, const std::string& projectId, std::vector<core::Asset>& assets) {
  if (assets.empty() || !projectHasBatches(db, projectId)) return;
  for (auto& a : assets) a.batches = assetBatchIds(db, a.id);
}

template <>
void attachBatches(Database& db, const std::string& projectId, std::vector<core::Task>& tasks) {
  if (tasks.empty() || !projectHasBatches(db, projectId)) return;
  for (auto& t : tasks) t.batches = assetBatchIds(db, t.asset);
}

template <>
std::optional<std::string> findBatch(Database& db, const std::string& projectId,
                                     const std::string& ref) {
  auto byId = db.prepare("SELECT id FROM batches WHERE id = ?1 AND project_id = ?2");
  byId->bindText(1, ref);
  byId->bindText(2, projectId);
  if (byId->step()) return byId->text(0);
  auto byName =
      db.prepare("SELECT id FROM batches WHERE project_id = ?1 AND name = ?2 ORDER BY pos LIMIT 1");
  byName->bindText(1, projectId);
  byName->bindText(2, ref);
  if (byName->step()) return byName->text(0);
  return std::nullopt;
}

template <>
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

}  // namespace assetd::store::sql
