#pragma once
// The command line's actions. Each prints its result as one JSON line on stdout and returns
// the process exit code.
#include <string>

#include "app/config.hpp"

namespace assetd::app {

int serve(const ServeConfig& config);
// The admin commands work on the store that `database` names (default: the data directory's).
int migrate(const DatabaseConfig& database, const std::string& dataDir);
int createOrganization(const DatabaseConfig& database, const std::string& dataDir,
                       const std::string& name);
int createApiKey(const DatabaseConfig& database, const std::string& dataDir,
                 const std::string& organizationId, const std::string& name);
int revokeApiKey(const DatabaseConfig& database, const std::string& dataDir,
                 const std::string& keyId);
// The built-in S3 endpoint's credentials, region, endpoint and bucket.
int printObjectCredentials(const std::string& dataDir);

}  // namespace assetd::app
