#pragma once
// What PostgreSQL adds to the record loaders of store/sql/records.hpp: the project row lock.
#include <optional>
#include <string>

#include "store/postgres/connection.hpp"
#include "store/sql/records.hpp"

namespace assetd::store::postgres {

// findLiveProject, also taking the project's row lock until the transaction ends: what every
// writer of the project's assets and batches does first, so that they take turns.
std::optional<sql::ProjectState> lockLiveProject(Connection& conn, const std::string& org,
                                                 const std::string& projectId);

}  // namespace assetd::store::postgres
