#pragma once
// The records of assetd behind one narrow interface. Every method is one transaction: it
// either applies whole or not at all. Implementations are safe to call from many threads at
// once. Methods scoped to an organization treat an id of another organization exactly like an
// id that does not exist.
//
// Errors: "not found" is std::nullopt (or false) where the signature says so, otherwise a
// core::ApiError with status 404 naming what is missing; invalid input that only the store
// can detect (a batch id of another project, ...) is a core::ApiError 400; anything else
// (I/O, a corrupt database) is a core::ApiError 500.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/copy_job.hpp"
#include "core/filter.hpp"
#include "core/types.hpp"

namespace assetd::store {

class Store {
 public:
  virtual ~Store() = default;

  // --- organizations and API keys (admin command line) ---
  virtual core::Organization createOrganization(const std::string& name) = 0;
  virtual std::optional<core::Organization> getOrganization(const std::string& id) = 0;
  // Stores only the SHA-256 of the key. Returns the key's id; 404 if the org does not exist.
  virtual std::string createApiKey(const std::string& organizationId, const std::string& name,
                                   const std::string& keyHash) = 0;
  // false if no such (unrevoked) key.
  virtual bool revokeApiKey(const std::string& keyId) = 0;
  // The unrevoked key with this hash, or nullopt.
  virtual std::optional<core::ApiKeyInfo> findApiKey(const std::string& keyHash) = 0;
  // findApiKey and whether `projectId` is a live project of the key's organization, in one
  // read: what a request that only needs the project to exist (a presigned URL) asks first.
  // Never loads the project. nullopt if no such unrevoked key.
  struct KeyAndProject {
    core::ApiKeyInfo key;
    bool projectExists = false;
  };
  virtual std::optional<KeyAndProject> findApiKeyAndProject(const std::string& keyHash,
                                                            const std::string& projectId) {
    auto key = findApiKey(keyHash);
    if (!key) return std::nullopt;
    bool exists = getProject(key->organizationId, projectId).has_value();
    return KeyAndProject{std::move(*key), exists};
  }

  // --- projects and batches ---
  virtual core::Project createProject(const std::string& org, const core::NewProject& p) = 0;
  virtual std::optional<core::Project> getProject(const std::string& org,
                                                  const std::string& projectId) = 0;
  virtual std::optional<core::Project> updateProject(const std::string& org,
                                                     const std::string& projectId,
                                                     const core::ProjectPatch& patch) = 0;
  // Soft delete of the project, its assets and tasks. false if not found.
  virtual bool deleteProject(const std::string& org, const std::string& projectId) = 0;
  // Newest first.
  virtual core::Page<core::Project> listProjects(const std::string& org, std::int64_t page,
                                                 std::int64_t limit) = 0;
  // Replaces the project's batch list (see core::BatchSpec). An id that is not a batch of the
  // project: 400 naming "batches[i]._id". Returns the updated project, nullopt if not found.
  virtual std::optional<core::Project> replaceBatches(const std::string& org,
                                                      const std::string& projectId,
                                                      const std::vector<core::BatchSpec>& b) = 0;

  // --- assets ---
  // All assets and their label tasks, or nothing. Batch refs resolve to a batch of the project
  // by id, else by name; an unknown name creates the batch. 404 if the project is not found.
  virtual core::ImportResult importAssets(const std::string& org, const std::string& projectId,
                                          const core::ImportRequest& request) = 0;
  // 404 if the project is not found. Batch refs in the filter that name no batch of the project
  // match nothing (they are not created).
  virtual core::Page<core::Asset> listAssets(const std::string& org, const std::string& projectId,
                                             const core::AssetQuery& query) = 0;
  virtual std::optional<core::Asset> getAsset(const std::string& org,
                                              const std::string& assetId) = 0;
  virtual std::optional<core::Asset> updateAsset(const std::string& org, const std::string& assetId,
                                                 const core::AssetPatch& patch) = 0;
  // Soft delete. Ids not live in the project (unknown, foreign, already deleted, malformed)
  // count as failed. 404 if the project is not found.
  virtual core::DeleteResult deleteAssets(const std::string& org, const std::string& projectId,
                                          const std::vector<std::string>& assetIds) = 0;
  // All assets must be live and belong to one project of the organization (and to
  // request.projectId when given), else 400 naming the first offending id.
  virtual core::AssignResult assignBatches(const std::string& org,
                                           const core::AssignRequest& request) = 0;

