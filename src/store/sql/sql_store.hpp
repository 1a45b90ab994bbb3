#pragma once
// The one declaration of the SQL stores. SqlStore<Engine> implements every Store method (see
// store.hpp for what each returns and throws); an engine folder supplies the Engine — its
// connections, transactions and caches — and defines the methods for it as explicit
// specializations (store/sqlite/: SqliteStore, store/postgres/: PostgresStore), built from the
// shared pieces of this folder (filters, records, paging, batch refs). Thread-safe as Store
// requires: the Engine serializes what must be serialized.
#include <utility>

#include "store/store.hpp"

namespace assetd::store::sql {

template <class Engine>
class SqlStore final : public Store {
 public:
  template <class... Args>
  explicit SqlStore(Args&&... args) : engine_(std::forward<Args>(args)...) {}

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
  Engine engine_;
};

}  // namespace assetd::store::sql
