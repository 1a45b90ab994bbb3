#pragma once
// Everything `assetd serve` can be told, from flags or ASSETD_* environment variables.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/blob_config.hpp"
#include "app/copy_config.hpp"
#include "app/database_config.hpp"
#include "app/ops_config.hpp"

namespace assetd::app {

struct ServeConfig {
  std::string dataDir = "./data";
  std::string listen = "127.0.0.1:8080";
  std::string publicUrl;  // default: http://<listen address>
  std::size_t maxBodyBytes = 256u << 20;
  int ioThreads = 2;
  int workerThreads = 4;
  DatabaseConfig database;  // the record store (default: SQLite in the data directory)
  CopyConfig copy;          // uploadLocal background copies
  BlobConfig blob;          // where file bodies live: the built-in store or an external S3 service
  OpsConfig ops;            // rate limits, connection limits and timeouts, drain, metrics, logs
  // The built-in S3 endpoint's key pair (both or neither) and region; default: the pair kept in
  // the data directory, us-east-1.
  std::string s3AccessKey;
  std::string s3SecretKey;
  std::string s3Region;
  // Multipart uploads of the built-in endpoint idle this long (no new part) are removed.
  int multipartExpiryHours = 168;
};

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
// "127.0.0.1:8080", "[::1]:8080", "localhost:0"; throws std::invalid_argument otherwise.
HostPort parseListen(const std::string& listen);

// The SQLite file of a data directory.
std::string databasePath(const std::string& dataDir);

}  // namespace assetd::app
