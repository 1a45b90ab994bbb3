#pragma once
// Many small objects written or removed by one request (a chat import creates up to 10,000
// conversation files). On an S3 service each put is a round trip, so they run several at once,
// with at most `concurrency` in flight.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "blob/blob_store.hpp"

namespace assetd::blob {

struct PutItem {
  std::string key;
  std::string_view bytes;  // must outlive the call
};

// Writes every item, or none: on the first failure no further put starts, the objects already
// written are removed, and that failure is rethrown.
void putAll(BlobStore& store, const std::vector<PutItem>& items, std::size_t concurrency);

// Removes every key it can (best effort, for undoing a putAll whose records failed); never
// throws for a key that cannot be removed.
void removeAll(BlobStore& store, const std::vector<std::string>& keys,
               std::size_t concurrency) noexcept;

}  // namespace assetd::blob
