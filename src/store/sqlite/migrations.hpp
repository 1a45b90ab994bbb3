#pragma once
// Versioned schema steps for SQLite. The SQL lives in src/store/sqlite/migrations/NNNN_*.sql
// and is compiled into the binary (cmake/embed_migrations.cmake generates migrations()).
#include <vector>

#include "store/sql/migration.hpp"
#include "store/sqlite/database.hpp"

namespace assetd::store::sqlite {

// Every migration this binary knows, in version order.
const std::vector<sql::Migration>& migrations();

// The highest version recorded in schema_migrations (0 for a new database).
int schemaVersion(Database& db);

// Applies the pending steps of `all`, each in its own write transaction that also records its
// version in schema_migrations. Safe when another process migrates the same file at the same
// time. Refuses (ApiError 500) a database whose version is newer than the newest of `all`.
void applyMigrations(Database& db, const std::vector<sql::Migration>& all);

}  // namespace assetd::store::sqlite
