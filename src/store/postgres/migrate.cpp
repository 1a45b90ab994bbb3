#include <string>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/postgres/migrations.hpp"

namespace assetd::store::postgres {
namespace {

// The advisory lock key of schema changes ("assetd" and 1).
constexpr const char* kMigrationLock = "SELECT pg_advisory_lock(7021797357466369)";
constexpr const char* kMigrationUnlock = "SELECT pg_advisory_unlock(7021797357466369)";

void createVersionTable(Connection& conn) {
  conn.script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY,"
      " name text NOT NULL,"
      " applied_at bigint NOT NULL)");
}

// The highest version recorded in schema_migrations (0 for a new database).
int schemaVersion(Connection& conn) {
  createVersionTable(conn);
  return static_cast<int>(
      conn.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").integer(0, 0));
}

// Holds the migration lock for its lifetime (session level: released by the server too if
// the connection dies).
class MigrationLock {
 public:
  explicit MigrationLock(Connection& conn) : conn_(conn) { conn_.exec(kMigrationLock); }
  ~MigrationLock() {
    try {
      if (conn_.healthy()) conn_.exec(kMigrationUnlock);
    } catch (...) {  // the session ends with the connection anyway
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  Connection& conn_;
};

void applyOne(Connection& conn, const sql::Migration& m) {
  conn.script("BEGIN");
  try {
    conn.script(m.sql);
    conn.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
              Params().integer(m.version).text(m.name).integer(core::nowMillis()));
    conn.script("COMMIT");
  } catch (...) {
    if (conn.healthy()) conn.script("ROLLBACK");
    throw;
  }
}

}  // namespace

void applyMigrations(Connection& conn, const std::vector<sql::Migration>& all) {
  try {
    MigrationLock lock(conn);
    for (const sql::Migration* m : sql::pendingMigrations(all, schemaVersion(conn)))
      applyOne(conn, *m);
  } catch (const PgError& e) {
    throw core::ApiError::internal(std::string("database migration failed: ") + e.what());
  }
}

}  // namespace assetd::store::postgres
