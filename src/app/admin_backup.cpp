// `assetd admin backup` and `assetd admin restore`.
#include <cstdio>
#include <filesystem>

#include "app/commands.hpp"
#include "app/object_credentials.hpp"
#include "backup/backup.hpp"
#include "sign/secrets.hpp"

namespace assetd::app {

int backupDataDir(const std::string& dataDir, const std::string& dest, bool objectsOnly) {
  backup::BackupRequest request;
  request.dataDir = dataDir;
  request.dest = dest;
  request.databaseFile = std::filesystem::path(databasePath(dataDir)).filename().string();
  request.objectsOnly = objectsOnly;
  request.keyFiles = {sign::secrets::kMasterKeyFile, kObjectCredentialsFile};
  std::printf("%s\n", backup::summaryJson(backup::backupDataDir(request), dest).c_str());
  return 0;
}

int restoreDataDir(const std::string& from, const std::string& dataDir) {
  std::printf("%s\n", backup::summaryJson(backup::restoreDataDir(from, dataDir), dataDir).c_str());
  return 0;
}

}  // namespace assetd::app
