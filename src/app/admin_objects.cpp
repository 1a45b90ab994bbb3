// `assetd admin s3-credentials`: what a client needs to reach the built-in S3 endpoint.
#include <cstdio>

#include "app/commands.hpp"
#include "app/object_credentials.hpp"

namespace assetd::app {

int printObjectCredentials(const std::string& dataDir) {
  std::printf("%s\n", objectCredentialsJson(loadObjectCredentials(dataDir)).c_str());
  return 0;
}

}  // namespace assetd::app
