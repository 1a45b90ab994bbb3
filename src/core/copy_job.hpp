#pragma once
// A background copy of an uploadLocal asset's `data` into the server's own object store, as
// a worker holds it between claiming and finishing it.
#include <cstdint>
#include <string>

namespace assetd::core {

struct CopyJob {
  std::string assetId;
  std::string organization;
  std::string project;
  std::string sourceUrl;      // the asset's data when it was imported
  std::int64_t attempts = 0;  // counting the claim that returned this job
  std::string leaseToken;     // proves the claim to complete/fail/release
};

}  // namespace assetd::core
