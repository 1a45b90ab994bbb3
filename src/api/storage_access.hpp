#pragma once
// Between the records and the URL signers: storage credentials as they are sealed in the store,
// and the signing target of a storage or of the server's own object store.
#include <string>

#include "api/routes.hpp"
#include "core/types.hpp"
#include "sign/secrets.hpp"
#include "sign/storage_urls.hpp"

namespace assetd::api {

// The credentials as JSON text, sealed under `key` and bound to the storage id.
std::string sealCredentials(const sign::secrets::MasterKey& key, const std::string& storageId,
                            const sign::storage_urls::Credentials& credentials);

// The signing target of a storage read by Store::getStorage. A wrong master key or tampered
// credentials: core::ApiError 500.
sign::storage_urls::Target storageTarget(const sign::secrets::MasterKey& key,
                                         const core::Storage& storage);

// The signing target of the server's own store (path-style under its public URL). Without
// signing credentials: core::ApiError 500.
sign::storage_urls::Target ownStoreTarget(const ObjectStoreAccess& objects);

}  // namespace assetd::api
