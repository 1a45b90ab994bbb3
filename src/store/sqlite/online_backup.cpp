#include "store/sqlite/online_backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "store/sqlite/database.hpp"

namespace assetd::store::sqlite {
namespace {

// A writer holds its lock for one transaction; the copy waits for it this long.
constexpr int kBusyMillis = 10'000;

std::int64_t count(Database& db, const char* sql) {
  auto q = db.prepare(sql);
  q->step();
  return q->integer(0);
}

void syncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw core::ApiError::internal("backup: cannot sync " + path);
  }
  ::close(fd);
}

void copyPages(Database& from, Database& to) {
  sqlite3_backup* backup = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
  if (backup == nullptr) throwSqliteError(to.handle(), sqlite3_errcode(to.handle()), "backup");
  int rc;
  // -1: every page in one step, under one read transaction of the source: one consistent state.
  // A writer in the middle of its commit makes the step answer BUSY; it is simply tried again.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyMillis);
  while ((rc = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throwSqliteError(to.handle(), rc, "backup step");
  if (finish != SQLITE_OK) throwSqliteError(to.handle(), finish, "backup finish");
}

}  // namespace

RecordCounts countRecords(const std::string& path) {
  if (!std::filesystem::is_regular_file(path))
    throw core::ApiError::internal("no database at " + path);
  Database db(path, Database::Mode::ReadOnly);
  sqlite3_busy_timeout(db.handle(), kBusyMillis);
  RecordCounts c;
  c.organizations = count(db, "SELECT count(*) FROM organizations");
  c.projects = count(db, "SELECT count(*) FROM projects WHERE deleted = 0");
  c.assets = count(db,
                   "SELECT count(*) FROM assets a JOIN projects p ON p.id = a.project_id"
                   " WHERE a.deleted = 0 AND p.deleted = 0");
  c.storages = count(db, "SELECT count(*) FROM storages");
  c.apiKeys = count(db, "SELECT count(*) FROM api_keys WHERE revoked = 0");
  return c;
}

RecordCounts onlineBackup(const std::string& source, const std::string& dest) {
  if (!std::filesystem::is_regular_file(source))
    throw core::ApiError::internal("no database at " + source);
  std::error_code ec;
  try {
    {
      Database from(source, Database::Mode::ReadOnly);
      sqlite3_busy_timeout(from.handle(), kBusyMillis);
      Database to(dest, Database::Mode::ReadWrite);
      copyPages(from, to);
      {
        auto check = to.prepare("PRAGMA integrity_check");
        if (!check->step() || check->text(0) != "ok")
          throw core::ApiError::internal("backup: the copy of " + source +
                                         " fails its integrity check");
      }  // the statement's read transaction ends here
      // One self-contained file: no -wal beside it.
      to.exec("PRAGMA journal_mode = DELETE");
    }
    syncFile(dest);
    return countRecords(dest);
  } catch (...) {
    std::filesystem::remove(dest, ec);
    std::filesystem::remove(dest + "-journal", ec);
    throw;
  }
}

}  // namespace assetd::store::sqlite
