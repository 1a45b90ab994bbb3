#include "store/postgres/records.hpp"

#include <unordered_map>

#include "core/error.hpp"
#include "core/ids.hpp"

// The engine's definitions of the loaders declared in store/sql/records.hpp.
namespace assetd::store::sql {
using namespace postgres;

template <>
std::vector<core::Batch> loadBatches(Connection& conn, const std::string& projectId) {
  auto rows = conn.execPrepared("SELECT id, name FROM batches WHERE project_id = $1 ORDER BY pos",
                                Params().text(projectId));
  std::vector<core::Batch> batches;
  for (int r = 0; r < rows.rows(); ++r) batches.push_back({rows.text(r, 0), rows.text(r, 1)});
  return batches;
}

template <>
std::vector<std::string> assetBatchIds(Connection& conn, const std::string& assetId) {
  auto rows = conn.execPrepared(
      "SELECT ab.batch_id FROM asset_batches ab JOIN batches b ON b.id = ab.batch_id"
      " WHERE ab.asset_id = $1 ORDER BY b.pos",
      Params().text(assetId));
  std::vector<std::string> ids;
  for (int r = 0; r < rows.rows(); ++r) ids.push_back(rows.text(r, 0));
  return ids;
}

template <>
std::optional<core::Asset> loadAsset(Connection& conn, const std::string& org,
                                     const std::string& assetId) {
  static const std::string query = std::string("SELECT ") + sql::kAssetColumns +
                                   " FROM assets a JOIN projects p ON p.id = a.project_id"
                                   " WHERE a.id = $1 AND p.organization_id = $2 AND NOT a.deleted";
  auto rows = conn.execPrepared(query, Params().text(assetId).text(org));
  if (rows.rows() == 0) return std::nullopt;
  core::Asset asset = sql::readAsset(rows.row(0));
  asset.organization = org;
  asset.batches = assetBatchIds(conn, asset.id);
  return asset;
}

namespace {

std::optional<ProjectState> projectState(Connection& conn, const std::string& query,
                                         const std::string& org, const std::string& projectId) {
  auto rows = conn.execPrepared(query, Params().text(projectId).text(org));
  if (rows.rows() == 0) return std::nullopt;
  return ProjectState{rows.integer(0, 0), rows.integer(0, 1)};
}

}  // namespace

template <>
std::optional<ProjectState> findLiveProject(Connection& conn, const std::string& org,
                                            const std::string& projectId) {
  return projectState(conn,
                      "SELECT asset_count, next_seq FROM projects"
                      " WHERE id = $1 AND organization_id = $2 AND NOT deleted",
                      org, projectId);
}

template <>
std::optional<core::Project> loadProject(Connection& conn, const std::string& org,
                                         const std::string& projectId) {
  static const std::string query = std::string("SELECT ") + sql::kProjectColumns +
                                   " FROM projects WHERE id = $1 AND organization_id = $2"
                                   " AND NOT deleted";
  auto rows = conn.execPrepared(query, Params().text(projectId).text(org));
  if (rows.rows() == 0) return std::nullopt;
  core::Project p = sql::readProject(rows.row(0));
  p.batches = loadBatches(conn, p.id);
  return p;
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

template <>
void attachBatches(Connection& conn, const std::string&, std::vector<core::Asset>& assets) {
  if (assets.empty()) return;
  std::vector<const std::string*> ids;
  for (const auto& a : assets) ids.push_back(&a.id);
  auto found = batchIdsOf(conn, ids);
  for (auto& a : assets)
    if (auto it = found.find(a.id); it != found.end()) a.batches = std::move(it->second);
}

template <>
void attachBatches(Connection& conn, const std::string&, std::vector<core::Task>& tasks) {
  if (tasks.empty()) return;
  std::vector<const std::string*> ids;
  for (const auto& t : tasks) ids.push_back(&t.asset);
  auto found = batchIdsOf(conn, ids);
  for (auto& t : tasks)
    if (auto it = found.find(t.asset); it != found.end()) t.batches = it->second;
}

template <>
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

template <>
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

}  // namespace assetd::store::sql

namespace assetd::store::postgres {

std::optional<sql::ProjectState> lockLiveProject(Connection& conn, const std::string& org,
                                                 const std::string& projectId) {
  return sql::projectState(conn,
                           "SELECT asset_count, next_seq FROM projects"
                           " WHERE id = $1 AND organization_id = $2 AND NOT deleted FOR UPDATE",
                           org, projectId);
}

}  // namespace assetd::store::postgres
