// Listing and reading label tasks (joined to their asset for externalId and batches).
#include "store/postgres/filter_sql.hpp"
#include "store/postgres/paging.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/records.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace postgres;
namespace {

std::vector<core::Task> readTasks(const Result& rows) {
  std::vector<core::Task> tasks;
  for (int r = 0; r < rows.rows(); ++r) tasks.push_back(sql::readTask(rows.row(r)));
  return tasks;
}

}  // namespace

template <>
core::Page<core::Task> PostgresStore::listTasks(const std::string& org,
                                                const std::string& projectId,
                                                const core::TaskQuery& query) {
  const std::int64_t offset = sql::pageOffset(query.page, query.limit);
  const char* order = query.ascending ? " ORDER BY t.seq ASC" : " ORDER BY t.seq DESC";
  return engine_.run(Mode::Read, [&](Connection& conn) {
    auto project = findLiveProject(conn, org, projectId);
    if (!project) throw core::ApiError::notFound("project " + projectId);
    core::Page<core::Task> result;
    if (sql::taskFilterEmpty(query.filter)) {
      // One label task per live asset: the asset counter is the task total, and tasks share
      // their asset's seq, so pages start by the same arithmetic as asset pages.
      result.total = project->assetCount;
      auto start = sql::unfilteredPageStart(*project, offset, query.ascending,
                                            deletedRows(conn, sql::SeqTable::Tasks, projectId));
      if (start)
        result.items = readTasks(
            conn.execPrepared(sql::selectTasksWhere(query.includeAnswer) +
                                  "t.project_id = $1 AND NOT t.deleted AND t.seq " +
                                  (query.ascending ? ">=" : "<=") + " $2" + order + " LIMIT $3",
                              Params().text(projectId).integer(*start).integer(query.limit)));
    } else {
      auto where = sql::projectTasks(
          dialect(), projectId, query.filter,
          [&](const std::string& ref) { return findBatch(conn, projectId, ref); });
      if (!where.matchesNothing()) {
        auto page = filteredSeqs(
            conn, "t.seq", "FROM tasks t JOIN assets a ON a.id = t.asset_id WHERE " + where.sql(),
            paramsOf(where), offset, query.limit, query.ascending);
        result.total = page.total;
        if (!page.seqs.empty()) {
          ArrayParam seqs;
          for (auto seq : page.seqs) seqs.integer(seq);
          result.items = readTasks(conn.exec(
              sql::selectTasksWhere(query.includeAnswer) +
                  "t.project_id = $1 AND NOT t.deleted AND t.seq = ANY ($2::bigint[])" + order,
              Params().text(projectId).array(seqs)));
        }
      }
    }
    attachBatches(conn, projectId, result.items);
    return result;
  });
}

template <>
std::optional<core::Task> PostgresStore::getTask(const std::string& org,
                                                 const std::string& taskId) {
  return engine_.run(Mode::Read, [&](Connection& conn) -> std::optional<core::Task> {
    auto rows = conn.execPrepared(sql::selectTasksWhere(true) +
                                      "t.id = $1 AND NOT t.deleted AND EXISTS (SELECT 1 FROM"
                                      " projects p WHERE p.id = t.project_id"
                                      " AND p.organization_id = $2)",
                                  Params().text(taskId).text(org));
    if (rows.rows() == 0) return std::nullopt;
    core::Task task = sql::readTask(rows.row(0));
    task.batches = assetBatchIds(conn, task.asset);
    return task;
  });
}

}  // namespace assetd::store::sql
