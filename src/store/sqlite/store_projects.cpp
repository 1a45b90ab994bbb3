// Projects and their batch lists.
#include <unordered_set>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "store/sql/records.hpp"
#include "store/sqlite/paging.hpp"
#include "store/sqlite/sqlite_store.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace sqlite;

template <>
core::Project SqliteStore::createProject(const std::string& org, const core::NewProject& p) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto orgExists = db.prepare("SELECT 1 FROM organizations WHERE id = ?1");
  orgExists->bindText(1, org);
  if (!orgExists->step()) throw core::ApiError::notFound("organization " + org);

  core::Project project = sql::newProject(org, p, engine_.writeClock());
  auto q = db.prepare(
      "INSERT INTO projects (id, organization_id, name, description, type, category_schema,"
      " pct_config, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
  q->bindText(1, project.id);
  q->bindText(2, org);
  q->bindText(3, project.name);
  q->bindText(4, project.description);
  q->bindText(5, project.type);
  q->bindText(6, project.categorySchemaJson);
  q->bindTextOrNull(7, project.pctConfigJson);
  q->bindInt(8, project.createdAt);
  q->run();
  tx.commit();
  return project;
}

template <>
std::optional<core::Project> SqliteStore::getProject(const std::string& org,
                                                     const std::string& projectId) {
  auto reader = engine_.pool.reader();
  Transaction tx(reader.get(), Transaction::Kind::Read);
  return loadProject(reader.get(), org, projectId);
}

template <>
std::optional<core::Project> SqliteStore::updateProject(const std::string& org,
                                                        const std::string& projectId,
                                                        const core::ProjectPatch& patch) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto project = loadProject(db, org, projectId);
  if (!project) return std::nullopt;
  sql::applyPatch(*project, patch);
  project->updatedAt = engine_.writeClock();
  auto q = db.prepare(
      "UPDATE projects SET name = ?2, description = ?3, category_schema = ?4, updated_at = ?5"
      " WHERE id = ?1");
  q->bindText(1, project->id);
  q->bindText(2, project->name);
  q->bindText(3, project->description);
  q->bindText(4, project->categorySchemaJson);
  q->bindInt(5, project->updatedAt);
  q->run();
  tx.commit();
  return project;
}

template <>
bool SqliteStore::deleteProject(const std::string& org, const std::string& projectId) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  std::int64_t now = engine_.writeClock();
  auto project = db.prepare(
      "UPDATE projects SET deleted = 1, asset_count = 0, updated_at = ?3"
      " WHERE id = ?1 AND organization_id = ?2 AND deleted = 0");
  project->bindText(1, projectId);
  project->bindText(2, org);
  project->bindInt(3, now);
  project->run();
  if (db.changes() == 0) return false;
  for (const char* sql :
       {"UPDATE assets SET deleted = 1, updated_at = ?2 WHERE project_id = ?1 AND deleted = 0",
        "UPDATE tasks SET deleted = 1, updated_at = ?2 WHERE project_id = ?1 AND deleted = 0"}) {
    auto q = db.prepare(sql);
    q->bindText(1, projectId);
    q->bindInt(2, now);
    q->run();
  }
  tx.commit();
  // Cached lookups may say the project exists.
  if (engine_.authCache) engine_.authCache->invalidate();
  return true;
}

template <>
core::Page<core::Project> SqliteStore::listProjects(const std::string& org, std::int64_t page,
                                                    std::int64_t limit) {
  auto reader = engine_.pool.reader();
  Database& db = reader.get();
  Transaction tx(db, Transaction::Kind::Read);
  const std::int64_t offset = sql::pageOffset(page, limit);
  core::Page<core::Project> result;
  auto count =
      db.prepare("SELECT COUNT(*) FROM projects WHERE organization_id = ?1 AND deleted = 0");
  count->bindText(1, org);
  count->step();
  result.total = count->integer(0);
  if (offset >= result.total) return result;
  auto q = db.prepare(std::string("SELECT ") + sql::kProjectColumns +
                      " FROM projects WHERE organization_id = ?1 AND deleted = 0"
                      " ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3");
  q->bindText(1, org);
  q->bindInt(2, limit);
  q->bindInt(3, offset);
  while (q->step()) result.items.push_back(sql::readProject(*q));
  for (auto& p : result.items) p.batches = loadBatches(db, p.id);
  return result;
}

template <>
std::optional<core::Project> SqliteStore::replaceBatches(const std::string& org,
                                                         const std::string& projectId,
                                                         const std::vector<core::BatchSpec>& b) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  if (!findLiveProject(db, org, projectId)) return std::nullopt;
  std::int64_t now = engine_.writeClock();

  std::unordered_set<std::string> existing;
  for (const auto& batch : loadBatches(db, projectId)) existing.insert(batch.id);
  std::unordered_set<std::string> kept;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (!b[i].id) {
      kept.insert(createBatch(db, projectId, b[i].name, now));
      continue;
    }
    if (!existing.contains(*b[i].id))
      throw core::ApiError::badRequest("batches[" + std::to_string(i) + "]._id",
                                       "no such batch in the project");
    auto rename = db.prepare("UPDATE batches SET name = ?2 WHERE id = ?1");
    rename->bindText(1, *b[i].id);
    rename->bindText(2, b[i].name);
    rename->run();
    kept.insert(*b[i].id);
  }
  // Batches left out are removed, and with them every asset's membership.
  for (const auto& id : existing) {
    if (kept.contains(id)) continue;
    for (const char* sql :
         {"DELETE FROM asset_batches WHERE batch_id = ?1", "DELETE FROM batches WHERE id = ?1"}) {
      auto q = db.prepare(sql);
      q->bindText(1, id);
      q->run();
    }
  }
  auto touch = db.prepare("UPDATE projects SET updated_at = ?2 WHERE id = ?1");
  touch->bindText(1, projectId);
  touch->bindInt(2, now);
  touch->run();
  auto project = loadProject(db, org, projectId);
  tx.commit();
  return project;
}

}  // namespace assetd::store::sql
