#pragma once
// The SQLite implementation of Store. Writes run one at a time on the pool's writer, each in
// one BEGIN IMMEDIATE transaction; reads run on pooled read-only connections, each in one
// read transaction (a consistent snapshot).
#include <memory>
#include <string>

#include "store/sqlite/auth_cache.hpp"
#include "store/sqlite/connection_pool.hpp"
#include "store/store.hpp"

namespace assetd::store::sqlite {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path);

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

  // Copy jobs (store_copy_jobs.cpp).
  std::vector<core::CopyJob> claimCopyJobs(std::size_t max, std::int64_t leaseMillis) override;
  bool completeCopyJob(const core::CopyJob& job, const std::string& storedUrl) override;
  bool failCopyJob(const core::CopyJob& job, const std::string& reason,
                   std::optional<std::int64_t> retryAtMillis) override;
  bool releaseCopyJob(const core::CopyJob& job) override;
  std::vector<bool> renewCopyJobLeases(const std::vector<core::CopyJob>& jobs,
                                       std::int64_t leaseMillis) override;
  std::optional<std::int64_t> nextCopyJobDue() override;

 private:
  // The time of a write: never earlier than the previous write's, so that creation times
  // follow the order of ids and seqs even if the wall clock steps back. Call only while
  // holding the writer.
  std::int64_t writeClock();
  std::optional<KeyAndProject> readApiKeyAndProject(const std::string& keyHash,
                                                    const std::string& projectId);

  ConnectionPool pool_;
  std::int64_t lastWriteMillis_ = 0;
  // Null when the database is not a plain file: then every lookup reads the database.
  std::unique_ptr<AuthCache> authCache_;
};

}  // namespace assetd::store::sqlite
