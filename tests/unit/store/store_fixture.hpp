#pragma once
// A fresh store with one organization and one project. StoreTest and the fixtures derived from
// it are parametrized by backend: each TEST_P runs on SQLite (a file in a temporary directory)
// and on PostgreSQL (a fresh database created beside the one ASSETD_TEST_POSTGRES_URL names,
// dropped afterwards; skipped when it is not set). A TEST_F on them runs on SQLite only.
// Fixtures derived from StoreTest return from their SetUp when IsSkipped().
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/types.hpp"
#include "store/postgres/connection.hpp"
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

enum class Backend { Sqlite, Postgres };

// The PostgreSQL database the tests may use (they create databases beside it), or empty.
inline std::string postgresTestUrl() {
  const char* url = std::getenv("ASSETD_TEST_POSTGRES_URL");
  return url ? url : "";
}

// Both, always: the list of tests must not depend on the environment of the build (ctest lists
// them then). Without a database to use, the PostgreSQL instances are skipped.
inline std::vector<Backend> testBackends() {
  return {Backend::Sqlite, Backend::Postgres};
}

inline std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "sqlite" : "postgres";
}

// How GoogleTest shows the parameter in test names and failures.
inline void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::Sqlite ? "sqlite" : "postgres");
}

// `url` (postgresql://user@host:port/db?options) naming database `name` instead.
inline std::string withDatabase(const std::string& url, const std::string& name) {
  auto authority = url.find("://");
  if (authority == std::string::npos) throw std::runtime_error("not a URL: " + url);
  auto path = url.find('/', authority + 3);
  auto query = url.find('?', authority + 3);
  std::string base = url.substr(0, std::min(path, query));
  return base + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

// A database of its own on the test server, dropped (with any connection left) at the end.
class TempPostgresDatabase {
 public:
  TempPostgresDatabase() : name_("assetd_test_" + core::randomHex(8)) {
    postgres::Connection(postgresTestUrl()).exec("CREATE DATABASE " + name_);
    url_ = withDatabase(postgresTestUrl(), name_);
  }
  ~TempPostgresDatabase() {
    try {
      postgres::Connection(postgresTestUrl()).exec("DROP DATABASE " + name_ + " WITH (FORCE)");
    } catch (...) {  // the server is gone: nothing to clean up
    }
  }
  TempPostgresDatabase(const TempPostgresDatabase&) = delete;
  TempPostgresDatabase& operator=(const TempPostgresDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string name_, url_;
};

// The first column of the first row of `sql` on `database`: a PostgreSQL URL or a SQLite
// file; -1 when there is none. The SQL must read the same on both (NOT deleted, not
// deleted = 0); a boolean reads as 1 or 0.
inline std::int64_t queryAny(const std::string& database, const std::string& sql) {
  if (database.rfind("postgresql://", 0) != 0) return queryInt(database, sql);
  auto rows = postgres::Connection(database).exec(sql);
  if (rows.rows() == 0 || rows.isNull(0, 0)) return -1;
  std::string value = rows.text(0, 0);
  if (value == "t" || value == "f") return value == "t" ? 1 : 0;  // booleans read as SQLite's
  return rows.integer(0, 0);
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    // A TEST_F on this fixture has no parameter: SQLite.
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    backend = info->value_param() != nullptr ? GetParam() : Backend::Sqlite;
    if (backend == Backend::Postgres) {
      if (postgresTestUrl().empty())
        GTEST_SKIP() << "ASSETD_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)";
      postgresDb.emplace();
    }
    store = openStore();
    org = store->createOrganization("acme").id;
    otherOrg = store->createOrganization("other").id;
    project = store->createProject(org, {.name = "p"}).id;
  }

  void TearDown() override {
    store.reset();
    postgresDb.reset();
  }

  // A new store on the same database (what a restart opens).
  std::unique_ptr<Store> openStore() {
    return backend == Backend::Postgres ? openPostgresStore(postgresDb->url(), 4)
                                        : openSqliteStore(dir.file("assetd.db"));
  }

  // The test's database: its SQLite file or its PostgreSQL URL (for queryInt).
  std::string dbPath() const {
    return backend == Backend::Postgres ? postgresDb->url() : dir.file("assetd.db");
  }

  // Hides the SQLite-only free function: the same query on either backend.
  static std::int64_t queryInt(const std::string& database, const std::string& sql) {
    return queryAny(database, sql);
  }

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

  Backend backend = Backend::Sqlite;
  TempDir dir;
  std::optional<TempPostgresDatabase> postgresDb;
  std::unique_ptr<Store> store;
  std::string org, otherOrg, project;
};

// Runs every TEST_P of `fixture` once per backend of testBackends().
#define ASSETD_STORE_BACKENDS(fixture)                                                    \
  INSTANTIATE_TEST_SUITE_P(Backends, fixture,                                             \
                           ::testing::ValuesIn(::assetd::store::testing::testBackends()), \
                           ::assetd::store::testing::backendName)

}  // namespace assetd::store::testing
