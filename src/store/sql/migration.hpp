#pragma once
#include <vector>

namespace assetd::store::sql {

// One versioned schema step, compiled into the binary from src/store/<engine>/migrations/.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// The steps of `all` newer than `current` (the database's recorded version), in the order of
// `all`. Throws ApiError 500 for a database whose version is newer than the newest of `all`
// (written by a newer binary: this one must not touch it).
std::vector<const Migration*> pendingMigrations(const std::vector<Migration>& all, int current);

}  // namespace assetd::store::sql
