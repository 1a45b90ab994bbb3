#pragma once
// The PostgreSQL implementation of Store, for many stateless nodes on one database. Each
// method is one transaction on a pooled connection: writes in READ COMMITTED with explicit row
// locks (the project row orders the writers of a project), reads in one REPEATABLE READ
// snapshot. Deadlocks and serialization failures are retried a few times, and so is a
// transaction whose connection broke before it could commit.
#include <atomic>
#include <string>
#include <type_traits>

#include "core/error.hpp"
#include "store/postgres/connection_pool.hpp"
#include "store/store.hpp"

namespace assetd::store::postgres {

class PostgresStore final : public Store {
 public:
  PostgresStore(const std::string& url, std::size_t poolSize);

  core::Organization createOrganization(const std::string& name) override;
  std::optional<core::Organization> getOrganization(const std::string& id) override;
  std::string createApiKey(const std::string& organizationId, const std::string& name,
                           const std::string& keyHash) override;
  bool revokeApiKey(const std::string& keyId) override;
  std::optional<core::ApiKeyInfo> findApiKey(const std::string& keyHash) override;
  std::optional<KeyAndProject> findApiKeyAndProject(const std::string& keyHash,
                                                    const std::string& projectId) override;

  core::Project createProject(const std::string& org, const core::NewProject& p) override;
  std::optional<core::Project> getProject(const std::string& org,
                                          const std::string& projectId) override;
  std::optional<core::Project> updateProject(const std::string& org, const std::string& projectId,
                                             const core::ProjectPatch& patch) override;
  bool deleteProject(const std::string& org, const std::string& projectId) override;
  core::Page<core::Project> listProjects(const std::string& org, std::int64_t page,
                                         std::int64_t limit) override;
  std::optional<core::Project> replaceBatches(const std::string& org, const std::string& projectId,
                                              const std::vector<core::BatchSpec>& b) override;

  core::ImportResult importAssets(const std::string& org, const std::string& projectId,
                                  const core::ImportRequest& request) override;
  core::Page<core::Asset> listAssets(const std::string& org, const std::string& projectId,
                                     const core::AssetQuery& query) override;
  std::optional<core::Asset> getAsset(const std::string& org, const std::string& assetId) override;
  std::optional<core::Asset> updateAsset(const std::string& org, const std::string& assetId,
                                         const core::AssetPatch& patch) override;
  core::DeleteResult deleteAssets(const std::string& org, const std::string& projectId,
                                  const std::vector<std::string>& assetIds) override;
  core::AssignResult assignBatches(const std::string& org,
                                   const core::AssignRequest& request) override;

  core::Page<core::Task> listTasks(const std::string& org, const std::string& projectId,
                                   const core::TaskQuery& query) override;
  std::optional<core::Task> getTask(const std::string& org, const std::string& taskId) override;

  core::Storage createStorage(const std::string& org, const core::NewStorage& storage) override;
  std::vector<core::Storage> listStorages(const std::string& org,
                                          const std::optional<std::string>& id) override;
  std::optional<core::Storage> getStorage(const std::string& org, const std::string& id) override;
  bool deleteStorage(const std::string& org, const std::string& id) override;

  std::vector<core::CopyJob> claimCopyJobs(std::size_t max, std::int64_t leaseMillis) override;
  bool completeCopyJob(const core::CopyJob& job, const std::string& storedUrl) override;
  bool failCopyJob(const core::CopyJob& job, const std::string& reason,
                   std::optional<std::int64_t> retryAtMillis) override;
  bool releaseCopyJob(const core::CopyJob& job) override;
  std::vector<bool> renewCopyJobLeases(const std::vector<core::CopyJob>& jobs,
                                       std::int64_t leaseMillis) override;
  std::optional<std::int64_t> nextCopyJobDue() override;

 private:
  enum class Mode {
    Single,  // one statement, no explicit transaction
    Read,    // BEGIN REPEATABLE READ READ ONLY: one snapshot for several statements
    Write,   // BEGIN (READ COMMITTED) with explicit row locks
  };

  // Runs `body(Connection&)` in a transaction of `mode` and returns what it returns, retrying
  // the whole body on a deadlock, a serialization failure, or a connection lost before COMMIT.
  // Database errors that remain become ApiError 500; ApiErrors pass through (rolled back).
  template <class Body>
  std::invoke_result_t<Body&, Connection&> run(Mode mode, Body&& body);

  // The time of a write: never earlier than this process's previous write.
  std::int64_t writeClock();

  ConnectionPool pool_;
  std::atomic<std::int64_t> lastWriteMillis_{0};
};

namespace detail {
bool retryable(const PgError& e, bool commitSent);
void begin(Connection& conn, bool readOnly);
void rollbackQuietly(Connection& conn);
[[noreturn]] void fail(const PgError& e);
}  // namespace detail

template <class Body>
std::invoke_result_t<Body&, Connection&> PostgresStore::run(Mode mode, Body&& body) {
  constexpr int kMaxAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto lease = pool_.acquire();
    Connection& conn = lease.conn();
    bool commitSent = false;
    try {
      if (mode == Mode::Single) return body(conn);
      detail::begin(conn, mode == Mode::Read);
      auto result = body(conn);
      commitSent = true;
      conn.script("COMMIT");
      return result;
    } catch (const PgError& e) {
      if (mode != Mode::Single) detail::rollbackQuietly(conn);
      if (attempt < kMaxAttempts && detail::retryable(e, commitSent)) continue;
      detail::fail(e);
    } catch (...) {
      if (mode != Mode::Single) detail::rollbackQuietly(conn);
      throw;
    }
  }
}

}  // namespace assetd::store::postgres
