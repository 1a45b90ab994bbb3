#pragma once
// Versioned schema steps for PostgreSQL. The SQL lives in src/store/postgres/migrations/
// NNNN_*.sql and is compiled into the binary (cmake/embed_migrations.cmake generates
// migrations(), in version order).
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/sql/migration.hpp"

namespace assetd::store::postgres {

const std::vector<sql::Migration>& migrations();

// Applies the steps of `all` newer than the version schema_migrations records, each in its own
// transaction that also records its version, while holding a session advisory lock: nodes
// starting together take turns, and each finds the steps of the ones before it already
// applied. Throws ApiError 500 for a failing step or a database newer than `all`.
void applyMigrations(Connection& conn, const std::vector<sql::Migration>& all);

}  // namespace assetd::store::postgres
