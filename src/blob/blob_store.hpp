#pragma once
// Where file bodies live. Keys are "/"-separated paths inside the store's bucket
// ("assets/<org>/<project>/<name>"). Safe to call from many threads at once.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace assetd::blob {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Writes the whole object atomically: readers see the old object or the new one, never a
  // part. Throws core::ApiError 500 on I/O failure.
  virtual void put(const std::string& key, std::string_view bytes) = 0;
  // The object's bytes, or nullopt if there is none.
  virtual std::optional<std::string> get(const std::string& key) = 0;
  // false if there was no such object.
  virtual bool remove(const std::string& key) = 0;
  // The unsigned URL that names the object ("<public-url>/<bucket>/<key>").
  virtual std::string urlFor(const std::string& key) const = 0;
};

// Objects as files under `root`/<bucket>/<key>; URLs under `publicUrl`.
std::unique_ptr<BlobStore> openLocalBlobStore(const std::string& root, const std::string& bucket,
                                              const std::string& publicUrl);

}  // namespace assetd::blob
