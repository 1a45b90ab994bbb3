// Copy jobs of uploadLocal imports (see Store's "copy jobs" section). A claim is a lease: the
// job stays pending, names the claim in lease_token and is due again when the lease ends. The
// node renews the short lease while it copies, so a node that dies mid-copy loses the job to
// the next claim soon after, without any cleanup. Nodes claiming at the same moment skip each
// other's rows (FOR UPDATE SKIP LOCKED) instead of waiting or taking the same job.
#include <set>
#include <utility>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/postgres/postgres_store.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace postgres;

template <>
std::vector<core::CopyJob> PostgresStore::claimCopyJobs(std::size_t max, std::int64_t leaseMillis) {
  if (max == 0) return {};
  return engine_.run(Mode::Write, [&](Connection& conn) {
    const std::int64_t now = core::nowMillis();
    const std::string token = core::randomHex(12);
    auto due = conn.execPrepared(
        "SELECT j.asset_id, j.organization_id, j.project_id, j.source_url, j.attempts, a.deleted"
        " FROM copy_jobs j JOIN assets a ON a.id = j.asset_id"
        " WHERE j.status = 'pending' AND j.next_attempt_at <= $1"
        " ORDER BY j.next_attempt_at, j.asset_id LIMIT $2 FOR UPDATE OF j SKIP LOCKED",
        Params().integer(now).integer(static_cast<std::int64_t>(max)));
    std::vector<core::CopyJob> claimed;
    ArrayParam leased, dropped;
    for (int r = 0; r < due.rows(); ++r) {
      core::CopyJob job;
      job.assetId = due.text(r, 0);
      if (due.boolean(r, 5)) {  // the asset was deleted meanwhile
        dropped.text(job.assetId);
        continue;
      }
      job.organization = due.text(r, 1);
      job.project = due.text(r, 2);
      job.sourceUrl = due.text(r, 3);
      job.attempts = due.integer(r, 4) + 1;
      job.leaseToken = token;
      leased.text(job.assetId);
      claimed.push_back(std::move(job));
    }
    if (dropped.size() > 0)
      conn.exec(
          "UPDATE copy_jobs SET status = 'failed', error = 'asset deleted', lease_token = NULL,"
          " updated_at = $2 WHERE asset_id = ANY ($1::text[])",
          Params().array(dropped).integer(now));
    if (leased.size() > 0)
      conn.exec(
          "UPDATE copy_jobs SET attempts = attempts + 1, lease_token = $2, next_attempt_at = $3,"
          " updated_at = $4 WHERE asset_id = ANY ($1::text[])",
          Params().array(leased).text(token).integer(now + leaseMillis).integer(now));
    return claimed;
  });
}

template <>
bool PostgresStore::completeCopyJob(const core::CopyJob& job, const std::string& storedUrl) {
  const std::int64_t now = engine_.writeClock();
  return engine_.run(Mode::Write, [&](Connection& conn) {
    auto done = conn.exec(
        "UPDATE copy_jobs SET status = 'done', error = NULL, lease_token = NULL, updated_at = $3"
        " WHERE asset_id = $1 AND lease_token = $2 AND status = 'pending'",
        Params().text(job.assetId).text(job.leaseToken).integer(now));
    if (done.affected() == 0) return false;
    // A data the client replaced after the import is theirs to keep.
    conn.exec(
        "UPDATE assets SET data = $2, updated_at = GREATEST(updated_at, $4)"
        " WHERE id = $1 AND data = $3 AND NOT deleted",
        Params().text(job.assetId).text(storedUrl).text(job.sourceUrl).integer(now));
    return true;
  });
}

template <>
bool PostgresStore::failCopyJob(const core::CopyJob& job, const std::string& reason,
                                std::optional<std::int64_t> retryAtMillis) {
  return engine_.run(Mode::Write, [&](Connection& conn) {
    Params params;
    params.text(job.assetId).text(job.leaseToken).text(reason);
    if (retryAtMillis)
      params.integer(*retryAtMillis);
    else
      params.null();
    params.integer(core::nowMillis());
    return conn.exec(
                   "UPDATE copy_jobs SET"
                   " status = CASE WHEN $4::bigint IS NULL THEN 'failed' ELSE 'pending' END,"
                   " error = $3, lease_token = NULL,"
                   " next_attempt_at = COALESCE($4::bigint, next_attempt_at), updated_at = $5"
                   " WHERE asset_id = $1 AND lease_token = $2 AND status = 'pending'",
                   params)
               .affected() > 0;
  });
}

template <>
bool PostgresStore::releaseCopyJob(const core::CopyJob& job) {
  return engine_.run(Mode::Write, [&](Connection& conn) {
    return conn.exec(
                   "UPDATE copy_jobs SET lease_token = NULL, next_attempt_at = $3,"
                   " updated_at = $3, attempts = GREATEST(attempts - 1, 0)"
                   " WHERE asset_id = $1 AND lease_token = $2 AND status = 'pending'",
                   Params().text(job.assetId).text(job.leaseToken).integer(core::nowMillis()))
               .affected() > 0;
  });
}

template <>
std::vector<bool> PostgresStore::renewCopyJobLeases(const std::vector<core::CopyJob>& jobs,
                                                    std::int64_t leaseMillis) {
  std::vector<bool> held(jobs.size(), false);
  if (jobs.empty()) return held;
  ArrayParam ids, tokens;
  for (const auto& job : jobs) {
    ids.text(job.assetId);
    tokens.text(job.leaseToken);
  }
  // One statement for all of a node's claims; the lease is the pending job's next_attempt_at.
  auto renewed = engine_.run(Mode::Single, [&](Connection& conn) {
    return conn.execPrepared(
        "UPDATE copy_jobs j SET next_attempt_at = $3"
        " FROM unnest($1::text[], $2::text[]) AS r(asset_id, token)"
        " WHERE j.asset_id = r.asset_id AND j.lease_token = r.token AND j.status = 'pending'"
        " RETURNING j.asset_id, j.lease_token",
        Params().array(ids).array(tokens).integer(core::nowMillis() + leaseMillis));
  });
  std::set<std::pair<std::string, std::string>> stillHeld;
  for (int r = 0; r < renewed.rows(); ++r)
    stillHeld.emplace(renewed.text(r, 0), renewed.text(r, 1));
  for (std::size_t i = 0; i < jobs.size(); ++i)
    held[i] = stillHeld.contains({jobs[i].assetId, jobs[i].leaseToken});
  return held;
}

template <>
std::optional<std::int64_t> PostgresStore::nextCopyJobDue() {
  return engine_.run(Mode::Single, [&](Connection& conn) -> std::optional<std::int64_t> {
    auto rows =
        conn.execPrepared("SELECT MIN(next_attempt_at) FROM copy_jobs WHERE status = 'pending'");
    if (rows.isNull(0, 0)) return std::nullopt;
    return rows.integer(0, 0);
  });
}

}  // namespace assetd::store::sql
