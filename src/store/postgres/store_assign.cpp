// assignBatches: add or replace the batches of assets of one project.
#include <algorithm>
#include <unordered_map>

#include "store/postgres/postgres_store.hpp"
#include "store/postgres/records.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace postgres;
namespace {

// The one project of the request's assets (see sql::commonProject), read in one query made
// when the first asset is looked up (none for an empty request).
std::string commonProject(Connection& conn, const std::string& org,
                          const core::AssignRequest& request) {
  std::unordered_map<std::string, std::string> projectOf;
  return sql::commonProject(request, [&](std::size_t i) -> std::optional<std::string> {
    if (i == 0) {
      ArrayParam ids;
      for (const auto& id : request.assetIds) ids.text(id);
      auto rows = conn.exec(
          "SELECT a.id, a.project_id FROM assets a JOIN projects p ON p.id = a.project_id"
          " WHERE a.id = ANY ($1::text[]) AND p.organization_id = $2 AND NOT a.deleted"
          " AND NOT p.deleted",
          Params().array(ids).text(org));
      for (int r = 0; r < rows.rows(); ++r) projectOf.emplace(rows.text(r, 0), rows.text(r, 1));
    }
    auto found = projectOf.find(request.assetIds[i]);
    if (found == projectOf.end()) return std::nullopt;
    return found->second;
  });
}

}  // namespace

template <>
core::AssignResult PostgresStore::assignBatches(const std::string& org,
                                                const core::AssignRequest& request) {
  const std::int64_t now = engine_.writeClock();
  return engine_.run(Mode::Write, [&](Connection& conn) {
    // Batch creation and membership changes of a project take turns on its row; the assets
    // are checked again under the lock, where a delete that won the race shows.
    lockLiveProject(conn, org, commonProject(conn, org, request));
    const std::string projectId = commonProject(conn, org, request);

    core::AssignResult result;
    for (std::size_t j = 0; j < request.batchRefs.size(); ++j) {
      std::string id = findOrCreateBatch(conn, projectId, request.batchRefs[j], now,
                                         "batches[" + std::to_string(j) + "]");
      if (std::find(result.batchIds.begin(), result.batchIds.end(), id) == result.batchIds.end())
        result.batchIds.push_back(std::move(id));
    }
    ArrayParam assets, batches;
    for (const auto& id : request.assetIds) assets.text(id);
    for (const auto& id : result.batchIds) batches.text(id);

    // The assets whose batch set changes: add mode, those missing one of the batches; replace
    // mode, those whose set differs. Then one statement per table.
    auto changed = conn.exec(
        request.replace
            ? "SELECT a.id FROM (SELECT DISTINCT unnest($1::text[])) AS a(id) WHERE"
              " ARRAY(SELECT batch_id FROM asset_batches WHERE asset_id = a.id"
              " ORDER BY batch_id COLLATE \"C\") IS DISTINCT FROM"
              " ARRAY(SELECT b COLLATE \"C\" FROM unnest($2::text[]) AS b ORDER BY 1)"
            : "SELECT a.id FROM (SELECT DISTINCT unnest($1::text[])) AS a(id)"
              " WHERE EXISTS (SELECT 1 FROM"
              " unnest($2::text[]) AS b(id) WHERE NOT EXISTS (SELECT 1 FROM asset_batches ab"
              " WHERE ab.asset_id = a.id AND ab.batch_id = b.id))",
        Params().array(assets).array(batches));
    ArrayParam modified;
    for (int r = 0; r < changed.rows(); ++r) modified.text(changed.text(r, 0));
    result.modifiedCount = changed.rows();
    if (result.modifiedCount == 0) return result;

    if (request.replace)
      conn.exec("DELETE FROM asset_batches WHERE asset_id = ANY ($1::text[])",
                Params().array(modified));
    conn.exec(
        "INSERT INTO asset_batches (asset_id, batch_id)"
        " SELECT a, b FROM unnest($1::text[]) AS a, unnest($2::text[]) AS b"
        " ON CONFLICT DO NOTHING",
        Params().array(modified).array(batches));
    conn.exec("UPDATE assets SET updated_at = GREATEST(updated_at, $2) WHERE id = ANY ($1::text[])",
              Params().array(modified).integer(now));
    return result;
  });
}

}  // namespace assetd::store::sql
