// Listing and reading label tasks (joined to their asset for externalId and batches).
#include "core/error.hpp"
#include "store/sql/records.hpp"
#include "store/sqlite/filter_sql.hpp"
#include "store/sqlite/paging.hpp"
#include "store/sqlite/sqlite_store.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace sqlite;

template <>
core::Page<core::Task> SqliteStore::listTasks(const std::string& org, const std::string& projectId,
                                              const core::TaskQuery& query) {
  const std::int64_t offset = sql::pageOffset(query.page, query.limit);
  auto reader = engine_.pool.reader();
  Database& db = reader.get();
  Transaction tx(db, Transaction::Kind::Read);
  auto project = findLiveProject(db, org, projectId);
  if (!project) throw core::ApiError::notFound("project " + projectId);
  const char* order = query.ascending ? " ORDER BY t.seq ASC" : " ORDER BY t.seq DESC";

  core::Page<core::Task> result;
  if (sql::taskFilterEmpty(query.filter)) {
    // One label task per live asset: the asset counter is the task total, and tasks share
    // their asset's seq, so pages start by the same arithmetic as asset pages.
    result.total = project->assetCount;
    auto start = sql::unfilteredPageStart(*project, offset, query.ascending,
                                          deletedRows(db, sql::SeqTable::Tasks, projectId));
    if (start) {
      auto q = db.prepare(sql::selectTasksWhere(query.includeAnswer) +
                          "t.project_id = ?1 AND t.deleted = 0 AND t.seq " +
                          (query.ascending ? ">=" : "<=") + " ?2" + order + " LIMIT ?3");
      q->bindText(1, projectId);
      q->bindInt(2, *start);
      q->bindInt(3, query.limit);
      while (q->step()) result.items.push_back(sql::readTask(*q));
    }
  } else {
    auto where = sql::projectTasks(dialect(), projectId, query.filter, [&](const std::string& ref) {
      return findBatch(db, projectId, ref);
    });
    if (!where.matchesNothing()) {
      auto seqs = db.prepare("SELECT t.seq FROM tasks t JOIN assets a ON a.id = t.asset_id WHERE " +
                             where.sql() + order);
      bindParams(*seqs, where);
      auto page = scanFilteredSeqs(*seqs, offset, query.limit);
      result.total = page.total;
      auto row = db.prepare(sql::selectTasksWhere(query.includeAnswer) +
                            "t.project_id = ?1 AND t.seq = ?2 AND t.deleted = 0");
      for (std::int64_t seq : page.seqs) {
        row->bindText(1, projectId);
        row->bindInt(2, seq);
        if (row->step()) result.items.push_back(sql::readTask(*row));
        row->reset();
      }
    }
  }
  attachBatches(db, projectId, result.items);
  return result;
}

template <>
std::optional<core::Task> SqliteStore::getTask(const std::string& org, const std::string& taskId) {
  auto reader = engine_.pool.reader();
  Database& db = reader.get();
  Transaction tx(db, Transaction::Kind::Read);
  auto q = db.prepare(sql::selectTasksWhere(true) +
                      "t.id = ?1 AND t.deleted = 0 AND EXISTS (SELECT 1 FROM projects p"
                      " WHERE p.id = t.project_id AND p.organization_id = ?2)");
  q->bindText(1, taskId);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  core::Task task = sql::readTask(*q);
  task.batches = assetBatchIds(db, task.asset);
  return task;
}

}  // namespace assetd::store::sql
