#pragma once
// The `serve` settings of background copies (uploadLocal), from --copy-* flags or
// ASSETD_COPY_* environment variables.
#include <cstdint>
#include <string>
#include <vector>

namespace assetd::app {

struct CopyConfig {
  int workers = 4;
  int maxAttempts = 5;
  std::uint64_t maxBytes = 5ull << 30;
  int timeoutSeconds = 3600;  // one copy, redirects included
  // How long a node's claim on a copy lasts unless renewed (every third of it, while the copy
  // runs): the copies of a node that died are taken over after at most this long.
  int leaseSeconds = 30;
  std::vector<std::string> allow;  // CIDRs a copy may reach although they are not public
};

}  // namespace assetd::app
