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
// A backup of the data directory into `dest` (a new directory) while a server may run on it:
// the SQLite records (unless objectsOnly), the key files and the built-in store's objects.
int backupDataDir(const std::string& dataDir, const std::string& dest, bool objectsOnly);
// A new data directory rebuilt from a backup, every file checked against its manifest.
int restoreDataDir(const std::string& from, const std::string& dataDir);
// The built-in S3 endpoint's credentials, region, endpoint and bucket.
int printObjectCredentials(const std::string& dataDir);

}  // namespace assetd::app
