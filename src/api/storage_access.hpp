#pragma once
// Between the records and the URL signers: storage credentials as they are sealed in the store,
// and the signing target of a storage or of the server's own object store.
#include <string>

#include "api/routes.hpp"
#include "blob/secrets.hpp"
#include "blob/storage_urls.hpp"
#include "core/types.hpp"

namespace assetd::api {

// The credentials as JSON text, sealed under `key` and bound to the storage id.
std::string sealCredentials(const blob::secrets::MasterKey& key, const std::string& storageId,
                            const blob::storage_urls::Credentials& credentials);

// The signing target of a storage read by Store::getStorage. A wrong master key or tampered
// credentials: core::ApiError 500.
blob::storage_urls::Target storageTarget(const blob::secrets::MasterKey& key,
                                         const core::Storage& storage);

// The signing target of the server's own store (path-style under its public URL). Without
// signing credentials: core::ApiError 500.
blob::storage_urls::Target ownStoreTarget(const ObjectStoreAccess& objects);

}  // namespace assetd::api
