// Listing and reading label tasks (joined to their asset for externalId and batches).
#include "core/error.hpp"
#include "store/sqlite/filter_sql.hpp"
#include "store/sqlite/paging.hpp"
#include "store/sqlite/records.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace assetd::store::sqlite {
namespace {

bool taskFilterEmpty(const core::TaskFilter& f) {
  return f.strings.empty() && f.batches.empty() && f.createdAt.empty() && f.priority.empty();
}

std::string tasksFrom(bool includeAnswer) {
  return "SELECT " + taskColumns(includeAnswer) +
         " FROM tasks t JOIN assets a ON a.id = t.asset_id WHERE ";
}

}  // namespace

core::Page<core::Task> SqliteStore::listTasks(const std::string& org, const std::string& projectId,
                                              const core::TaskQuery& query) {
  const std::int64_t offset = pageOffset(query.page, query.limit);
  auto reader = pool_.reader();
  Database& db = reader.db();
  Transaction tx(db, Transaction::Kind::Read);
  auto project = findLiveProject(db, org, projectId);
  if (!project) throw core::ApiError::notFound("project " + projectId);
  const char* order = query.ascending ? " ORDER BY t.seq ASC" : " ORDER BY t.seq DESC";

  core::Page<core::Task> result;
  if (taskFilterEmpty(query.filter)) {
    // One label task per live asset: the asset counter is the task total, and tasks share
    // their asset's seq, so pages start by the same arithmetic as asset pages.
    result.total = project->assetCount;
    auto start = offset < result.total ? pageStartSeq(db, SeqTable::Tasks, projectId,
                                                      project->nextSeq - 1, offset, query.ascending)
                                       : std::nullopt;
    if (start) {
      auto q = db.prepare(tasksFrom(query.includeAnswer) +
                          "t.project_id = ?1 AND t.deleted = 0 AND t.seq " +
                          (query.ascending ? ">=" : "<=") + " ?2" + order + " LIMIT ?3");
      q->bindText(1, projectId);
      q->bindInt(2, *start);
      q->bindInt(3, query.limit);
      while (q->step()) result.items.push_back(readTask(*q));
    }
  } else {
    SqlConditions where;
    where.add("t.project_id = " + where.param(projectId));
    where.add("t.deleted = 0");
    addTaskFilter(where, query.filter,
                  [&](const std::string& ref) { return findBatch(db, projectId, ref); });
    if (!where.matchesNothing()) {
      auto seqs = db.prepare("SELECT t.seq FROM tasks t JOIN assets a ON a.id = t.asset_id WHERE " +
                             where.sql() + order);
      where.bindTo(*seqs);
      auto page = scanFilteredSeqs(*seqs, offset, query.limit);
      result.total = page.total;
      auto row = db.prepare(tasksFrom(query.includeAnswer) +
                            "t.project_id = ?1 AND t.seq = ?2 AND t.deleted = 0");
      for (std::int64_t seq : page.seqs) {
        row->bindText(1, projectId);
        row->bindInt(2, seq);
        if (row->step()) result.items.push_back(readTask(*row));
        row->reset();
      }
    }
  }
  attachBatches(db, projectId, result.items);
  return result;
}

std::optional<core::Task> SqliteStore::getTask(const std::string& org, const std::string& taskId) {
  auto reader = pool_.reader();
  Database& db = reader.db();
  Transaction tx(db, Transaction::Kind::Read);
  auto q = db.prepare(tasksFrom(true) +
                      "t.id = ?1 AND t.deleted = 0 AND EXISTS (SELECT 1 FROM projects p"
                      " WHERE p.id = t.project_id AND p.organization_id = ?2)");
  q->bindText(1, taskId);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  core::Task task = readTask(*q);
  task.batches = assetBatchIds(db, task.asset);
  return task;
}

}  // namespace assetd::store::sqlite
