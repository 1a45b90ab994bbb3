#pragma once
// Opening the record store that --database names: SQLite in a file (the default, in the data
// directory) or a PostgreSQL database that several nodes may share.
#include <functional>
#include <memory>
#include <string>

#include "app/database_config.hpp"
#include "store/store.hpp"

namespace CLI {
class App;
}

namespace assetd::app {

// Adds --database (ASSETD_DATABASE) to a command, and --db-pool (ASSETD_DB_POOL) when
// `withPool` (the server; one-shot commands use a single connection).
void addDatabaseOptions(CLI::App& command, DatabaseConfig& config, bool withPool);

// The store `config` names, its schema migrated. Throws std::invalid_argument for a URL of
// another scheme, core::ApiError 500 when the database cannot be opened.
std::unique_ptr<store::Store> openConfiguredStore(const DatabaseConfig& config,
                                                  const std::string& dataDir);

// Calls `initialize` when the database holds no organization yet (a first start). On
// PostgreSQL it runs under an advisory lock, so that of several nodes starting together on a
// new database exactly one initializes it. Call after openConfiguredStore.
void initializeIfEmpty(const DatabaseConfig& config, const std::string& dataDir,
                       const std::function<void()>& initialize);

}  // namespace assetd::app
