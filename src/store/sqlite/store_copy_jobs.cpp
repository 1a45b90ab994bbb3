// Copy jobs of uploadLocal imports (see Store's "copy jobs" section). A claim is a lease: the
// job stays pending, names the claim in lease_token and is due again when the lease ends. The
// worker renews the short lease while it copies, so a worker that dies mid-copy loses the job
// to the next claim soon after, without any cleanup.
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/sqlite/sqlite_store.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace sqlite;
namespace {

struct DueJob {
  core::CopyJob job;
  bool assetDeleted = false;
};

std::vector<DueJob> dueJobs(Database& db, std::int64_t now, std::size_t max) {
  auto q = db.prepare(
      "SELECT j.asset_id, j.organization_id, j.project_id, j.source_url, j.attempts, a.deleted"
      " FROM copy_jobs j JOIN assets a ON a.id = j.asset_id"
      " WHERE j.status = 'pending' AND j.next_attempt_at <= ?1"
      " ORDER BY j.next_attempt_at, j.asset_id LIMIT ?2");
  q->bindInt(1, now);
  q->bindInt(2, static_cast<std::int64_t>(max));
  std::vector<DueJob> due;
  while (q->step()) {
    DueJob d;
    d.job.assetId = q->text(0);
    d.job.organization = q->text(1);
    d.job.project = q->text(2);
    d.job.sourceUrl = q->text(3);
    d.job.attempts = q->integer(4);
    d.assetDeleted = q->boolean(5);
    due.push_back(std::move(d));
  }
  return due;
}

}  // namespace

template <>
std::vector<core::CopyJob> SqliteStore::claimCopyJobs(std::size_t max, std::int64_t leaseMillis) {
  if (max == 0) return {};
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  const std::int64_t now = core::nowMillis();
  const std::string token = core::randomHex(12);
  auto lease = db.prepare(
      "UPDATE copy_jobs SET attempts = attempts + 1, lease_token = ?2, next_attempt_at = ?3,"
      " updated_at = ?4 WHERE asset_id = ?1");
  auto drop = db.prepare(
      "UPDATE copy_jobs SET status = 'failed', error = 'asset deleted', lease_token = NULL,"
      " updated_at = ?2 WHERE asset_id = ?1");
  std::vector<core::CopyJob> claimed;
  for (auto& due : dueJobs(db, now, max)) {
    if (due.assetDeleted) {
      drop->bindText(1, due.job.assetId);
      drop->bindInt(2, now);
      drop->run();
      drop->reset();
      continue;
    }
    lease->bindText(1, due.job.assetId);
    lease->bindText(2, token);
    lease->bindInt(3, now + leaseMillis);
    lease->bindInt(4, now);
    lease->run();
    lease->reset();
    due.job.attempts += 1;
    due.job.leaseToken = token;
    claimed.push_back(std::move(due.job));
  }
  tx.commit();
  return claimed;
}

template <>
bool SqliteStore::completeCopyJob(const core::CopyJob& job, const std::string& storedUrl) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  const std::int64_t now = engine_.writeClock();
  auto done = db.prepare(
      "UPDATE copy_jobs SET status = 'done', error = NULL, lease_token = NULL, updated_at = ?3"
      " WHERE asset_id = ?1 AND lease_token = ?2 AND status = 'pending'");
  done->bindText(1, job.assetId);
  done->bindText(2, job.leaseToken);
  done->bindInt(3, now);
  done->run();
  if (db.changes() == 0) return false;
  // A data the client replaced after the import is theirs to keep.
  auto repoint = db.prepare(
      "UPDATE assets SET data = ?2, updated_at = ?4 WHERE id = ?1 AND data = ?3 AND deleted = 0");
  repoint->bindText(1, job.assetId);
  repoint->bindText(2, storedUrl);
  repoint->bindText(3, job.sourceUrl);
  repoint->bindInt(4, now);
  repoint->run();
  tx.commit();
  return true;
}

template <>
bool SqliteStore::failCopyJob(const core::CopyJob& job, const std::string& reason,
                              std::optional<std::int64_t> retryAtMillis) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto q = db.prepare(
      "UPDATE copy_jobs SET status = CASE WHEN ?4 IS NULL THEN 'failed' ELSE 'pending' END,"
      " error = ?3, lease_token = NULL, next_attempt_at = IFNULL(?4, next_attempt_at),"
      " updated_at = ?5 WHERE asset_id = ?1 AND lease_token = ?2 AND status = 'pending'");
  q->bindText(1, job.assetId);
  q->bindText(2, job.leaseToken);
  q->bindText(3, reason);
  if (retryAtMillis)
    q->bindInt(4, *retryAtMillis);
  else
    q->bindNull(4);
  q->bindInt(5, core::nowMillis());
  q->run();
  bool held = db.changes() > 0;
  tx.commit();
  return held;
}

template <>
bool SqliteStore::releaseCopyJob(const core::CopyJob& job) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto q = db.prepare(
      "UPDATE copy_jobs SET lease_token = NULL, next_attempt_at = ?3, updated_at = ?3,"
      " attempts = MAX(attempts - 1, 0)"
      " WHERE asset_id = ?1 AND lease_token = ?2 AND status = 'pending'");
  q->bindText(1, job.assetId);
  q->bindText(2, job.leaseToken);
  q->bindInt(3, core::nowMillis());
  q->run();
  bool held = db.changes() > 0;
  tx.commit();
  return held;
}

template <>
std::vector<bool> SqliteStore::renewCopyJobLeases(const std::vector<core::CopyJob>& jobs,
                                                  std::int64_t leaseMillis) {
  std::vector<bool> held(jobs.size(), false);
  if (jobs.empty()) return held;
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  // The lease is the pending job's next_attempt_at: pushing it on keeps other claims away.
  auto q = db.prepare(
      "UPDATE copy_jobs SET next_attempt_at = ?3"
      " WHERE asset_id = ?1 AND lease_token = ?2 AND status = 'pending'");
  const std::int64_t until = core::nowMillis() + leaseMillis;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    q->bindText(1, jobs[i].assetId);
    q->bindText(2, jobs[i].leaseToken);
    q->bindInt(3, until);
    q->run();
    held[i] = db.changes() > 0;
    q->reset();
  }
  tx.commit();
  return held;
}

template <>
std::optional<std::int64_t> SqliteStore::nextCopyJobDue() {
  auto reader = engine_.pool.reader();
  auto q =
      reader.get().prepare("SELECT MIN(next_attempt_at) FROM copy_jobs WHERE status = 'pending'");
  if (!q->step() || q->isNull(0)) return std::nullopt;
  return q->integer(0);
}

}  // namespace assetd::store::sql
