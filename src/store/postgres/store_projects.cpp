// Projects and their batch lists.
#include <unordered_set>

#include "core/ids.hpp"
#include "store/postgres/paging.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/records.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace postgres;

template <>
core::Project PostgresStore::createProject(const std::string& org, const core::NewProject& p) {
  const core::Project project = sql::newProject(org, p, engine_.writeClock());
  return engine_.run(Mode::Write, [&](Connection& conn) {
    if (conn.exec("SELECT 1 FROM organizations WHERE id = $1", Params().text(org)).rows() == 0)
      throw core::ApiError::notFound("organization " + org);
    conn.exec(
        "INSERT INTO projects (id, organization_id, name, description, type, category_schema,"
        " pct_config, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        Params()
            .text(project.id)
            .text(org)
            .text(project.name)
            .text(project.description)
            .text(project.type)
            .text(project.categorySchemaJson)
            .textOrNull(project.pctConfigJson)
            .integer(project.createdAt));
    return project;
  });
}

template <>
std::optional<core::Project> PostgresStore::getProject(const std::string& org,
                                                       const std::string& projectId) {
  return engine_.run(Mode::Read,
                     [&](Connection& conn) { return loadProject(conn, org, projectId); });
}

template <>
std::optional<core::Project> PostgresStore::updateProject(const std::string& org,
                                                          const std::string& projectId,
                                                          const core::ProjectPatch& patch) {
  const std::int64_t now = engine_.writeClock();
  return engine_.run(Mode::Write, [&](Connection& conn) -> std::optional<core::Project> {
    if (!lockLiveProject(conn, org, projectId)) return std::nullopt;
    auto project = loadProject(conn, org, projectId);
    sql::applyPatch(*project, patch);
    project->updatedAt = std::max(now, project->updatedAt);
    conn.exec(
        "UPDATE projects SET name = $2, description = $3, category_schema = $4, updated_at = $5"
        " WHERE id = $1",
        Params()
            .text(project->id)
            .text(project->name)
            .text(project->description)
            .text(project->categorySchemaJson)
            .integer(project->updatedAt));
    return project;
  });
}

template <>
bool PostgresStore::deleteProject(const std::string& org, const std::string& projectId) {
  const std::int64_t now = engine_.writeClock();
  return engine_.run(Mode::Write, [&](Connection& conn) {
    auto project = conn.exec(
        "UPDATE projects SET deleted = true, asset_count = 0, updated_at = $3"
        " WHERE id = $1 AND organization_id = $2 AND NOT deleted",
        Params().text(projectId).text(org).integer(now));
    if (project.affected() == 0) return false;
    for (const char* sql :
         {"UPDATE assets SET deleted = true, updated_at = $2 WHERE project_id = $1 AND NOT deleted",
          "UPDATE tasks SET deleted = true, updated_at = $2 WHERE project_id = $1 AND NOT deleted"})
      conn.exec(sql, Params().text(projectId).integer(now));
    return true;
  });
}

template <>
core::Page<core::Project> PostgresStore::listProjects(const std::string& org, std::int64_t page,
                                                      std::int64_t limit) {
  const std::int64_t offset = sql::pageOffset(page, limit);
  return engine_.run(Mode::Read, [&](Connection& conn) {
    core::Page<core::Project> result;
    result.total =
        conn.exec("SELECT COUNT(*) FROM projects WHERE organization_id = $1 AND NOT deleted",
                  Params().text(org))
            .integer(0, 0);
    if (offset >= result.total) return result;
    auto rows = conn.exec(std::string("SELECT ") + sql::kProjectColumns +
                              " FROM projects WHERE organization_id = $1 AND NOT deleted"
                              " ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                          Params().text(org).integer(limit).integer(offset));
    for (int r = 0; r < rows.rows(); ++r) result.items.push_back(sql::readProject(rows.row(r)));
    for (auto& p : result.items) p.batches = loadBatches(conn, p.id);
    return result;
  });
}

template <>
std::optional<core::Project> PostgresStore::replaceBatches(const std::string& org,
                                                           const std::string& projectId,
                                                           const std::vector<core::BatchSpec>& b) {
  const std::int64_t now = engine_.writeClock();
  return engine_.run(Mode::Write, [&](Connection& conn) -> std::optional<core::Project> {
    if (!lockLiveProject(conn, org, projectId)) return std::nullopt;
    std::unordered_set<std::string> existing;
    for (const auto& batch : loadBatches(conn, projectId)) existing.insert(batch.id);
    std::unordered_set<std::string> kept;
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (!b[i].id) continue;
      if (!existing.contains(*b[i].id))
        throw core::ApiError::badRequest("batches[" + std::to_string(i) + "]._id",
                                         "no such batch in the project");
      kept.insert(*b[i].id);
    }
    // Batches left out are removed, and with them every asset's membership; their names are
    // free again before the renames and creations below.
    ArrayParam removed;
    for (const auto& id : existing)
      if (!kept.contains(id)) removed.text(id);
    if (removed.size() > 0) {
      conn.exec("DELETE FROM asset_batches WHERE batch_id = ANY ($1::text[])",
                Params().array(removed));
      conn.exec("DELETE FROM batches WHERE id = ANY ($1::text[])", Params().array(removed));
    }
    // Renames in two steps, so that batches may swap names without two ever sharing one.
    ArrayParam renamedIds, newNames;
    for (const auto& spec : b) {
      if (!spec.id) continue;
      renamedIds.text(*spec.id);
      newNames.text(spec.name);
    }
    if (renamedIds.size() > 0) {
      conn.exec("UPDATE batches SET name = chr(1) || id WHERE id = ANY ($1::text[])",
                Params().array(renamedIds));
      conn.exec(
          "UPDATE batches SET name = r.name FROM unnest($1::text[], $2::text[]) AS r(id, name)"
          " WHERE batches.id = r.id",
          Params().array(renamedIds).array(newNames));
    }
    for (const auto& spec : b)
      if (!spec.id) createBatch(conn, projectId, spec.name, now);
    conn.exec("UPDATE projects SET updated_at = GREATEST(updated_at, $2) WHERE id = $1",
              Params().text(projectId).integer(now));
    return loadProject(conn, org, projectId);
  });
}

}  // namespace assetd::store::sql
