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
  virtual std::optional<core::Asset> updateAsset(const std::string& org,
                                                 const std::string& assetId,
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
};

// Opens (creating if needed) the SQLite database at `path` and applies pending migrations.
std::unique_ptr<Store> openSqliteStore(const std::string& path);

}  // namespace assetd::store
