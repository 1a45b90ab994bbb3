#include "store/sql/migration.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace assetd::store::sql {

std::vector<const Migration*> pendingMigrations(const std::vector<Migration>& all, int current) {
  int newest = 0;
  for (const auto& m : all) newest = std::max(newest, m.version);
  if (current > newest)
    throw core::ApiError::internal("database schema version " + std::to_string(current) +
                                   " is newer than this binary supports (" +
                                   std::to_string(newest) + "); upgrade assetd");
  std::vector<const Migration*> pending;
  for (const auto& m : all)
    if (m.version > current) pending.push_back(&m);
  return pending;
}

}  // namespace assetd::store::sql
