// Admin commands: organizations and API keys have no public route; the operator makes them.
#include <cstdio>

#include "app/commands.hpp"
#include "app/credentials.hpp"
#include "app/store_config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace assetd::app {
namespace {

std::unique_ptr<store::Store> openStore(const DatabaseConfig& database,
                                        const std::string& dataDir) {
  DatabaseConfig oneShot = database;
  oneShot.poolSize = 1;
  return openConfiguredStore(oneShot, dataDir);
}

}  // namespace

int migrate(const DatabaseConfig& database, const std::string& dataDir) {
  openStore(database, dataDir);
  std::printf("{\"migrated\":true}\n");
  return 0;
}

int createOrganization(const DatabaseConfig& database, const std::string& dataDir,
                       const std::string& name) {
  auto org = openStore(database, dataDir)->createOrganization(name);
  std::printf("{\"organizationId\":\"%s\"}\n", org.id.c_str());
  return 0;
}

int createApiKey(const DatabaseConfig& database, const std::string& dataDir,
                 const std::string& organizationId, const std::string& name) {
  auto store = openStore(database, dataDir);
  if (!store->getOrganization(organizationId)) {
    std::fprintf(stderr, "assetd: no organization %s\n", organizationId.c_str());
    return 1;
  }
  auto key = issueApiKey(*store, organizationId, name);
  std::printf("{\"apiKey\":\"%s\",\"keyId\":\"%s\"}\n", key.secret.c_str(), key.id.c_str());
  return 0;
}

int revokeApiKey(const DatabaseConfig& database, const std::string& dataDir,
                 const std::string& keyId) {
  if (!openStore(database, dataDir)->revokeApiKey(keyId)) {
    std::fprintf(stderr, "assetd: no active API key %s\n", keyId.c_str());
    return 1;
  }
  std::printf("{\"revoked\":true}\n");
  return 0;
}

}  // namespace assetd::app
