#pragma once
// The key pair of the server's built-in S3 endpoint. A data directory gets its own pair on first
// start, kept in <data>/s3-credentials.json (mode 0600) beside the region and the endpoint the
// server last announced; flags or environment variables may override the pair (several nodes
// serving one store must share it).
#include <string>

namespace assetd::app {

inline constexpr const char* kObjectCredentialsFile = "s3-credentials.json";

struct ObjectCredentials {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string region = "us-east-1";
  std::string endpoint;  // the URL clients reach the endpoint at; empty before the first start
  std::string bucket;
};

// The pair recorded in the data directory, created (random, 0600) when there is none. A file
// readable by group or others, or one that does not parse, is refused with a message a person
// can act on (std::runtime_error).
ObjectCredentials loadObjectCredentials(const std::string& dataDir);

// Records what the server announces (endpoint, region, bucket), keeping the recorded pair.
void recordObjectEndpoint(const std::string& dataDir, const ObjectCredentials& announced);

// The pair the server uses: the recorded one unless both overrides are given. Exactly one of
// them is an error (std::invalid_argument).
ObjectCredentials effectiveObjectCredentials(const std::string& dataDir,
                                             const std::string& accessKeyOverride,
                                             const std::string& secretKeyOverride,
                                             const std::string& region);

// JSON with accessKeyId, secretAccessKey, region, endpoint, bucket.
std::string objectCredentialsJson(const ObjectCredentials& credentials);

}  // namespace assetd::app
