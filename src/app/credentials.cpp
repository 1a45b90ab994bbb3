#include "app/credentials.hpp"

#include "core/hash.hpp"
#include "core/ids.hpp"

namespace assetd::app {

IssuedKey issueApiKey(store::Store& store, const std::string& organizationId,
                      const std::string& name) {
  IssuedKey key;
  key.secret = core::randomHex(32);
  key.id = store.createApiKey(organizationId, name.empty() ? "default" : name,
                              core::sha256Hex(key.secret));
  return key;
}

}  // namespace assetd::app
