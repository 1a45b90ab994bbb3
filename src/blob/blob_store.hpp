#pragma once
// Where file bodies live. Keys are "/"-separated paths inside the store's bucket
// ("assets/<org>/<project>/<name>"). Safe to call from many threads at once.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "s3/read_fn.hpp"

namespace assetd::blob {

struct ObjectInfo {
  std::uint64_t size = 0;
  std::string etag;         // quoted hex MD5 of the body, as S3 sends it: "\"9e10…\""
  std::string contentType;  // as given at upload; empty when none
  std::int64_t lastModifiedMillis = 0;
};

// Pulls up to n bytes into buffer; returns 0 at the end. May throw to abort an upload.
using ReadFn = assetd::s3::ReadFn;  // s3/read_fn.hpp
// Receives the next piece of an object's body.
using WriteFn = std::function<void(const char* data, std::size_t n)>;

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // The bucket that urlFor() names.
  virtual const std::string& bucket() const = 0;
  // Streams a whole object in, never holding it in memory; atomic as put(). When
  // `expectedSize` is given and the stream ends early or runs long, nothing is stored and a
  // core::ApiError 400 is thrown.
  virtual ObjectInfo putStream(const std::string& key, const ReadFn& read,
                               std::optional<std::uint64_t> expectedSize,
                               const std::string& contentType) = 0;
  // Size, ETag and type of an object, or nullopt if there is none.
  virtual std::optional<ObjectInfo> head(const std::string& key) = 0;
  // Streams bytes [offset, offset + length) of the object to `write` (clamped to its size);
  // false if there is no such object.
  virtual bool read(const std::string& key, std::uint64_t offset, std::uint64_t length,
                    const WriteFn& write) = 0;
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
