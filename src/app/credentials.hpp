#pragma once
#include <string>

#include "store/store.hpp"

namespace assetd::app {

struct IssuedKey {
  std::string id;
  std::string secret;  // shown once; only its SHA-256 is stored
};

// A new random API key for the organization.
IssuedKey issueApiKey(store::Store& store, const std::string& organizationId,
                      const std::string& name);

}  // namespace assetd::app
