#include "app/store_config.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <stdexcept>

#include "app/config.hpp"
#include "core/error.hpp"
#include "store/postgres/connection.hpp"
#include "store/sqlite/database.hpp"

namespace assetd::app {
namespace {

struct Target {
  bool postgres = false;
  std::string location;  // the SQLite file, or the PostgreSQL URL
};

Target resolve(const DatabaseConfig& config, const std::string& dataDir) {
  const std::string& url = config.url;
  if (url.empty()) return {false, databasePath(dataDir)};
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return {true, url};
  if (url.rfind("sqlite://", 0) == 0 && url.size() > 9) return {false, url.substr(9)};
  throw std::invalid_argument("--database must be sqlite://PATH or postgresql://…, got '" + url +
                              "'");
}

// The advisory lock key of the first-start check ("assetd" and 2).
constexpr const char* kFirstStartLock = "SELECT pg_advisory_lock(7021797357466370)";

}  // namespace

void addDatabaseOptions(CLI::App& command, DatabaseConfig& config, bool withPool) {
  command
      .add_option("--database", config.url,
                  "Record store: sqlite://PATH or postgresql://USER@HOST:PORT/DB "
                  "(default: sqlite://<data-dir>/assetd.db)")
      ->envname("ASSETD_DATABASE");
  if (withPool)
    command.add_option("--db-pool", config.poolSize, "Connections to a PostgreSQL database")
        ->envname("ASSETD_DB_POOL")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
}

std::unique_ptr<store::Store> openConfiguredStore(const DatabaseConfig& config,
                                                  const std::string& dataDir) {
  Target target = resolve(config, dataDir);
  if (target.postgres) return store::openPostgresStore(target.location, config.poolSize);
  auto parent = std::filesystem::path(target.location).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  return store::openSqliteStore(target.location);
}

void initializeIfEmpty(const DatabaseConfig& config, const std::string& dataDir,
                       const std::function<void()>& initialize) {
  constexpr const char* kAnyOrganization = "SELECT EXISTS (SELECT 1 FROM organizations)";
  Target target = resolve(config, dataDir);
  if (!target.postgres) {
    store::sqlite::Database db(target.location, store::sqlite::Database::Mode::ReadOnly);
    auto q = db.prepare(kAnyOrganization);
    q->step();
    if (!q->boolean(0)) initialize();
    return;
  }
  try {
    // The lock is the session's: released when this connection closes, whatever happens.
    store::postgres::Connection conn(target.location);
    conn.exec(kFirstStartLock);
    if (!conn.exec(kAnyOrganization).boolean(0, 0)) initialize();
  } catch (const store::postgres::PgError& e) {
    throw core::ApiError::internal(e.what());
  }
}

}  // namespace assetd::app
