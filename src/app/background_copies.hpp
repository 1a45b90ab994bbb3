#pragma once
// Wiring of the background copier into `assetd serve`: its command-line flags and its start.
#include <memory>

#include "app/copy_config.hpp"
#include "blob/blob_store.hpp"
#include "jobs/copier.hpp"
#include "store/store.hpp"

namespace CLI {
class App;
}

namespace assetd::app {

// Adds --copy-workers, --copy-max-attempts, --copy-max-bytes, --copy-timeout,
// --copy-lease-seconds and the repeatable --copy-allow (ASSETD_COPY_ALLOW: comma-separated) to
// the serve command.
void addCopyOptions(CLI::App& serve, CopyConfig& config);

// Starts copying pending jobs, those left by an earlier run included. Destroying the copier
// (or calling stop()) cancels running copies and gives their jobs back for the next start.
std::unique_ptr<jobs::Copier> startBackgroundCopies(const CopyConfig& config, store::Store& store,
                                                    blob::BlobStore& blobs);

}  // namespace assetd::app
