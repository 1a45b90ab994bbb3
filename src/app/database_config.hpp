#pragma once
// Which record store a command uses, from --database/--db-pool or ASSETD_DATABASE/ASSETD_DB_POOL.
#include <string>

namespace assetd::app {

struct DatabaseConfig {
  // "sqlite://PATH" or "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?…]" ("postgres://" too);
  // empty: sqlite://<data-dir>/assetd.db.
  std::string url;
  int poolSize = 8;  // PostgreSQL connections of `serve`
};

}  // namespace assetd::app
