#pragma once
// Downloads a source URL for a background copy with libcurl, streaming: the body is pulled
// piece by piece by the consumer (BlobStore::putStream) and never held whole in memory.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "blob/blob_store.hpp"
#include "jobs/address_policy.hpp"

namespace assetd::jobs {

struct FetchOptions {
  AddressPolicy policy;
  std::uint64_t maxBytes = 5ull << 30;
  // The whole download, redirects included.
  std::chrono::milliseconds timeout{std::chrono::hours(1)};
  // A connection that moves no byte for this long is given up (a retryable failure).
  std::chrono::milliseconds stallTimeout{std::chrono::seconds(60)};
  int maxRedirects = 5;
};

struct SourceBody {
  const blob::ReadFn& read;           // returns 0 at the end; throws CopyFailure/CopyCancelled
  std::optional<std::uint64_t> size;  // the source's Content-Length, when it sent one
  std::string contentType;            // empty when the source sent none
};

// Fetches `url` and, once the source answered 2xx, hands its body to `consume`, which pulls it
// to the end. Redirects (301, 302, 303, 307, 308) are followed by hand, at most
// options.maxRedirects, each hop checked against the policy like the first URL.
// Throws CopyFailure (a 4xx is permanent, a 5xx/408/429 or a transport error retryable, the
// size cap and refused addresses permanent), CopyCancelled once `cancelled` is set, or what
// `consume` throws for reasons of its own.
void fetchSource(const std::string& url, const FetchOptions& options,
                 const std::atomic<bool>& cancelled,
                 const std::function<void(const SourceBody&)>& consume);

}  // namespace assetd::jobs
