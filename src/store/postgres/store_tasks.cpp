// Listing and reading label tasks (joined to their asset for externalId and batches).
#include "store/postgres/filter_sql.hpp"
#include "store/postgres/paging.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/records.hpp"

namespace assetd::store::postgres {
namespace {

bool taskFilterEmpty(const core::TaskFilter& f) {
  return f.strings.empty() && f.batches.empty() && f.createdAt.empty() && f.priority.empty();
}

std::string tasksFrom(bool includeAnswer) {
  return "SELECT " + taskColumns(includeAnswer) +
         " FROM tasks t JOIN assets a ON a.id = t.asset_id WHERE ";
}

std::vector<core::Task> readTasks(const Result& rows) {
  std::vector<core::Task> tasks;
  for (int r = 0; r < rows.rows(); ++r) tasks.push_back(readTask(rows, r));
  return tasks;
}

}  // namespace

core::Page<core::Task> PostgresStore::listTasks(const std::string& org,
                                                const std::string& projectId,
                                                const core::TaskQuery& query) {
  const std::int64_t offset = pageOffset(query.page, query.limit);
  const char* order = query.ascending ? " ORDER BY t.seq ASC" : " ORDER BY t.seq DESC";
  return run(Mode::Read, [&](Connection& conn) {
    auto project = findLiveProject(conn, org, projectId);
    if (!project) throw core::ApiError::notFound("project " + projectId);
    core::Page<core::Task> result;
    if (taskFilterEmpty(query.filter)) {
      // One label task per live asset: the asset counter is the task total, and tasks share
      // their asset's seq, so pages start by the same arithmetic as asset pages.
      result.total = project->assetCount;
      auto start = offset < result.total
                       ? pageStartSeq(conn, SeqTable::Tasks, projectId, project->nextSeq - 1,
                                      offset, query.ascending)
                       : std::nullopt;
      if (start)
        result.items = readTasks(conn.execPrepared(
            tasksFrom(query.includeAnswer) + "t.project_id = $1 AND NOT t.deleted AND t.seq " +
                (query.ascending ? ">=" : "<=") + " $2" + order + " LIMIT $3",
            Params().text(projectId).integer(*start).integer(query.limit)));
    } else {
      SqlConditions where;
      where.add("t.project_id = " + where.text(projectId));
      where.add("NOT t.deleted");
      addTaskFilter(where, query.filter,
                    [&](const std::string& ref) { return findBatch(conn, projectId, ref); });
      if (!where.matchesNothing()) {
        auto page = filteredSeqs(
            conn, "t.seq", "FROM tasks t JOIN assets a ON a.id = t.asset_id WHERE " + where.sql(),
            where.params(), offset, query.limit, query.ascending);
        result.total = page.total;
        if (!page.seqs.empty()) {
          ArrayParam seqs;
          for (auto seq : page.seqs) seqs.integer(seq);
          result.items = readTasks(conn.exec(
              tasksFrom(query.includeAnswer) +
                  "t.project_id = $1 AND NOT t.deleted AND t.seq = ANY ($2::bigint[])" + order,
              Params().text(projectId).array(seqs)));
        }
      }
    }
    attachBatches(conn, result.items);
    return result;
  });
}

std::optional<core::Task> PostgresStore::getTask(const std::string& org,
                                                 const std::string& taskId) {
  return run(Mode::Read, [&](Connection& conn) -> std::optional<core::Task> {
    auto rows = conn.execPrepared(tasksFrom(true) +
                                      "t.id = $1 AND NOT t.deleted AND EXISTS (SELECT 1 FROM"
                                      " projects p WHERE p.id = t.project_id"
                                      " AND p.organization_id = $2)",
                                  Params().text(taskId).text(org));
    if (rows.rows() == 0) return std::nullopt;
    core::Task task = readTask(rows, 0);
    task.batches = assetBatchIds(conn, task.asset);
    return task;
  });
}

}  // namespace assetd::store::postgres
