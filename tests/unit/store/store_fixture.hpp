#pragma once
// A fresh SQLite store in a temporary directory, with one organization and one project.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"
#include "store/store.hpp"

// Tests build requests with designated initializers and rely on the members' defaults for the
// rest; GCC 12 warns about every member left out (GCC bug 96868), which here is intended.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace assetd::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "assetd-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Runs one query on its own connection and returns the first column of the first row.
inline std::int64_t queryInt(const std::string& dbPath, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(error);
  }
  std::int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

inline core::NewAsset newAsset(const std::string& externalId,
                               std::vector<std::string> batchRefs = {}) {
  core::NewAsset a;
  a.externalId = externalId;
  a.data = "https://example.com/" + externalId;
  a.batchRefs = std::move(batchRefs);
  return a;
}

// The status of the ApiError that `f` throws, or 0 when it throws none.
template <class F>
int errorStatus(F&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const core::ApiError& e) {
    if (message != nullptr) *message = e.what();
    return e.status();
  }
  return 0;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store = openSqliteStore(dbPath());
    org = store->createOrganization("acme").id;
    otherOrg = store->createOrganization("other").id;
    project = store->createProject(org, {.name = "p"}).id;
  }

  std::string dbPath() const { return dir.file("assetd.db"); }

  std::vector<std::string> importN(const std::string& projectId, int n,
                                   const std::string& prefix = "asset-") {
    core::ImportRequest request;
    request.createdBy = "tester";
    for (int i = 0; i < n; ++i) request.assets.push_back(newAsset(prefix + std::to_string(i)));
    return store->importAssets(org, projectId, request).assetIds;
  }

  // Every asset of the project, following pages of `limit`.
  std::vector<std::string> listAllIds(const std::string& projectId, std::int64_t limit,
                                      bool ascending, const core::AssetFilter& filter = {}) {
    std::vector<std::string> ids;
    for (std::int64_t page = 1;; ++page) {
      core::AssetQuery q{.filter = filter, .page = page, .limit = limit, .ascending = ascending};
      auto result = store->listAssets(org, projectId, q);
      for (auto& a : result.items) ids.push_back(a.id);
      if (result.items.empty()) break;
    }
    return ids;
  }

  TempDir dir;
  std::unique_ptr<Store> store;
  std::string org, otherOrg, project;
};

}  // namespace assetd::store::testing