  // --- tasks ---
  virtual core::Page<core::Task> listTasks(const std::string& org, const std::string& projectId,
                                           const core::TaskQuery& query) = 0;
  virtual std::optional<core::Task> getTask(const std::string& org, const std::string& taskId) = 0;

  // --- storages (storage integrations of an organization) ---
  // Writes `storage` as given (its id included). 404 if the organization does not exist.
  virtual core::Storage createStorage(const std::string& org, const core::NewStorage& storage) = 0;
  // Live storages of the organization, oldest first, without their sealed credentials; only
  // the one with `id` (or none) when given.
  virtual std::vector<core::Storage> listStorages(const std::string& org,
                                                  const std::optional<std::string>& id) = 0;
  // A live storage of the organization with its sealed credentials, or nullopt.
  virtual std::optional<core::Storage> getStorage(const std::string& org,
                                                  const std::string& id) = 0;
  // Soft delete that also erases the sealed credentials. false if not found.
  virtual bool deleteStorage(const std::string& org, const std::string& id) = 0;

  // --- copy jobs (uploadLocal: background copies of `data` into the server's store) ---
  // importAssets records one job per asset imported with uploadLocal: pending when its `data`
  // must be copied, done at once when it is empty or already in the server's store
  // (NewAsset::dataInServerStore). The asset shows the job's state (Asset::uploadStatus).
  // A claim leases jobs to one caller: until the lease ends nobody else can claim them, and
  // complete/fail/release act only while the caller's claim still holds the job (they return
  // false when it does not: the lease ran out and another worker took the job over).

  // Up to `max` due jobs (pending, their next attempt time passed: new, retried, or left by a
  // worker whose lease ran out), oldest due first, each leased until now + leaseMillis with
  // one more attempt counted. Jobs of assets deleted meanwhile become failed instead.
  virtual std::vector<core::CopyJob> claimCopyJobs(std::size_t max, std::int64_t leaseMillis) = 0;
  // The copy is stored at `storedUrl`: the job is done and the asset's data names the copy
  // (unless the client replaced data meanwhile: a newer data is kept).
  virtual bool completeCopyJob(const core::CopyJob& job, const std::string& storedUrl) = 0;
  // The attempt failed: pending again at retryAtMillis, or failed for good when nullopt.
  virtual bool failCopyJob(const core::CopyJob& job, const std::string& reason,
                           std::optional<std::int64_t> retryAtMillis) = 0;
  // Gives the job back untried (shutdown): due at once, the claim's attempt not counted.
  virtual bool releaseCopyJob(const core::CopyJob& job) = 0;
  // Extends the leases of claims still held (a worker copying them says it is alive) to
  // now + leaseMillis. held[i] tells whether jobs[i]'s claim still holds: false once another
  // worker claimed the job after the lease ran out, or the job is no longer pending. A lease
  // that ran out but that nobody claimed yet is still held and extended.
  virtual std::vector<bool> renewCopyJobLeases(const std::vector<core::CopyJob>& jobs,
                                               std::int64_t leaseMillis) = 0;
  // When the next pending job is due (possibly in the past), or nullopt when none is pending.
  virtual std::optional<std::int64_t> nextCopyJobDue() = 0;
};

// Opens (creating if needed) the SQLite database at `path` and applies pending migrations.
std::unique_ptr<Store> openSqliteStore(const std::string& path);

// Connects to the PostgreSQL database at `url` (postgresql://USER[:PASSWORD]@HOST[:PORT]/DB
// or a libpq key=value string) with `poolSize` pooled connections, and applies pending
// migrations under an advisory lock (nodes starting together do not race).
std::unique_ptr<Store> openPostgresStore(const std::string& url, int poolSize);

}  // namespace assetd::store
