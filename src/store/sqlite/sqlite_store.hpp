#pragma once
// The SQLite store: SqlStore (store/sql/sql_store.hpp) on SqliteEngine. Writes run one at a
// time on the pool's writer, each in one BEGIN IMMEDIATE transaction; reads run on pooled
// read-only connections, each in one read transaction (a consistent snapshot).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "store/sql/sql_store.hpp"
#include "store/sqlite/auth_cache.hpp"
#include "store/sqlite/connection_pool.hpp"

namespace assetd::store::sqlite {

struct SqliteEngine {
  explicit SqliteEngine(const std::string& path);

  // The time of a write: never earlier than the previous write's, so that creation times
  // follow the order of ids and seqs even if the wall clock steps back. Call only while
  // holding the writer.
  std::int64_t writeClock();
  // The key and whether the project exists, read from the database.
  std::optional<Store::KeyAndProject> readApiKeyAndProject(const std::string& keyHash,
                                                           const std::string& projectId);

  ConnectionPool pool;
  std::int64_t lastWriteMillis = 0;
  // Null when the database is not a plain file: then every lookup reads the database.
  std::unique_ptr<AuthCache> authCache;
};

using SqliteStore = sql::SqlStore<SqliteEngine>;

}  // namespace assetd::store::sqlite
