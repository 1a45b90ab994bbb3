#pragma once
// Versioned schema steps for PostgreSQL. The SQL lives in src/store/postgres/migrations/
// NNNN_*.sql and is compiled into the binary (cmake/embed_migrations.cmake generates
// migrations()).
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/sql/migration.hpp"

namespace assetd::store::postgres {

// Every migration this binary knows, in version order.
const std::vector<sql::Migration>& migrations();

// The highest version recorded in schema_migrations (0 for a new database).
int schemaVersion(Connection& conn);

// Applies the pending steps of `all`, each in its own transaction that also records its version
// in schema_migrations, while holding a session advisory lock: nodes starting together take
// turns, and each finds the steps of the ones before it already applied. Refuses (ApiError 500)
// a database whose version is newer than the newest of `all`.
void applyMigrations(Connection& conn, const std::vector<sql::Migration>& all);

}  // namespace assetd::store::postgres
