// The raw limit for writing imported assets: a fresh database with the store's own schema and
// connection settings, then the rows an import writes (asset, label task, project counters)
// inserted straight through the SQLite C API with prepared statements, 1000 rows per
// transaction. The import benchmark compares the server's rate against this one.
//
//   raw_sqlite_insert --db PATH --count N   ->   raw_rows_per_second=<assets per second>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/sqlite/connection_pool.hpp"
#include "store/sqlite/import_sql.hpp"
#include "store/sqlite/migrations.hpp"

namespace {

using assetd::store::sqlite::Database;
namespace import_sql = assetd::store::sqlite::import_sql;

constexpr int kRowsPerTransaction = 1000;

[[noreturn]] void die(sqlite3* db, const char* what) {
  std::fprintf(stderr, "raw_sqlite_insert: %s: %s\n", what, sqlite3_errmsg(db));
  std::exit(1);
}

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) die(db, what);
}

sqlite3_stmt* prepare(sqlite3* db, const char* text) {
  sqlite3_stmt* stmt = nullptr;
  check(db, sqlite3_prepare_v3(db, text, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), text);
  return stmt;
}

void bindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void run(sqlite3* db, sqlite3_stmt* stmt, const char* what) {
  check(db, sqlite3_step(stmt), what);
  sqlite3_reset(stmt);
}

void usage() {
  std::fprintf(stderr, "usage: raw_sqlite_insert --db PATH --count N\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  long long count = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--db")
      path = argv[i + 1];
    else if (flag == "--count")
      count = std::atoll(argv[i + 1]);
    else
      usage();
  }
  if (path.empty() || count <= 0 || argc % 2 == 0) usage();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);

  // Set-up, not measured: the store's schema and connection settings.
  Database database(path, Database::Mode::ReadWrite);
  assetd::store::sqlite::configureConnection(database, true);
  assetd::store::sqlite::applyMigrations(database, assetd::store::sqlite::migrations());
  sqlite3* db = database.handle();
  const std::string org = assetd::core::newObjectId();
  const std::string project = assetd::core::newObjectId();
  const std::int64_t setupTime = assetd::core::nowMillis();
  sqlite3_stmt* insertOrg =
      prepare(db, "INSERT INTO organizations (id, name, created_at) VALUES (?1, 'bench', ?2)");
  bindText(insertOrg, 1, org);
  sqlite3_bind_int64(insertOrg, 2, setupTime);
  run(db, insertOrg, "insert organization");
  sqlite3_stmt* insertProject =
      prepare(db,
              "INSERT INTO projects (id, organization_id, name, description, type, category_schema,"
              " created_at, updated_at) VALUES (?1, ?2, 'bench', '', 'ango', '{}', ?3, ?3)");
  bindText(insertProject, 1, project);
  bindText(insertProject, 2, org);
  sqlite3_bind_int64(insertProject, 3, setupTime);
  run(db, insertProject, "insert project");

  sqlite3_stmt* begin = prepare(db, "BEGIN IMMEDIATE");
  sqlite3_stmt* commit = prepare(db, "COMMIT");
  sqlite3_stmt* insertAsset = prepare(db, import_sql::kInsertAsset);
  sqlite3_stmt* insertTask = prepare(db, import_sql::kInsertTask);
  sqlite3_stmt* bumpCounters = prepare(db, import_sql::kAddAssetsToProject);
  const std::string createdBy = "bench-key";
  std::string externalId, data, metadata;

  auto started = std::chrono::steady_clock::now();
  for (long long done = 0; done < count;) {
    const long long rows = std::min<long long>(kRowsPerTransaction, count - done);
    run(db, begin, "begin");
    const std::int64_t now = assetd::core::nowMillis();
    for (long long k = 0; k < rows; ++k) {
      const long long n = done + k;
      const std::string assetId = assetd::core::newObjectId();
      const std::string taskId = assetd::core::newObjectId();
      // The rows bench/import_list.py sends: {"data", "externalId", "metadata"}.
      char name[32];
      std::snprintf(name, sizeof name, "%08lld.jpg", n);
      externalId = name;
      data = std::string("https://bucket.example.com/images/") + name;
      metadata = std::string("{\"camera\":\"") + (n % 2 != 0 ? "front" : "rear") +
                 "\",\"index\":" + std::to_string(n) + "}";

      bindText(insertAsset, 1, assetId);
      bindText(insertAsset, 2, project);
      sqlite3_bind_int64(insertAsset, 3, n + 1);
      bindText(insertAsset, 4, externalId);
      bindText(insertAsset, 5, data);
      for (int absent : {6, 7, 9, 10, 12}) sqlite3_bind_null(insertAsset, absent);
      bindText(insertAsset, 8, metadata);
      bindText(insertAsset, 11, "ango");
      sqlite3_bind_int(insertAsset, 13, 0);
      sqlite3_bind_double(insertAsset, 14, 0);
      sqlite3_bind_int(insertAsset, 15, 0);
      bindText(insertAsset, 16, taskId);
      bindText(insertAsset, 17, createdBy);
      sqlite3_bind_int64(insertAsset, 18, now);
      run(db, insertAsset, "insert asset");

      bindText(insertTask, 1, taskId);
      bindText(insertTask, 2, project);
      bindText(insertTask, 3, assetId);
      sqlite3_bind_int64(insertTask, 4, n + 1);
      sqlite3_bind_double(insertTask, 5, 0);
      sqlite3_bind_null(insertTask, 6);
      bindText(insertTask, 7, createdBy);
      sqlite3_bind_int64(insertTask, 8, now);
      run(db, insertTask, "insert task");
    }
    bindText(bumpCounters, 1, project);
    sqlite3_bind_int64(bumpCounters, 2, rows);
    run(db, bumpCounters, "update project counters");
    run(db, commit, "commit");
    done += rows;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  for (sqlite3_stmt* stmt :
       {insertOrg, insertProject, begin, commit, insertAsset, insertTask, bumpCounters})
    sqlite3_finalize(stmt);
  std::printf("raw_rows_per_second=%.0f\n", static_cast<double>(count) / seconds);
  return 0;
}
