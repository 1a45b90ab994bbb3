#pragma once
// Everything `assetd serve` can be told, from flags or ASSETD_* environment variables.
#include <cstddef>
#include <cstdint>
#include <string>

namespace assetd::app {

struct ServeConfig {
  std::string dataDir = "./data";
  std::string listen = "127.0.0.1:8080";
  std::string publicUrl;  // default: http://<listen address>
  std::size_t maxBodyBytes = 256u << 20;
  int ioThreads = 2;
  int workerThreads = 4;
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
