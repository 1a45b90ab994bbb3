#pragma once
// The command line's actions. Each prints its result as one JSON line on stdout and returns
// the process exit code.
#include <string>

#include "app/config.hpp"

namespace assetd::app {

int serve(const ServeConfig& config);
int migrate(const std::string& dataDir);
int createOrganization(const std::string& dataDir, const std::string& name);
int createApiKey(const std::string& dataDir, const std::string& organizationId,
                 const std::string& name);
int revokeApiKey(const std::string& dataDir, const std::string& keyId);

}  // namespace assetd::app
